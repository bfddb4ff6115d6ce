"""A grant's consent record: ISO/IEC TS 27560 in JSON-LD, shaped as the DPV guide shows.

The shape follows "Consent Records and Receipts as per ISO/IEC TS 27560:2023 using DPV"
(W3C DPVCG, 2026-02-15), §8 and its Example 39: record metadata, one ``dpv:Process`` for
the processing, the parties in ``dpv:hasEntity``, the notice, the consent control and
rights, and the history as ``dpv:hasConsentStatus`` entries. The guide's examples carry
no ``@context``; ours declares the guide's prefixes and which properties take IRIs, so
the document is also valid JSON-LD (a test parses it into RDF). docs/consent.md maps
every field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from holoptic.consent.dpv import (
    CONTEXT,
    GDPR_PLACES,
    ORGANISATION_TYPES,
    compact,
    consent_type,
    legal_bases,
    sensitivity,
)
from holoptic.consent.ids import (
    check_place,
    check_subject_ref,
    check_url,
    party_iri,
    record_id,
    urn,
)
from holoptic.consent.model import MEMBER, SYSTEM, ConsentEvent, ConsentEventKind, Grant, Party
from holoptic.consent.texts import aggregation, language, text
from holoptic.rules.model import Aggregation

SCHEMA_VERSION: Final = "https://w3id.org/dpv/schema/dpv-27560#record"

# What happens to the data on its way to the consumer, by release level.
_OPERATIONS: Final[dict[Aggregation, tuple[str, ...]]] = {
    Aggregation.RAW: ("dpv:Disclose", "dpv:Use"),
    Aggregation.PSEUDONYMISED: ("dpv:Pseudonymise", "dpv:Disclose", "dpv:Use"),
    Aggregation.AGGREGATE: ("dpv:Aggregate", "dpv:Disclose", "dpv:Use"),
    Aggregation.DIFFERENTIAL_PRIVACY: ("dpv:Aggregate", "dpv:Disclose", "dpv:Use"),
}
_MEASURES: Final = {
    Aggregation.PSEUDONYMISED: "dpv:Pseudonymisation",
    Aggregation.DIFFERENTIAL_PRIVACY: "dpv:DifferentialPrivacy",
}


@dataclass(frozen=True, slots=True)
class _Export:
    grant: Grant
    intermediary: Party
    lang: str
    place: str
    manage_url: str | None

    @property
    def gdpr(self) -> bool:
        return self.place in GDPR_PLACES

    @property
    def consumer(self) -> str:
        return urn("consumer", self.grant.consumer_id)

    @property
    def community(self) -> str:
        return party_iri(self.intermediary)


def consent_record(
    grant: Grant,
    intermediary: Party,
    subject_ref: str,
    lang: str = "en",
    *,
    jurisdiction: str = "EU",
    manage_url: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The consent record of ``grant`` as a JSON-LD document (a dict ready for json.dumps).

    ``subject_ref`` stands for the member (see ``ids.subject_pseudonym``); ``jurisdiction``
    is a country code, ``EU`` or ``EEA`` (the GDPR is named for the EEA); ``manage_url``
    is where the member withdraws (default: the community's website). With ``now``, an
    expiry date already passed appears as a ``dpv:ConsentExpired`` state even when the
    expiry event has not been written yet.
    """
    check_subject_ref(subject_ref)
    if now is not None:
        grant = grant.settle(now)
    url = check_url(manage_url, "manage_url") or intermediary.website
    export = _Export(grant, intermediary, language(lang), check_place(jurisdiction), url)
    identifier = record_id(grant)
    return {
        "@context": CONTEXT,
        "@id": f"urn:uuid:{identifier}",
        "@type": "dpv:ConsentRecord",
        "dct:identifier": identifier,
        "dct:conformsTo": SCHEMA_VERSION,
        "dct:created": _time(grant.given_at),
        "dct:modified": _time(grant.events[-1].at),
        "dct:publisher": export.community,
        "dpv:hasDataSubject": _subject(subject_ref),
        "dpv:hasDataController": export.consumer,
        "dpv:hasJurisdiction": f"loc:{export.place}",
        **({"dpv:hasApplicableLaw": "eu-gdpr:GDPR"} if export.gdpr else {}),
        "dpv:hasLegalBasis": legal_bases(grant, export.gdpr),
        "dpv:hasProcess": _process(export),
        "dpv:hasEntity": [_consumer(export), _community(export)],
        "dpv:hasNotice": _notices(export),
        "dpv:hasConsentControl": _control(export),
        "dpv:hasRight": _rights(export),
        "dpv:hasConsentStatus": [_status(export, event) for event in grant.events],
    }


def _time(moment: datetime) -> str:
    """ISO 8601 in UTC, as ISO/IEC TS 27560 asks for event times."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _subject(subject_ref: str) -> dict[str, Any]:
    return {
        "@id": urn("subject", subject_ref),
        "@type": "dpv:DataSubject",
        "skos:broader": "dpv:Member",
        "dct:identifier": subject_ref,
    }


def _process(export: _Export) -> dict[str, Any]:
    grant = export.grant
    process: dict[str, Any] = {
        "@type": "dpv:Process",
        "dpv:hasPurpose": compact(grant.purpose),
        "dpv:hasPersonalData": [_personal_data(c) for c in grant.categories],
        "dpv:hasProcessing": list(_OPERATIONS[grant.aggregation]),
        "dct:description": aggregation(export.lang, grant.aggregation),
        "dpv:hasDataController": export.consumer,
        "dpv:hasRecipient": [export.consumer],
        "dpv:hasDataSource": {"@id": export.community, "@type": "dpv:ThirdPartyDataSource"},
        "dpv:hasStorageCondition": [
            {
                "@type": "dpv:StorageDuration",
                "dpv:hasDuration": {
                    "@type": "dpv:UntilEventDuration",
                    "rdf:value": text(export.lang, "storage"),
                },
            }
        ],
    }
    if grant.aggregation in _MEASURES:
        process["dpv:hasTechnicalMeasure"] = _MEASURES[grant.aggregation]
    return process


def _personal_data(category: str) -> str | dict[str, str]:
    """A plain category as the guide's ``pd:X``; a sensitive one typed as such (§8.3.3.4)."""
    kind = sensitivity(category)
    if kind is None:
        return compact(category)
    return {"@type": kind, "skos:broader": compact(category)}


