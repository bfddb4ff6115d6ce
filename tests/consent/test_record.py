"""Consent records: the DPV guide's shape, valid JSON-LD, and what each event becomes."""

from __future__ import annotations

import csv
import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from rdflib import RDF, XSD, Literal, Namespace, URIRef

from holoptic.consent.dpv import PREFIXES
from holoptic.consent.errors import InvalidExportOption, InvalidSubjectRef
from holoptic.consent.model import MEMBER, SYSTEM, Grant
from holoptic.consent.record import SCHEMA_VERSION, consent_record
from holoptic.rules.model import DPV, PD, Aggregation, ConsumerType
from tests.conftest import shared_path
from tests.consent.kit import (
    COMMUNITY,
    DAY,
    GUIDE,
    SUBJECT,
    T0,
    grant,
    grants,
    load_with_repeats,
    rdf,
)

DPVNS = Namespace(DPV)
SKOS = Namespace(PREFIXES["skos"])
MANAGE = "https://commons.valmont.example/grants"
# Terms the guide and ../shared/data/dpv do not spell out, checked by hand against the
# DPV 2.3 term list (dpv.ttl of w3c/dpv at the fixtures' commit).
CHECKED_ELSEWHERE = {
    "dpv:Member", "dpv:Disclose", "dpv:Pseudonymise", "dpv:Aggregate", "dpv:Pseudonymisation",
    "dpv:DifferentialPrivacy", "dpv:PublicSectorBody", "dpv:AcademicScientificOrganisation",
    "dpv:ForProfitOrganisation", "dpv:hasTechnicalMeasure",
}  # fmt: skip


def guide_record() -> dict[str, Any]:
    """The guide's record with every required field (Example 39, as Example 46 wraps it).

    Example 39 itself is not valid JSON; the receipt of Example 46 carries the same record
    cleaned up, with ``dpv:hasProcess`` repeated (kept here as a list).
    """
    receipt = load_with_repeats(shared_path(*GUIDE, "receipt-full-example-1.jsonld"))
    record: dict[str, Any] = receipt["dpv:hasRecordOfActivity"]
    return record


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def element_types(value: Any) -> set[type]:
    return {type(item) for item in as_list(value)}


def withdrawn_record() -> dict[str, Any]:
    return consent_record(grant().withdraw(T0 + DAY), COMMUNITY, SUBJECT, manage_url=MANAGE)


def test_the_record_has_every_field_of_the_guides_example() -> None:
    guide, ours = guide_record(), withdrawn_record()
    # The guide's example has a processor; a grant has none (the community is the source).
    assert set(guide) - set(ours) == {"dpv:hasDataProcessor"}
    for key in set(guide) & set(ours):
        assert element_types(ours[key]) == element_types(guide[key]), key
    assert ours["@type"] == guide["@type"] == "dpv:ConsentRecord"
    assert ours["dct:conformsTo"] == guide["dct:conformsTo"] == SCHEMA_VERSION
    assert ours["dpv:hasApplicableLaw"] == guide["dpv:hasApplicableLaw"]
    assert set(guide["dpv:hasDataSubject"]) <= set(ours["dpv:hasDataSubject"])


def test_the_process_has_the_guides_fields() -> None:
    guide, ours = guide_record(), withdrawn_record()
    process = ours["dpv:hasProcess"]
    for guide_process in as_list(guide["dpv:hasProcess"]):
        assert set(guide_process) <= set(process)
    assert process["@type"] == "dpv:Process"
    storage_types = {c["@type"] for c in process["dpv:hasStorageCondition"]}
    guide_types = {
        c["@type"] for p in as_list(guide["dpv:hasProcess"]) for c in p["dpv:hasStorageCondition"]
    }
    assert storage_types <= guide_types


def test_the_events_have_the_guides_fields() -> None:
    guide, ours = guide_record(), withdrawn_record()
    pairs = list(zip(guide["dpv:hasConsentStatus"], ours["dpv:hasConsentStatus"], strict=True))
    for guide_status, status in pairs:
        assert set(guide_status) <= set(status)
        assert as_list(status["@type"])[0] == as_list(guide_status["@type"])[0]
    given_ = ours["dpv:hasConsentStatus"][0]
    assert given_["@type"] == ["dpv:ConsentGiven", "dpv:ExpressedConsent"]
    assert given_["dpv:isIndicatedAtTime"] == "2026-03-01T09:30:00Z"
    assert given_["dpv:hasDuration"] == {
        "@type": "dpv:UntilTimeDuration",
        "rdf:value": "2026-05-30T09:30:00Z",
    }


