"""Grants for the consent tests: one fixed example and a Hypothesis strategy of them."""

from __future__ import annotations

import json
import warnings
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from rdflib import Graph

from holoptic.consent.dpv import SPECIAL_CATEGORIES
from holoptic.consent.model import MEMBER, SYSTEM, Grant, Party
from holoptic.rules.model import DPV, PD, Aggregation, ConsumerType
from holoptic.rules.taxonomy import builtin_taxonomy, categories, purposes
from tests.conftest import shared_path

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
DAY = timedelta(days=1)
SUBJECT = "s-0123456789abcdef"
TOWN_HALL = Party(
    "Mairie de Valmont-sur-Lize",
    "dpo@valmont.example",
    address="1 place de la Mairie, 00000 Valmont-sur-Lize",
    phone="+33 1 23 45 67 89",
    website="https://mairie.valmont.example",
)
COMMUNITY = Party(
    "Valmont-sur-Lize", "commons@valmont.example", website="https://commons.valmont.example"
)
KANTARA = ("fixtures", "kantara-consent-receipt-v1.1", "CR_v1_1")
GUIDE = ("fixtures", "consent-27560-dpv")


def grant(**changes: Any) -> Grant:
    """The town hall's grant over travel history, aggregated, for 90 days (rule r-7)."""
    fields: dict[str, Any] = {
        "id": "g-1",
        "member_id": "m-1",
        "consumer_id": "town-hall",
        "consumer": TOWN_HALL,
        "consumer_type": ConsumerType.PUBLIC_BODY,
        "purpose": DPV + "ImproveTransportMobility",
        "categories": (PD + "TravelHistory",),
        "aggregation": Aggregation.AGGREGATE,
        "rule_ids": ("r-7",),
        "given_at": T0,
        "expires_at": T0 + 90 * DAY,
    }
    fields.update(changes)
    return Grant(**fields)


def label(iri: str) -> str:
    return builtin_taxonomy().label(iri, "en")


@cache
def kantara_schema() -> dict[str, Any]:
    path = shared_path(*KANTARA, "kantara-consent-receipt-v1_1-schema.comments-stripped.json")
    schema: dict[str, Any] = json.loads(path.read_text())
    return schema


def load_with_repeats(path: Path) -> Any:
    """JSON where a repeated key (the guide repeats ``dpv:hasProcess``) keeps every value."""

    def merge(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for key, value in pairs:
            if key in merged:
                previous = merged[key]
                merged[key] = (
                    [*previous, value] if isinstance(previous, list) else [previous, value]
                )
            else:
                merged[key] = value
        return merged

    return json.loads(path.read_text(), object_pairs_hook=merge)


def rdf(document: dict[str, Any]) -> Graph:
    """``document`` read as JSON-LD (offline: the context is inline)."""
    with warnings.catch_warnings():
        # rdflib 7's JSON-LD parser uses its own deprecated ConjunctiveGraph internally.
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return Graph().parse(data=json.dumps(document), format="json-ld")


_TAXONOMY = builtin_taxonomy()
_CATEGORIES = sorted({*categories(_TAXONOMY), *SPECIAL_CATEGORIES} - {DPV + "PersonalData"})
_PURPOSES = sorted(set(purposes(_TAXONOMY)) - {DPV + "Purpose"})
_TEXT = st.text(st.characters(codec="utf-8"), min_size=1, max_size=40)


@st.composite
def parties(draw: st.DrawFn) -> Party:
    name = draw(_TEXT.filter(str.strip))
    optional = st.none() | _TEXT.filter(str.strip)
    website = draw(st.none() | st.just("https://example.org/") | st.just("http://a.example"))
    user = draw(st.from_regex(r"[a-z0-9._]{1,12}", fullmatch=True))
    return Party(name, f"{user}@example.org", draw(optional), draw(optional), website)


@st.composite
def grants(draw: st.DrawFn) -> Grant:
    """Any valid grant: given by rules or by the member, open or withdrawn or expired."""
    given_at = draw(
        st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC))
    )
    lifetime = draw(st.none() | st.timedeltas(timedelta(seconds=1), timedelta(days=3650)))
    rule_ids = tuple(
        draw(st.lists(st.from_regex(r"r-[0-9]{1,6}", fullmatch=True), max_size=3, unique=True))
    )
    result = Grant(
        id=draw(st.uuids()).hex,
        member_id=draw(st.uuids()).hex,
        consumer_id=draw(st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True)),
        consumer=draw(parties()),
        consumer_type=draw(st.sampled_from(ConsumerType)),
        purpose=draw(st.sampled_from(_PURPOSES)),
        categories=tuple(
            draw(st.lists(st.sampled_from(_CATEGORIES), min_size=1, max_size=5, unique=True))
        ),
        aggregation=draw(st.sampled_from(Aggregation)),
        rule_ids=rule_ids,
        given_at=given_at,
        expires_at=None if lifetime is None else given_at + lifetime,
    )
    return draw(_ended(result))


@st.composite
def _ended(draw: st.DrawFn, result: Grant) -> Grant:
    how = draw(st.sampled_from(["open", "withdrawn", "expired"]))
    span = (result.expires_at - result.given_at) if result.expires_at else timedelta(days=400)
    at = result.given_at + draw(st.timedeltas(timedelta(0), span - timedelta(microseconds=1)))
    if how == "withdrawn":
        return result.withdraw(at, draw(st.sampled_from([MEMBER, SYSTEM, "rule:r-1"])))
    if how == "expired":
        return result.expire(at)
    return result
