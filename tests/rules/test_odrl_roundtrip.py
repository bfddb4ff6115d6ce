"""ODRL export: its shape, and that export then import gives back the same rules.

The round trip is checked two ways: straight (our JSON back into our reader), and
through rdflib (our JSON-LD read as RDF by an independent JSON-LD processor, written
back as expanded, flattened JSON-LD, then imported), which shows the export means in
RDF what we mean it to.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import rdflib
from hypothesis import given, settings
from hypothesis import strategies as st

from holoptic.rules.model import (
    DPV,
    PD,
    Aggregation,
    ConsumerType,
    Duty,
    DutyAction,
    Effect,
    Period,
    Rule,
)
from holoptic.rules.odrl import rules_from_odrl, rules_to_odrl
from holoptic.rules.taxonomy import PERSONAL_DATA, PURPOSE, builtin_taxonomy, categories, purposes

TAXONOMY = builtin_taxonomy()
CATEGORIES = [iri for iri in categories(TAXONOMY) if iri != PERSONAL_DATA]
PURPOSES = [iri for iri in purposes(TAXONOMY) if iri != PURPOSE]
ODRL = "http://www.w3.org/ns/odrl/2/"
# The part of https://www.w3.org/ns/odrl.jsonld an export uses, so rdflib need not fetch it.
_ID = {"@type": "@id"}
_VOCAB = {"@type": "@vocab"}
ODRL_CONTEXT: dict[str, Any] = {
    "odrl": ODRL,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "uid": "@id",
    "type": "@type",
    **{term: {**_ID, "@id": "odrl:" + term} for term in (
        "permission", "prohibition", "profile", "assigner", "target", "constraint",
        "duty", "refinement")},
    **{term: {**_VOCAB, "@id": "odrl:" + term} for term in ("action", "leftOperand", "operator")},
    **{term: "odrl:" + term for term in (
        "Set", "rightOperand", "unit", "use", "compensate", "inform", "purpose", "recipient",
        "spatial", "dateTime", "payAmount", "eq", "isA", "isAnyOf", "gteq", "lt")},
}  # fmt: skip


def _ids() -> Any:
    counter = iter(range(10**6))
    return lambda: f"new-{next(counter)}"


def _moments() -> st.SearchStrategy[datetime]:
    zones = st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5))])
    return st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1), timezones=zones)


@st.composite
def periods(draw: st.DrawFn) -> Period | None:
    start, end = draw(st.one_of(st.none(), _moments())), draw(st.one_of(st.none(), _moments()))
    if start is None and end is None:
        return None
    if start is not None and end is not None and start >= end:
        start, end = end, start
        if start == end:
            end = start + timedelta(microseconds=1)
    return Period(start, end)


_DUTIES = st.one_of(
    st.just(Duty(DutyAction.NOTICE)),
    st.just(Duty(DutyAction.REWARD)),
    st.builds(
        Duty,
        st.just(DutyAction.REWARD),
        st.integers(0, 10**9),
        st.sampled_from(["EUR", "CHF", "http://www.wikidata.org/entity/Q4916"]),
    ),
)
_PLACES = st.one_of(
    st.sampled_from(["FR", "https://sws.geonames.org/3017382/", "urn:nuts:FR101"]),
    st.from_regex(r"[A-Za-z][A-Za-z -]{0,15}", fullmatch=True),
)


@st.composite
def rules(draw: st.DrawFn) -> Rule:
    effect = draw(st.sampled_from(Effect))
    pick = st.frozensets
    return Rule(
        id=str(draw(st.uuids())),
        member_id="m1",
        effect=effect,
        categories=draw(pick(st.sampled_from(CATEGORIES), max_size=3)),
        purposes=draw(pick(st.sampled_from(PURPOSES), max_size=3)),
        consumers=draw(pick(st.from_regex(r"[a-z0-9][a-z0-9-]{0,11}", fullmatch=True), max_size=3)),
        consumer_types=draw(pick(st.sampled_from(ConsumerType))),
        data_period=draw(periods()),
        validity=draw(periods()),
        aggregation=draw(st.sampled_from(Aggregation)),
        min_group_size=draw(st.one_of(st.none(), st.integers(1, 100_000))),
        spatial=draw(pick(_PLACES, max_size=3)),
        duties=tuple(draw(st.lists(_DUTIES, max_size=3))) if effect is Effect.PERMIT else (),
        created_at=draw(st.one_of(st.none(), _moments())),
    )


_RULE_LISTS = st.lists(rules(), max_size=4, unique_by=lambda rule: rule.id)


def _expected(original: list[Rule]) -> list[Rule]:
    return sorted((replace(rule, created_at=None) for rule in original), key=lambda r: r.id)


@settings(deadline=None)
@given(_RULE_LISTS)
def test_export_then_import_gives_the_same_rules(original: list[Rule]) -> None:
    document = json.loads(json.dumps(rules_to_odrl(original, "m1", "urn:holoptic:policy:m1")))
    back = rules_from_odrl(document, "m1", TAXONOMY, _ids())
    assert sorted(back, key=lambda rule: rule.id) == _expected(original)


@settings(deadline=None, max_examples=40)
@given(_RULE_LISTS)
def test_the_export_means_the_same_to_an_independent_json_ld_processor(
    original: list[Rule],
) -> None:
    document = rules_to_odrl(original, "m1", "urn:holoptic:policy:m1")
    document["@context"] = [ODRL_CONTEXT, document["@context"][1]]
    with warnings.catch_warnings():  # rdflib's JSON-LD parser uses its own deprecated class
        warnings.simplefilter("ignore", DeprecationWarning)
        graph = rdflib.Graph().parse(data=json.dumps(document), format="json-ld")
    flattened = json.loads(graph.serialize(format="json-ld"))
    back = rules_from_odrl(flattened, "m1", TAXONOMY, _ids())

    def unordered(rule: Rule) -> Rule:  # RDF keeps a set of duties, not a sequence
        return replace(rule, duties=tuple(sorted(rule.duties, key=repr)))

    assert sorted(map(unordered, back), key=lambda r: r.id) == list(
        map(unordered, _expected(original))
    )


def test_the_export_is_a_compact_odrl_set() -> None:
    start = datetime(2024, 1, 1, 1, tzinfo=timezone(timedelta(hours=1)))
    permit = Rule(
        "r1",
        "m1",
        Effect.PERMIT,
        categories=frozenset({PD + "Location"}),
        purposes=frozenset({DPV + "PublicBenefit"}),
        consumer_types=frozenset({ConsumerType.PUBLIC_BODY}),
        validity=Period(start, None),
        aggregation=Aggregation.DIFFERENTIAL_PRIVACY,
        duties=(Duty(DutyAction.REWARD, 5, "EUR"),),
    )
    forbid = Rule(
        "r2", "m1", Effect.PROHIBIT, purposes=frozenset({DPV + "Marketing", DPV + "Advertising"})
    )
    document = rules_to_odrl([forbid, permit], "m1", "urn:holoptic:policy:m1")
    assert document["@context"][0] == "http://www.w3.org/ns/odrl.jsonld"
    assert (document["@type"], document["uid"]) == ("Set", "urn:holoptic:policy:m1")
    [allowed] = document["permission"]
    assert allowed["uid"] == "urn:holoptic:rule:r1"
    assert allowed["assigner"] == "urn:holoptic:member:m1"
    assert (allowed["action"], allowed["target"]) == ("use", "pd:Location")
    assert allowed["constraint"] == [
        {"leftOperand": "purpose", "operator": "isA", "rightOperand": {"@id": "dpv:PublicBenefit"}},
        {"leftOperand": "recipient", "operator": "eq", "rightOperand": {"@id": "hol:PublicBody"}},
        {
            "leftOperand": "dateTime",
            "operator": "gteq",
            "rightOperand": {"@value": "2024-01-01T00:00:00Z", "@type": "xsd:dateTime"},
        },
        {"leftOperand": "hol:aggregation", "operator": "gteq", "rightOperand": {"@id": "hol:dp"}},
    ]
    [refinement] = allowed["duty"][0]["action"][0]["refinement"]
    assert refinement["rightOperand"] == {"@value": "0.05", "@type": "xsd:decimal"}
    [forbidden] = document["prohibition"]
    assert forbidden["target"] == "dpv:PersonalData"
    assert forbidden["constraint"][0]["operator"] == "isAnyOf"
    assert forbidden["constraint"][0]["rightOperand"] == [
        {"@id": "dpv:Advertising"},
        {"@id": "dpv:Marketing"},
    ]


def test_an_empty_rule_set_exports_an_empty_set() -> None:
    document = rules_to_odrl([], "m1", "urn:holoptic:policy:m1")
    assert "permission" not in document and "prohibition" not in document
    assert rules_from_odrl(document, "m1", TAXONOMY, _ids()) == []


def test_roots_are_written_as_the_any_terms() -> None:
    anything = Rule("r", "m1", Effect.PERMIT)
    [written] = rules_to_odrl([anything], "m1", "urn:p")["permission"]
    assert written["target"] == "dpv:PersonalData" and "constraint" not in written
    assert rules_from_odrl(
        {**rules_to_odrl([anything], "m1", "urn:p")}, "m1", TAXONOMY, _ids()
    ) == [anything]


def test_the_example_in_the_docs_is_what_export_writes() -> None:
    docs = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
    [example] = re.findall(r"```json\n(.*?)```", docs.read_text(encoding="utf-8"), re.DOTALL)
    document = json.loads(example)
    rules = rules_from_odrl(document, "m1", TAXONOMY, _ids())
    assert [rule.id for rule in rules] == ["r1", "r2"]
    assert rules_to_odrl(rules, "m1", "urn:holoptic:policy:m1") == document
