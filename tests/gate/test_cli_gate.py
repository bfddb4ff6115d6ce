"""The gate from a shell, as the issue names it: consumer add, rules import/export, use,
log proof for the use, verified offline; grants and their records; lineage."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import jsonschema

from tests.conftest import shared_path
from tests.e2e.conftest import Cli, one_line

POLICY = {
    "@context": [
        "http://www.w3.org/ns/odrl.jsonld",
        {"dpv": "https://w3id.org/dpv#", "pd": "https://w3id.org/dpv/pd#"},
    ],
    "@type": "Set",
    "uid": "urn:example:policy:1",
    "permission": [
        {
            "target": "pd:Location",
            "action": "use",
            "constraint": [
                {
                    "leftOperand": "purpose",
                    "operator": "isA",
                    "rightOperand": {"@id": "dpv:PublicBenefit"},
                }
            ],
        }
    ],
    "prohibition": [{"target": "pd:BrowsingBehaviour", "action": "use"}],
}
POINT = {"time": "2025-06-02T08:00:00Z", "lat": 45.1, "lon": 5.7}


def member_with_data(cli: Cli) -> str:
    member = cli.json("member", "add", "Aline", "--email", "aline@valmont.example")["id"]
    with cli.services() as services:
        services.items.store(member, "location.point", [POINT])
    return str(member)


def test_consumer_rules_use_and_offline_proof(ready: Cli, tmp_path: Path) -> None:
    member = member_with_data(ready)
    consumer = ready.json("consumer", "add", "Mairie", "--type", "public_body")
    assert consumer["token"].startswith("hol_") and consumer["status"] == "approved"
    policy = tmp_path / "policy.jsonld"
    policy.write_text(json.dumps(POLICY))
    imported = ready.json("rules", "import", "--member", member, str(policy))
    assert len(imported["rules"]) == 2
    exported = json.loads(ready.ok("rules", "export", "--member", member).stdout)
    assert exported["@type"] == "Set" and len(exported["permission"]) == 1
    use = ready.json(
        "use",
        "--consumer",
        consumer["id"],
        "--purpose",
        "https://w3id.org/dpv#PublicPolicyMaking",
        "--category",
        "https://w3id.org/dpv/pd#GPSCoordinate",
        "--member",
        member,
        "--output",
        str(tmp_path / "released.json"),
    )
    assert use["decision"] == "permit" and isinstance(use["log_index"], int)
    released = json.loads((tmp_path / "released.json").read_text(encoding="utf-8"))
    assert released["members"][0]["items"][0]["records"] == [POINT]
    permit_rule = next(r["id"] for r in imported["rules"] if r["effect"] == "permit")
    assert use["explanation"][0]["reasons"][0]["rule"] == permit_rule
    proof = ready.json("log", "proof", "--use", use["use_id"])
    leaf = json.loads(base64.b64decode(proof["leaf"]))
    assert leaf["use_id"] == use["use_id"] and leaf["decision"] == "permit"
    (tmp_path / "proof.json").write_text(json.dumps(proof))
    (tmp_path / "log.vkey").write_text(ready.ok("log", "key").stdout)
    (tmp_path / "checkpoint").write_text(proof["checkpoint"])
    ready.ok(
        "log",
        "verify",
        "--key",
        str(tmp_path / "log.vkey"),
        "--checkpoint",
        str(tmp_path / "checkpoint"),
        "--proof",
        str(tmp_path / "proof.json"),
    )


def test_a_refusal_exits_1_and_is_logged(ready: Cli) -> None:
    member = member_with_data(ready)
    consumer = ready.json("consumer", "add", "AdNet", "--type", "commercial")
    result = ready(
        "use",
        "--consumer",
        consumer["id"],
        "--purpose",
        "https://w3id.org/dpv#TargetedAdvertising",
        "--category",
        "https://w3id.org/dpv/pd#Location",
        "--member",
        member,
        "--json",
    )
    assert result.exit_code == 1
    answer = json.loads(result.stdout)
    assert answer["decision"] == "deny" and answer["log_index"] == 0


def test_a_broken_policy_imports_nothing(ready: Cli, tmp_path: Path) -> None:
    member = member_with_data(ready)
    broken = dict(POLICY, permission=[{"target": "pd:Location", "action": "sell"}])
    path = tmp_path / "broken.jsonld"
    path.write_text(json.dumps(broken))
    result = ready("rules", "import", "--member", member, str(path))
    assert result.exit_code != 0
    assert "sell" in one_line(result)
    assert ready.json("rules", "list", "--member", member)["rules"] == []
    path.write_text("{not json")
    assert ready("rules", "import", "--member", member, str(path)).exit_code != 0


def test_grants_records_receipts_and_withdrawal(ready: Cli, tmp_path: Path) -> None:
    member = member_with_data(ready)
    consumer = ready.json(
        "consumer", "add", "Labo", "--type", "research", "--email", "labo@uga.example"
    )
    policy = tmp_path / "policy.jsonld"
    policy.write_text(json.dumps(POLICY))
    ready.ok("rules", "import", "--member", member, str(policy))
    args = (
        "use",
        "--consumer",
        consumer["id"],
        "--purpose",
        "https://w3id.org/dpv#ImproveHealthcare",
        "--category",
        "https://w3id.org/dpv/pd#Location",
        "--member",
        member,
    )
    ready.json(*args)
    [grant] = ready.json("grants", "list", "--member", member)["grants"]
    assert grant["status"] == "active"
    record = json.loads(ready.ok("grants", "record", grant["id"], "--member", member).stdout)
    assert "@context" in record
    receipt = json.loads(
        ready.ok("grants", "record", grant["id"], "--member", member, "--kantara").stdout
    )
    assert [c["email"] for c in receipt["piiControllers"]] == [
        "labo@uga.example",
        "dpo@holoptic.example",  # the placeholder, until the deployment names its contact
    ]
    configured = ready.ok(
        *("grants", "record", grant["id"], "--member", member, "--kantara"),
        HOLOPTIC_CONTACT_EMAIL="protection@valmont.example",
    )
    controllers = json.loads(configured.stdout)["piiControllers"]
    assert controllers[1]["email"] == "protection@valmont.example"
    refused = ready("grants", "list", "--member", member, HOLOPTIC_CONTACT_EMAIL="not a mail")
    assert refused.exit_code != 0 and "HOLOPTIC_CONTACT_EMAIL" in refused.stderr
    schema_path = shared_path(
        "fixtures",
        "kantara-consent-receipt-v1.1",
        "CR_v1_1",
        "kantara-consent-receipt-v1_1-schema.comments-stripped.json",
    )
    jsonschema.Draft4Validator(json.loads(schema_path.read_text())).validate(receipt)
    ready.ok("grants", "withdraw", grant["id"], "--member", member)
    again = ready(*args, "--json")
    assert again.exit_code == 1
    reasons = json.loads(again.stdout)["explanation"][0]["reasons"]
    assert reasons[0]["rule"] == "grant:" + grant["id"]
    lineage = json.loads(ready.ok("lineage", "export", "--member", member).stdout)
    assert "activity" in lineage