def test_notice_control_and_rights_have_the_guides_fields() -> None:
    guide, ours = guide_record(), withdrawn_record()
    control = ours["dpv:hasConsentControl"]
    assert set(guide["dpv:hasConsentControl"]) <= set(control)
    assert control["@type"] == guide["dpv:hasConsentControl"]["@type"]
    assert control["dpv:isExercisedAt"] == MANAGE
    (right,) = ours["dpv:hasRight"]
    assert set(guide["dpv:hasRight"]) <= set(right)
    assert right["@type"] == guide["dpv:hasRight"]["@type"]
    (notice,) = ours["dpv:hasNotice"]
    assert notice["@type"] == guide["dpv:hasNotice"]["@type"]
    assert {"@id", "@type", "dct:language"} <= set(notice)
    assert notice["dct:identifier"] == "r-7"


def test_every_term_is_a_dpv_term() -> None:
    """No typo'd term: each one appears in the guide, in DPV's CSVs, or was checked."""
    guide_text = shared_path(*GUIDE, "guides-consent-27560.html").read_text()
    known = set(re.findall(r"\b(?:dpv|pd|eu-gdpr|loc):[A-Za-z0-9-]+", guide_text))
    for path in shared_path("data", "dpv").glob("*.csv"):
        with path.open(encoding="utf-8") as handle:
            known |= {
                "dpv:" + r["term"] for r in csv.DictReader(handle) if r["iri"].startswith(DPV)
            }
    everything = grant(rule_ids=(), categories=(PD + "Health", PD + "Vulnerability"))
    records = [
        consent_record(grant(aggregation=level), COMMUNITY, SUBJECT, jurisdiction="FR")
        for level in Aggregation
    ]
    records += [
        consent_record(everything.withdraw(T0 + DAY, SYSTEM), COMMUNITY, SUBJECT),
        consent_record(everything, COMMUNITY, SUBJECT, now=T0 + 100 * DAY),
        *(consent_record(grant(consumer_type=kind), COMMUNITY, SUBJECT) for kind in ConsumerType),
    ]
    used = set(re.findall(r'"((?:dpv|eu-gdpr|loc):[A-Za-z0-9-]+)"', json.dumps(records)))
    assert used - known - CHECKED_ELSEWHERE == set()


def test_the_record_is_json_ld_saying_what_the_grant_says() -> None:
    g = grant(categories=(PD + "TravelHistory", PD + "Health")).withdraw(T0 + DAY)
    document = consent_record(g, COMMUNITY, SUBJECT)
    graph = rdf(document)
    record = URIRef(document["@id"])
    assert (record, RDF.type, DPVNS.ConsentRecord) in graph
    process = graph.value(record, DPVNS.hasProcess)
    assert graph.value(process, DPVNS.hasPurpose) == URIRef(g.purpose)
    data = set(graph.objects(process, DPVNS.hasPersonalData))
    assert URIRef(PD + "TravelHistory") in data
    (health,) = data - {URIRef(PD + "TravelHistory")}
    assert (health, SKOS.broader, URIRef(PD + "Health")) in graph
    assert (health, RDF.type, DPVNS.SpecialCategoryPersonalData) in graph
    times = {}
    for status in graph.objects(record, DPVNS.hasConsentStatus):
        moment = graph.value(status, DPVNS.isIndicatedAtTime)
        assert isinstance(moment, Literal) and moment.datatype == XSD.dateTime
        for kind in graph.objects(status, RDF.type):
            times[kind] = moment.toPython()
    assert times[DPVNS.ConsentGiven] == T0
    assert times[DPVNS.ConsentWithdrawn] == T0 + DAY


def test_a_grant_the_member_confirmed_is_explicit() -> None:
    confirmed = grant(rule_ids=(), categories=(PD + "Health",))
    record = consent_record(confirmed, COMMUNITY, SUBJECT)
    assert "dpv:ExplicitlyExpressedConsent" in record["dpv:hasConsentStatus"][0]["@type"]
    assert "eu-gdpr:A9-2-a" in record["dpv:hasLegalBasis"]
    by_rule = consent_record(grant(categories=(PD + "Health",)), COMMUNITY, SUBJECT)
    assert by_rule["dpv:hasLegalBasis"] == ["dpv:ExpressedConsent", "eu-gdpr:A6-1-a"]
    assert confirmed.given_by == MEMBER


