"""``holoptic data`` and ``holoptic keys``: reading, exporting, rotating, bad keys."""

from __future__ import annotations

import hashlib
import json
import stat
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from holoptic.db.schema import item_blobs
from holoptic.vault.crypto import MasterKey
from tests.e2e.conftest import Cli, one_line

POINTS = [
    {"time": "2026-03-01T08:00:00Z", "lat": 45.19, "lon": 5.72},
    {"time": "2026-03-01T09:30:00Z", "lat": 45.20, "lon": 5.73},
    {"time": "2026-03-02T10:00:00+01:00", "lat": 45.21, "lon": 5.74},
]
INTERESTS = [{"interest": "Cycling"}, {"interest": "Gardening"}]


def seed(cli: Cli, email: str = "aline@example.org") -> tuple[str, dict[str, list[str]]]:
    """A member with two days of points and two interests; item ids per kind."""
    member = cli.json("member", "add", "Aline", "--email", email)["id"]
    with cli.services() as services:
        points = services.items.store(member, "location.point", POINTS)
        interests = services.items.store(member, "ads.interest", INTERESTS)
    return member, {
        "location.point": list(points.item_ids),
        "ads.interest": list(interests.item_ids),
    }


def blobs(cli: Cli) -> dict[str, bytes]:
    with cli.raw_engine() as engine, engine.connect() as conn:
        rows = conn.execute(select(item_blobs.c.item_id, item_blobs.c.ciphertext))
        return {row.item_id: bytes(row.ciphertext) for row in rows}


def corrupt(cli: Cli, item_id: str) -> None:
    blob = bytearray(blobs(cli)[item_id])
    blob[-1] ^= 0x01  # flip one bit of the authentication tag
    with cli.raw_engine() as engine, engine.begin() as conn:
        conn.execute(
            update(item_blobs).where(item_blobs.c.item_id == item_id).values(ciphertext=bytes(blob))
        )


def test_data_list_and_show(ready: Cli) -> None:
    member, ids = seed(ready)
    listed = ready.json("data", "list", "--member", member)
    assert listed["member"] == member
    assert {item["kind"] for item in listed["items"]} == {"location.point", "ads.interest"}
    assert sum(item["records"] for item in listed["items"]) == 5
    only_points = ready.json("data", "list", "--member", member, "--kind", "location.point")
    assert sorted(i["id"] for i in only_points["items"]) == sorted(ids["location.point"])
    assert {i["day"] for i in only_points["items"]} == {"2026-03-01", "2026-03-02"}

    interest = ready.json("data", "show", ids["ads.interest"][0], "--member", member)
    assert interest["item"]["kind"] == "ads.interest"
    assert interest["records"][0] in INTERESTS
    text = ready.ok("data", "show", ids["ads.interest"][0], "--member", member).stdout
    assert "ads.interest" in text
    assert "interest" in text
    assert "location.point" in ready.ok("data", "list", "--member", member).stdout


def test_data_errors(ready: Cli) -> None:
    member, ids = seed(ready)
    other = ready.json("member", "add", "Bruno")["id"]
    unknown_kind = ready("data", "list", "--member", member, "--kind", "nonsense")
    assert unknown_kind.exit_code == 1
    assert 'unknown kind "nonsense"' in one_line(unknown_kind)
    not_theirs = ready("data", "show", ids["ads.interest"][0], "--member", other)
    assert not_theirs.exit_code == 1
    assert ids["ads.interest"][0] in one_line(not_theirs)


