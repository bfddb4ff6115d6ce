"""The PROV export: written by ``holoptic.lineage.prov``, read back by the ``prov`` package.

Every assertion about the chain is made on the *read-back* document's records, so a
passing test means another PROV-JSON reader sees the same chain, not just that our
objects were built as intended.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

import prov
from prov.model import (
    ProvActivity,
    ProvAgent,
    ProvAssociation,
    ProvAttribution,
    ProvDerivation,
    ProvDocument,
    ProvEntity,
    ProvGeneration,
    ProvRecord,
    ProvUsage,
)

from holoptic.lineage.model import ConsumerRef, Datum, UseRef
from holoptic.lineage.prov import HOL_URI, prov_document, prov_json
from holoptic.lineage.subset import lineage_subset
from tests.conftest import shared_path
from tests.lineage.chain import CONSUMERS, DATA, DATASETS, DPV, MEMBER_HASHES, PD, PRODUCTS, USES

RELATIONS: dict[type[ProvRecord], str] = {
    ProvUsage: "used",
    ProvGeneration: "wasGeneratedBy",
    ProvDerivation: "wasDerivedFrom",
    ProvAssociation: "wasAssociatedWith",
    ProvAttribution: "wasAttributedTo",
}
MEMBER = "m-7f3a"
XSD = "http://www.w3.org/2001/XMLSchema#"


def hol(local: str) -> str:
    return HOL_URI + local


def relations(doc: ProvDocument) -> set[tuple[str, str, str]]:
    """(relation, first endpoint IRI, second endpoint IRI) for every binary relation."""
    found = set()
    for record in doc.get_records():
        name = RELATIONS.get(type(record))
        if name is not None and record.args[1] is not None:
            found.add((name, record.args[0].uri, record.args[1].uri))
    return found


def ancestors(doc: ProvDocument, start: str) -> set[str]:
    """Everything ``start`` was derived from, directly or through a generating activity."""
    upstream: dict[str, set[str]] = {}
    for name, first, second in relations(doc):
        if name in ("wasDerivedFrom", "wasGeneratedBy", "used"):
            upstream.setdefault(first, set()).add(second)
    seen: set[str] = set()
    todo = [start]
    while todo:
        for parent in upstream.get(todo.pop(), set()) - seen:
            seen.add(parent)
            todo.append(parent)
    return seen


def member_export(**overrides: Any) -> str:
    """All of the member's lineage as PROV-JSON, as the member's export would build it."""
    subset = lineage_subset(MEMBER_HASHES, USES, DATASETS, PRODUCTS)
    data = [datum for datum in DATA if datum.content_hash in subset.item_hashes]
    arguments: dict[str, Any] = {
        "data": data,
        "uses": subset.uses,
        "datasets": subset.datasets,
        "products": subset.products,
        "consumers": CONSUMERS,
        "member_ref": MEMBER,
    }
    arguments.update(overrides)
    return prov_json(**arguments)


def read(text: str) -> ProvDocument:
    return prov.read(text, format="json")


def one(doc: ProvDocument, iri: str, kind: type[ProvRecord]) -> ProvRecord:
    records = [r for r in doc.get_records(kind) if r.identifier and r.identifier.uri == iri]
    assert len(records) == 1, f"{iri}: {records}"
    return records[0]


def values(record: ProvRecord, attribute: str) -> set[Any]:
    return record.get_attribute(attribute)


def uris(items: Iterable[Any]) -> set[str]:
    return {item.uri for item in items}


def test_the_chain_datum_use_release_dataset_product_reads_back() -> None:
    doc = read(member_export())
    found = relations(doc)
    chain = {
        ("used", hol("use/u1"), hol("datum/a1")),
        ("wasGeneratedBy", hol("release/u1"), hol("use/u1")),
        ("wasDerivedFrom", hol("release/u1"), hol("datum/a1")),
        ("wasDerivedFrom", hol("dataset/d1"), hol("release/u1")),
        ("wasDerivedFrom", hol("product/p1"), hol("dataset/d1")),
        ("wasAssociatedWith", hol("use/u1"), hol("consumer/acme")),
        ("wasAttributedTo", hol("dataset/d1"), hol("consumer/acme")),
        ("wasAttributedTo", hol("product/p1"), hol("consumer/acme")),
        ("wasAttributedTo", hol("datum/a1"), hol("member/" + MEMBER)),
    }
    assert chain <= found
    assert {hol("datum/a1"), hol("datum/a2"), hol("use/u1"), hol("use/u2")} <= ancestors(
        doc, hol("product/p1")
    )
    assert hol("datum/a1") not in ancestors(doc, hol("product/p2"))  # p2 ← d2 ← u2 ← a2


def test_records_carry_their_kinds_and_attributes() -> None:
    doc = read(member_export())
    datum = one(doc, hol("datum/a1"), ProvEntity)
    assert uris(values(datum, "dpv:hasPersonalData")) == {PD + "GPSCoordinate"}
    assert values(datum, "hol:kind") == {"location.point"}
    (day,) = values(datum, "hol:day")
    assert (day.value, day.datatype.uri) == ("2024-05-30", XSD + "date")
    use = one(doc, hol("use/u1"), ProvActivity)
    assert isinstance(use, ProvActivity)
    assert use.get_startTime() == datetime(2024, 6, 1, 9, tzinfo=UTC)
    assert uris(values(use, "dpv:hasPurpose")) == {DPV + "ServiceOptimisation"}
    assert values(use, "hol:aggregation") == {"aggregate"}
    assert values(use, "hol:logIndex") == {10}
    assert values(one(doc, hol("use/u4"), ProvActivity), "hol:logIndex") == set()
    acme = one(doc, hol("consumer/acme"), ProvAgent)
    assert values(acme, "prov:label") == {"Acme Mobility"}
    assert uris(values(acme, "prov:type")) == {"http://www.w3.org/ns/prov#Organization"}
    product = one(doc, hol("product/p1"), ProvEntity)
    assert {str(v) for v in values(product, "hol:url")} == {"https://acme.example/dash"}
    assert values(product, "prov:label") == {"Village dashboard"}


def test_the_member_is_a_pseudonymous_person_or_absent() -> None:
    doc = read(member_export())
    member = one(doc, hol("member/" + MEMBER), ProvAgent)
    assert uris(values(member, "prov:type")) == {"http://www.w3.org/ns/prov#Person"}
    assert [name.localpart for name, _ in member.attributes] == ["type"]  # no name, no label
    anonymous = read(member_export(member_ref=None))
    assert not any(
        agent.identifier.uri.startswith(hol("member/"))
        for agent in anonymous.get_records(ProvAgent)
    )
    assert not any(
        name == "wasAttributedTo" and "datum/" in first for name, first, _ in relations(anonymous)
    )


def test_a_member_export_never_names_another_members_data() -> None:
    text = member_export()
    assert "zz" not in text  # u1 also released zz; the member's export must not say so
    doc = read(text)
    assert hol("use/u3") not in {r.identifier.uri for r in doc.get_records(ProvActivity)}
    entities = {r.identifier.uri for r in doc.get_records(ProvEntity)}
    assert hol("dataset/d3") not in entities and hol("product/p3") not in entities


def test_the_lineage_of_one_use_leaves_the_other_uses_out() -> None:
    subset = lineage_subset(MEMBER_HASHES, USES, DATASETS, PRODUCTS, use_ids={"u2"})
    data = [d for d in DATA if d.content_hash in subset.item_hashes]
    doc = read(prov_json(data, subset.uses, subset.datasets, subset.products, CONSUMERS, MEMBER))
    activities = {r.identifier.uri for r in doc.get_records(ProvActivity)}
    entities = {r.identifier.uri for r in doc.get_records(ProvEntity)}
    assert activities == {hol("use/u2")}
    assert entities == {
        hol("datum/a2"),
        hol("release/u2"),
        hol("dataset/d1"),
        hol("dataset/d2"),
        hol("product/p1"),
        hol("product/p2"),
    }
    derived_d1 = {second for name, first, second in relations(doc) if first == hol("dataset/d1")}
    assert hol("release/u1") not in derived_d1  # d1 also came from u1, outside this view
    assert ("wasDerivedFrom", hol("dataset/d1"), hol("release/u2")) in relations(doc)
    agents = {r.identifier.uri for r in doc.get_records(ProvAgent)}
    assert hol("consumer/other") not in agents


def test_serialize_then_deserialize_gives_the_same_document() -> None:
    doc = prov_document(DATA, USES, DATASETS, PRODUCTS, CONSUMERS, MEMBER)
    text = doc.serialize(format="json")
    assert isinstance(text, str)
    again = ProvDocument.deserialize(content=text, format="json")
    assert again == doc
    assert len(again.get_records()) == len(doc.get_records())


def test_the_export_does_not_depend_on_input_order() -> None:
    shuffled = [list(items) for items in (DATA, USES, DATASETS, PRODUCTS, CONSUMERS)]
    for items in shuffled:
        random.Random(7).shuffle(items)
    expected = prov_json(DATA, USES, DATASETS, PRODUCTS, CONSUMERS, MEMBER)
    assert prov_json(*shuffled, MEMBER) == expected  # type: ignore[arg-type]
    assert json.loads(expected)["prefix"] == {
        "hol": "https://holoptic.org/ns#",
        "dpv": "https://w3id.org/dpv#",
        "pd": "https://w3id.org/dpv/pd#",
    }


def test_awkward_ids_and_vocabularies_survive_the_round_trip() -> None:
    use_id = "use 1/été:x"
    data = [Datum("ab", "https://example.org/vocab/Thing", "custom.kind", None)]
    uses = [
        UseRef(use_id, "c 1", "urn:purpose:x", "raw", datetime(2024, 1, 1, tzinfo=UTC), 0, ("ab",))
    ]
    consumers = [ConsumerRef("c 1", "Ç & Co", "company")]
    doc = read(prov_json(data, uses, [], [], consumers, None))
    (activity,) = doc.get_records(ProvActivity)
    assert unquote(activity.identifier.localpart) == "use/" + use_id
    assert {str(v) for v in values(activity, "dpv:hasPurpose")} == {"urn:purpose:x"}
    (datum,) = [r for r in doc.get_records(ProvEntity) if "datum/" in r.identifier.uri]
    assert {str(v) for v in values(datum, "dpv:hasPersonalData")} == {
        "https://example.org/vocab/Thing"
    }
    assert values(datum, "hol:day") == set()
    assert values(activity, "hol:logIndex") == {0}


def test_our_walk_finds_the_commons_example_chain() -> None:
    """The research note's example models the same chain: the helpers read it alike."""
    path = shared_path("fixtures", "prov-json", "commons-example", "datum-to-dataset.json")
    doc = read(path.read_text())
    cc = "https://example.org/commons#"
    assert {cc + "dataset/steps-agg-june", cc + "datum/alice-steps-2024-05"} <= ancestors(
        doc, cc + "product/model-v1"
    )
    ours = {name for name, _, _ in relations(read(member_export()))}
    assert {name for name, _, _ in relations(doc)} <= ours