def test_endings_become_the_dpv_states() -> None:
    def last(g: Grant, **options: Any) -> dict[str, Any]:
        status: dict[str, Any] = consent_record(g, COMMUNITY, SUBJECT, **options)[
            "dpv:hasConsentStatus"
        ][-1]
        return status

    by_rule = last(grant().withdraw(T0 + DAY, "rule:r-7"))
    assert by_rule["@type"] == ["dpv:ConsentWithdrawn"]
    assert by_rule["dpv:isIndicatedBy"] == "dpv:DataSubject"
    assert "r-7" in by_rule["dpv:hasIndicationMethod"]
    revoked = last(grant().withdraw(T0 + DAY, SYSTEM))
    assert revoked["@type"] == ["dpv:ConsentRevoked"]  # withdrawn is the subject's act only
    assert revoked["dpv:isIndicatedBy"] == COMMUNITY.website
    expired = last(grant(), now=T0 + 100 * DAY)  # no event written: the date decides
    assert expired["@type"] == ["dpv:ConsentExpired"]
    assert expired["dpv:isIndicatedAtTime"] == "2026-05-30T09:30:00Z"
    assert last(grant(), now=T0 + DAY)["@type"][0] == "dpv:ConsentGiven"


def test_jurisdiction_and_language() -> None:
    us = consent_record(grant(), COMMUNITY, SUBJECT, jurisdiction="us")
    assert us["dpv:hasJurisdiction"] == "loc:US"
    assert "dpv:hasApplicableLaw" not in us
    assert us["dpv:hasRight"][0]["@type"] == ["dpv:DataSubjectRight"]
    assert us["dpv:hasLegalBasis"] == ["dpv:ExpressedConsent"]
    french = consent_record(grant(), COMMUNITY, SUBJECT, "fr-FR", jurisdiction="FR")
    assert french["dpv:hasApplicableLaw"] == "eu-gdpr:GDPR"
    assert french["dpv:hasNotice"][0]["dct:language"] == "fr"
    assert french["dpv:hasRight"][0]["dct:title"] == "Droit de retirer son consentement"
    german = consent_record(grant(), COMMUNITY, SUBJECT, "de")
    assert german["dpv:hasNotice"][0]["dct:language"] == "en"  # written in English


def test_the_record_never_names_the_member() -> None:
    g = grant(member_id="3f0c1e9a-member-uuid")
    text = json.dumps(consent_record(g, COMMUNITY, SUBJECT))
    assert "3f0c1e9a-member-uuid" not in text
    assert SUBJECT in text


@pytest.mark.parametrize(
    "subject_ref", ["camille.martin@valmont.example", "Camille Martin", "", "abc", "x" * 129]
)
def test_subject_refs_must_be_pseudonyms(subject_ref: str) -> None:
    with pytest.raises(InvalidSubjectRef) as caught:
        consent_record(grant(), COMMUNITY, subject_ref)
    assert caught.value.code == "consent.invalid_subject_ref"


@pytest.mark.parametrize(
    "options", [{"jurisdiction": "France"}, {"jurisdiction": ""}, {"manage_url": "javascript:x"}]
)
def test_bad_options_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(InvalidExportOption) as caught:
        consent_record(grant(), COMMUNITY, SUBJECT, **options)
    assert caught.value.code == "consent.invalid_option"


def test_the_same_grant_gives_the_same_record() -> None:
    first = consent_record(grant(), COMMUNITY, SUBJECT)
    assert consent_record(grant(), COMMUNITY, SUBJECT) == first
    assert consent_record(grant(id="g-2"), COMMUNITY, SUBJECT)["@id"] != first["@id"]


@settings(max_examples=60, deadline=None)
@given(grants())
def test_any_grant_gives_a_record_with_its_history(g: Grant) -> None:
    record = consent_record(g, COMMUNITY, SUBJECT)
    statuses = record["dpv:hasConsentStatus"]
    assert len(statuses) == len(g.events)
    assert {"@type", "dpv:isIndicatedBy", "dpv:isIndicatedAtTime"} <= set(statuses[-1])
    assert len(record["dpv:hasProcess"]["dpv:hasPersonalData"]) == len(g.categories)
    graph = rdf(record)
    assert (URIRef(record["@id"]), RDF.type, DPVNS.ConsentRecord) in graph