def _entity(iri: str, types: list[str], party: Party) -> dict[str, Any]:
    contact: list[dict[str, str]] = [
        {"@type": "schema:ContactPoint", "schema:email": party.contact_email}
    ]
    if party.phone is not None:
        contact[0]["schema:telephone"] = party.phone
    if party.address is not None:
        contact.append({"@type": "schema:PostalAddress", "schema:streetAddress": party.address})
    entity: dict[str, Any] = {
        "@id": iri,
        "@type": types,
        "dpv:hasIdentifier": iri,
        "dpv:hasName": party.name,
        "schema:contactPoint": contact,
    }
    if party.website is not None:
        entity["schema:url"] = party.website
    return entity


def _consumer(export: _Export) -> dict[str, Any]:
    grant = export.grant
    types = ["dpv:DataController", ORGANISATION_TYPES[grant.consumer_type]]
    return {**_entity(export.consumer, types, grant.consumer), "dct:identifier": grant.consumer_id}


def _community(export: _Export) -> dict[str, Any]:
    entity = _entity(export.community, ["dpv:Organisation"], export.intermediary)
    return {**entity, "dct:description": text(export.lang, "intermediary")}


def _notices(export: _Export) -> list[dict[str, Any]]:
    """The rules the member wrote are what they read before consenting (ISO "notice")."""
    grant = export.grant
    notices = [
        {
            "@id": urn("rule", rule_id),
            "@type": "dpv:ConsentNotice",
            "dct:identifier": rule_id,
            "dct:language": export.lang,
            "dct:description": text(export.lang, "notice.rule"),
        }
        for rule_id in grant.rule_ids
    ]
    if grant.given_by == MEMBER:
        notices.append(
            {
                "@id": urn("grant", grant.id),
                "@type": "dpv:ConsentNotice",
                "dct:language": export.lang,
                "dct:description": text(export.lang, "notice.member"),
            }
        )
    return notices


def _control(export: _Export) -> dict[str, Any]:
    control: dict[str, Any] = {
        "@type": ["dpv:ProvideConsent", "dpv:WithdrawConsent"],
        "dct:description": text(export.lang, "control"),
    }
    if export.manage_url is not None:
        control["dpv:isExercisedAt"] = export.manage_url
    return control


def _rights(export: _Export) -> list[dict[str, Any]]:
    types = ["dpv:DataSubjectRight", "eu-gdpr:A7-3"] if export.gdpr else ["dpv:DataSubjectRight"]
    right: dict[str, Any] = {"@type": types, "dct:title": text(export.lang, "right.withdraw")}
    if export.manage_url is not None:
        right["dpv:isExercisedAt"] = export.manage_url
    return [right]


def _status(export: _Export, event: ConsentEvent) -> dict[str, Any]:
    status: dict[str, Any] = {"@type": _state(export, event)}
    by_member = event.by != SYSTEM  # a member acts directly or through their rule
    status["dpv:isIndicatedBy"] = "dpv:DataSubject" if by_member else export.community
    if event.rule_id is not None or not by_member:
        status["dpv:isImplementedByEntity"] = export.community
    status["dpv:hasIndicationMethod"] = _method(export, event)
    status["dpv:isIndicatedAtTime"] = _time(event.at)
    if event.kind is ConsentEventKind.GIVEN:
        status["dpv:hasDuration"] = _duration(export)
    return status


def _state(export: _Export, event: ConsentEvent) -> list[str]:
    if event.kind is ConsentEventKind.GIVEN:
        return ["dpv:ConsentGiven", consent_type(export.grant)]
    if event.kind is ConsentEventKind.EXPIRED:
        return ["dpv:ConsentExpired"]
    # DPV: withdrawn is the data subject's act; revoked is anyone else's.
    return ["dpv:ConsentRevoked" if event.by == SYSTEM else "dpv:ConsentWithdrawn"]


def _method(export: _Export, event: ConsentEvent) -> str:
    lang, community = export.lang, export.intermediary.name
    if event.kind is ConsentEventKind.GIVEN:
        if event.by == MEMBER:
            return text(lang, "given.member")
        return text(lang, "given.rule", rules=", ".join(export.grant.rule_ids), community=community)
    if event.kind is ConsentEventKind.EXPIRED:
        return text(lang, "expired")
    if event.rule_id is not None:
        return text(lang, "withdrawn.rule", rule=event.rule_id)
    key = "revoked" if event.by == SYSTEM else "withdrawn.member"
    return text(lang, key, community=community)


def _duration(export: _Export) -> dict[str, str]:
    expires_at = export.grant.expires_at
    if expires_at is None:
        value = text(export.lang, "until_withdrawn")
        return {"@type": "dpv:UntilEventDuration", "rdf:value": value}
    return {"@type": "dpv:UntilTimeDuration", "rdf:value": _time(expires_at)}