def read_export(path: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return json.loads(files.pop("manifest.json")), files


def test_export_writes_jsonl_per_kind_and_a_verifiable_manifest(ready: Cli, tmp_path: Path) -> None:
    member, ids = seed(ready)
    out = tmp_path / "aline.zip"
    summary = ready.json("data", "export", "--member", member, "--out", str(out))
    assert summary["records"] == 5
    assert summary["unreadable"] == []
    assert stat.S_IMODE(out.stat().st_mode) == 0o600

    manifest, files = read_export(out)
    assert sorted(files) == ["ads.interest.jsonl", "documents.json", "location.point.jsonl"]
    assert manifest["documents"]["count"] == 0
    assert manifest["format_version"] == 1
    assert manifest["member"]["id"] == member
    assert manifest["member"]["email"] == "aline@example.org"
    assert manifest["member"]["communities"][0]["slug"] == "default"
    assert manifest["unreadable"] == []
    for entry in manifest["files"]:
        content = files[entry["path"]]
        assert hashlib.sha256(content).hexdigest() == entry["sha256"]
        assert len(content.splitlines()) == entry["records"]
    lines = [json.loads(line) for line in files["location.point.jsonl"].splitlines()]
    assert {line["item"] for line in lines} == set(ids["location.point"])
    assert sorted(line["record"]["time"] for line in lines) == sorted(
        str(p["time"]) for p in POINTS
    )
    assert {line["day"] for line in lines} == {"2026-03-01", "2026-03-02"}
    assert lines[0]["category"].startswith("https://w3id.org/dpv/pd#")


def test_export_never_overwrites_without_force(ready: Cli, tmp_path: Path) -> None:
    member, _ = seed(ready)
    out = tmp_path / "exports" / "export.zip"
    out.parent.mkdir()
    out.write_text("precious")
    refused = ready("data", "export", "--member", member, "--out", str(out))
    assert refused.exit_code == 1
    assert "--force" in one_line(refused)
    assert out.read_text() == "precious"
    ready.ok("data", "export", "--member", member, "--out", str(out), "--force")
    assert zipfile.is_zipfile(out)
    assert [p.name for p in out.parent.iterdir()] == ["export.zip"]  # no temp files left


def test_export_with_a_corrupted_item_names_it_and_exports_the_rest(
    ready: Cli, tmp_path: Path
) -> None:
    member, ids = seed(ready)
    bad = ids["location.point"][0]
    corrupt(ready, bad)
    out = tmp_path / "export.zip"
    result = ready("data", "export", "--member", member, "--out", str(out))
    assert result.exit_code == 0
    assert bad in result.stderr
    assert "unreadable" in result.stdout

    manifest, files = read_export(out)
    assert [u["item_id"] for u in manifest["unreadable"]] == [bad]
    assert manifest["unreadable"][0]["code"] == "vault.item_unreadable"
    exported = {
        json.loads(line)["item"]
        for name, data in files.items()
        if name.endswith(".jsonl")
        for line in data.splitlines()
    }
    assert bad not in exported
    assert exported == {*ids["location.point"][1:], *ids["ads.interest"]}

    shown = ready("data", "show", bad, "--member", member)
    assert shown.exit_code == 1
    assert bad in one_line(shown)


def test_keys_rotate_rewraps_without_touching_blobs(ready: Cli) -> None:
    member, ids = seed(ready)
    key_file = ready.home / "keys" / "master.key"
    old_key = key_file.read_text()
    blobs_before = blobs(ready)

    rotated = ready.json("keys", "rotate")
    assert rotated["members_rewrapped"] == 1
    assert rotated["new_key_id"] == MasterKey.parse(key_file.read_text()).key_id
    assert rotated["old_key_id"] == MasterKey.parse(old_key).key_id
    assert "master_key" not in rotated  # the key stays in its file
    assert key_file.read_text() != old_key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert blobs(ready) == blobs_before

    shown = ready.json("data", "show", ids["ads.interest"][0], "--member", member)
    assert shown["records"][0] in INTERESTS
    assert ready.json("member", "list")["members"][0]["email"] == "aline@example.org"
    stale = ready("member", "list", HOLOPTIC_MASTER_KEY=old_key.strip())
    assert stale.exit_code == 1
    assert "wrong master key" in one_line(stale)


def test_keys_rotate_with_an_environment_key_prints_the_new_key_once(cli: Cli) -> None:
    old = MasterKey.generate().encode()
    cli.ok("init", HOLOPTIC_MASTER_KEY=old)
    cli.env["HOLOPTIC_MASTER_KEY"] = old
    member, ids = seed(cli)
    result = cli.ok("keys", "rotate", "--json")
    new = json.loads(result.stdout)["master_key"]
    assert "HOLOPTIC_MASTER_KEY" in result.stderr
    assert new != old
    assert not (cli.home / "keys" / "master.key").exists()

    shown = cli.json(
        "data", "show", ids["ads.interest"][0], "--member", member, HOLOPTIC_MASTER_KEY=new
    )
    assert shown["records"][0] in INTERESTS

    # The operator updated the variable: a second rotation moves to yet another key.
    again = cli.json("keys", "rotate", HOLOPTIC_MASTER_KEY=new)
    assert again["old_key_id"] == MasterKey.parse(new).key_id
    assert again["master_key"] not in (old, new)
    newest = {"HOLOPTIC_MASTER_KEY": again["master_key"]}
    assert cli.json("member", "list", **newest)["members"][0]["id"] == member


def test_wrong_master_key_is_a_clear_error_and_adds_nothing(ready: Cli) -> None:
    member, _ = seed(ready)
    wrong = MasterKey.generate()
    for args in (
        ("member", "list"),
        ("data", "list", "--member", member),
        ("member", "add", "Intruder", "--json"),
    ):
        result = ready(*args, HOLOPTIC_MASTER_KEY=wrong.encode())
        assert result.exit_code == 1, args
        assert result.stdout == ""
        line = one_line(result)
        assert "wrong master key" in line
        assert wrong.key_id in line
    assert len(ready.json("member", "list")["members"]) == 1


def test_malformed_master_key(ready: Cli) -> None:
    result = ready("member", "list", HOLOPTIC_MASTER_KEY="not-a-key")
    assert result.exit_code == 1
    assert "master key is malformed" in one_line(result)
