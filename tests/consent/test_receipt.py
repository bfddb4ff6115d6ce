"""Kantara Consent Receipts v1.1: valid against Kantara's schema, for any grant."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator

from holoptic.consent.errors import InvalidExportOption, InvalidGrant, InvalidSubjectRef
from holoptic.consent.model import SYSTEM, Grant
from holoptic.consent.receipt import VERSION, kantara_receipt
from holoptic.rules.model import PD
from tests.conftest import shared_path
from tests.consent.kit import (
    COMMUNITY,
    DAY,
    KANTARA,
    SUBJECT,
    T0,
    TOWN_HALL,
    grant,
    grants,
    kantara_schema,
    label,
    parties,
)

POLICY = "https://commons.valmont.example/privacy"


def receipt(g: Grant, **options: Any) -> dict[str, Any]:
    return kantara_receipt(g, COMMUNITY, SUBJECT, "FR", POLICY, label, **options)


def errors(document: dict[str, Any]) -> list[str]:
    validator = Draft4Validator(kantara_schema())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def test_the_schema_accepts_kantaras_example_and_rejects_a_broken_one() -> None:
    """The validator as set up here is the one Kantara's example passes."""
    path = shared_path(*KANTARA, "kantara-consent-receipt-v1_1-example.json")
    example = json.loads(path.read_text())
    assert errors(example) == []
    del example["services"][0]["purposes"][0]["thirdPartyName"]  # disclosure without a name
    assert errors(example) != []


def test_the_town_halls_receipt() -> None:
    document = receipt(grant(categories=(PD + "TravelHistory", PD + "Health")))
    assert errors(document) == []
    assert document["version"] == VERSION == "KI-CR-v1.1.0"
    assert document["consentTimestamp"] == int(T0.timestamp())
    assert document["piiPrincipalId"] == SUBJECT
    assert uuid.UUID(document["consentReceiptID"]).version == 5
    consumer, community = document["piiControllers"]
    assert consumer["piiController"] == TOWN_HALL.name
    assert consumer["address"] == {"streetAddress": TOWN_HALL.address}
    assert consumer["piiControllerUrl"] == TOWN_HALL.website
    assert community["piiController"] == COMMUNITY.name
    assert community["address"] == {}  # required by the schema, unknown here
    assert community["phone"] == ""
    assert consumer["onBehalf"] is community["onBehalf"] is False
    (service,) = document["services"]
    (purpose,) = service["purposes"]
    assert purpose["purposeCategory"] == ["Improve transport and mobility"]
    assert purpose["piiCategory"] == ["Travel history", "Health"]
    assert purpose["consentType"] == "EXPRESSED"
    assert purpose["primaryPurpose"] is True
    assert purpose["thirdPartyDisclosure"] is False
    assert "2026-05-30 09:30 UTC" in purpose["termination"]
    assert "r-7" in document["collectionMethod"]
    assert document["sensitive"] is True
    assert document["spiCat"] == ["Health"]


def test_termination_tells_how_and_when_the_grant_ended() -> None:
    def termination(g: Grant, **options: Any) -> str:
        text: str = receipt(g, **options)["services"][0]["purposes"][0]["termination"]
        return text

    assert "withdraws" in termination(grant(expires_at=None))
    assert "no expiry date" in termination(grant(expires_at=None))
    assert "Withdrawn on 2026-03-02 09:30 UTC" in termination(grant().withdraw(T0 + DAY))
    assert "Ended by the community" in termination(grant().withdraw(T0 + DAY, SYSTEM))
    assert "Expired on 2026-05-30" in termination(grant(), now=T0 + 100 * DAY)
    assert "Expired" not in termination(grant(), now=T0 + DAY)


def test_a_confirmed_grant_is_explicit_and_ordinary_data_is_not_sensitive() -> None:
    document = receipt(grant(rule_ids=()))
    assert document["services"][0]["purposes"][0]["consentType"] == "EXPLICIT"
    assert document["sensitive"] is False
    assert document["spiCat"] == []
    assert errors(document) == []


def test_french_receipts() -> None:
    document = receipt(grant(), lang="fr")
    assert document["language"] == "fr"
    assert document["collectionMethod"].startswith("Règle d'usage r-7")
    assert errors(document) == []


@pytest.mark.parametrize(
    ("jurisdiction", "policy_url"), [("", POLICY), ("FR", "not a url"), ("FR", "")]
)
def test_bad_options_are_refused(jurisdiction: str, policy_url: str) -> None:
    with pytest.raises(InvalidExportOption):
        kantara_receipt(grant(), COMMUNITY, SUBJECT, jurisdiction, policy_url, label)


def test_bad_subjects_and_pre_1970_grants_are_refused() -> None:
    with pytest.raises(InvalidSubjectRef):
        kantara_receipt(grant(), COMMUNITY, "a@b.example", "FR", POLICY, label)
    old = T0.replace(year=1969)
    with pytest.raises(InvalidGrant):
        receipt(grant(given_at=old, expires_at=None))


def test_the_receipt_id_is_stable_per_grant() -> None:
    first = receipt(grant())["consentReceiptID"]
    assert receipt(grant().withdraw(T0 + DAY))["consentReceiptID"] == first
    assert receipt(grant(id="g-2"))["consentReceiptID"] != first


@settings(max_examples=150, deadline=None)
@given(grants(), parties(), st.sampled_from(["en", "fr", "de", "fr-CA"]))
def test_any_grant_gives_a_valid_receipt(g: Grant, community: Any, lang: str) -> None:
    document = kantara_receipt(g, community, SUBJECT, "EU", POLICY, label, lang=lang)
    assert errors(document) == []
    assert json.loads(json.dumps(document)) == document
    assert len(document["services"][0]["purposes"][0]["piiCategory"]) == len(g.categories)
