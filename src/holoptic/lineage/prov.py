"""Lineage as W3C PROV: datum → use → release → dataset → product, in PROV-JSON.

Each datum is an entity attributed to the member (by a pseudonymous reference, never a
name); each use is an activity that used the data and was associated with the consumer,
and generated a *release* entity derived from the data — what the consumer actually
received, raw or aggregated. Datasets derive from releases and products from datasets,
both attributed to the consumer that declared them. The shape follows the commons
example in ``../shared/fixtures/prov-json`` and the ``prov`` package writes the JSON, so
anything that reads PROV-JSON (``prov.read``, ProvToolbox) reads an export back.

Only what is passed in is drawn: a use's items that are not among ``data`` (another
member's, in an aggregate) and a dataset's uses that are not among ``uses`` leave no
trace, so a member's export names nobody else's data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from prov.constants import PROV, PROV_LABEL, PROV_TYPE, XSD_DATE
from prov.identifier import Identifier, Namespace, QualifiedName
from prov.model import Literal, ProvDocument

from holoptic.lineage.model import ConsumerRef, Dataset, Datum, Product, UseRef

HOL_URI = "https://holoptic.org/ns#"
DPV_URI = "https://w3id.org/dpv#"
PD_URI = "https://w3id.org/dpv/pd#"

HOL = Namespace("hol", HOL_URI)
DPV = Namespace("dpv", DPV_URI)
PD = Namespace("pd", PD_URI)

_LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


def prov_document(
    data: Sequence[Datum],
    uses: Sequence[UseRef],
    datasets: Sequence[Dataset],
    products: Sequence[Product],
    consumers: Sequence[ConsumerRef],
    member_ref: str | None,
) -> ProvDocument:
    """The PROV document of a lineage; records come sorted, so equal inputs give equal JSON.

    ``member_ref`` is the pseudonymous reference the data are attributed to (``None``
    leaves the data unattributed, e.g. in a consumer's view of a use).
    """
    doc = ProvDocument()
    for namespace in (HOL, DPV, PD):
        doc.add_namespace(namespace)
    member = _add_member(doc, member_ref)
    _add_consumers(doc, _consumer_ids(uses, datasets, products), consumers)
    present = _add_data(doc, data, member)
    releases = _add_uses(doc, uses, present)
    declared = _add_datasets(doc, datasets, releases)
    _add_products(doc, products, declared)
    return doc


def prov_json(
    data: Sequence[Datum],
    uses: Sequence[UseRef],
    datasets: Sequence[Dataset],
    products: Sequence[Product],
    consumers: Sequence[ConsumerRef],
    member_ref: str | None,
    *,
    indent: int | None = 2,
) -> str:
    """The lineage as PROV-JSON text, written by the ``prov`` package's serializer."""
    doc = prov_document(data, uses, datasets, products, consumers, member_ref)
    text = doc.serialize(format="json", indent=indent)
    assert isinstance(text, str)  # no destination: the serializer returns the text
    return text


def datum_name(content_hash: str) -> QualifiedName:
    return _name("datum", content_hash)


def use_name(use_id: str) -> QualifiedName:
    return _name("use", use_id)


def release_name(use_id: str) -> QualifiedName:
    return _name("release", use_id)


def dataset_name(dataset_id: str) -> QualifiedName:
    return _name("dataset", dataset_id)


def product_name(product_id: str) -> QualifiedName:
    return _name("product", product_id)


def consumer_name(consumer_id: str) -> QualifiedName:
    return _name("consumer", consumer_id)


def member_name(member_ref: str) -> QualifiedName:
    return _name("member", member_ref)


def _name(kind: str, value: str) -> QualifiedName:
    """``hol:<kind>/<value>``, percent-encoded so any id stays one PROV name."""
    return HOL[f"{kind}/{quote(value, safe='-._~')}"]


def _term(iri: str) -> QualifiedName | Identifier:
    """A vocabulary IRI as ``pd:…``/``dpv:…``/``hol:…`` when it is one, else as xsd:anyURI."""
    for namespace in (PD, DPV, HOL):
        local = iri.removeprefix(namespace.uri)
        if local != iri and _LOCAL_NAME.fullmatch(local):
            return namespace[local]
    return Identifier(iri)


def _instant(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _consumer_ids(
    uses: Iterable[UseRef], datasets: Iterable[Dataset], products: Iterable[Product]
) -> set[str]:
    ids = {use.consumer_id for use in uses}
    ids.update(dataset.consumer_id for dataset in datasets)
    ids.update(product.consumer_id for product in products)
    return ids


def _add_member(doc: ProvDocument, member_ref: str | None) -> QualifiedName | None:
    if member_ref is None:
        return None
    member = member_name(member_ref)
    doc.agent(member, {PROV_TYPE: PROV["Person"]})
    return member


def _add_consumers(
    doc: ProvDocument, referenced: set[str], consumers: Sequence[ConsumerRef]
) -> None:
    """One agent per consumer the lineage names, labelled when the consumer is known."""
    known = {consumer.id: consumer for consumer in consumers}
    for consumer_id in sorted(referenced):
        attributes: dict[Any, Any] = {PROV_TYPE: PROV["Organization"]}
        consumer = known.get(consumer_id)
        if consumer is not None:
            attributes[PROV_LABEL] = consumer.name
            attributes[HOL["consumerType"]] = consumer.type
        doc.agent(consumer_name(consumer_id), attributes)


def _add_data(
    doc: ProvDocument, data: Sequence[Datum], member: QualifiedName | None
) -> dict[str, QualifiedName]:
    """Data entities by content hash (the first of equal hashes wins)."""
    present: dict[str, QualifiedName] = {}
    for datum in sorted(data, key=lambda d: d.content_hash):
        if datum.content_hash in present:
            continue
        attributes: dict[Any, Any] = {
            PROV_TYPE: HOL["Datum"],
            DPV["hasPersonalData"]: _term(datum.category),
            HOL["kind"]: datum.kind,
        }
        if datum.day is not None:
            attributes[HOL["day"]] = Literal(datum.day.isoformat(), XSD_DATE)
        entity = datum_name(datum.content_hash)
        doc.entity(entity, attributes)
        if member is not None:
            doc.wasAttributedTo(entity, member)
        present[datum.content_hash] = entity
    return present


def _add_uses(
    doc: ProvDocument, uses: Sequence[UseRef], present: Mapping[str, QualifiedName]
) -> dict[str, QualifiedName]:
    """Use activities and their release entities; returns the releases by use id."""
    releases: dict[str, QualifiedName] = {}
    for use in sorted(uses, key=lambda u: (_instant(u.at), u.use_id)):
        if use.use_id in releases:
            continue
        activity = use_name(use.use_id)
        attributes: dict[Any, Any] = {
            PROV_TYPE: HOL["Use"],
            DPV["hasPurpose"]: _term(use.purpose),
            HOL["aggregation"]: use.aggregation,
        }
        if use.log_index is not None:
            attributes[HOL["logIndex"]] = use.log_index
        at = _instant(use.at)
        doc.activity(activity, at, None, attributes)
        doc.wasAssociatedWith(activity, consumer_name(use.consumer_id))
        release = release_name(use.use_id)
        doc.entity(release, {PROV_TYPE: HOL["Release"], HOL["aggregation"]: use.aggregation})
        doc.wasGeneratedBy(release, activity, at)
        for item in sorted(set(use.items)):
            if item in present:
                doc.used(activity, present[item], at)
                doc.wasDerivedFrom(release, present[item], activity)
        releases[use.use_id] = release
    return releases


def _add_datasets(
    doc: ProvDocument, datasets: Sequence[Dataset], releases: Mapping[str, QualifiedName]
) -> set[str]:
    """Dataset entities derived from the releases of their uses; returns their ids."""
    declared: set[str] = set()
    for dataset in sorted(datasets, key=lambda d: (_instant(d.created_at), d.id)):
        if dataset.id in declared:
            continue
        entity = dataset_name(dataset.id)
        doc.entity(entity, _described(HOL["Dataset"], dataset.name, dataset.description))
        doc.wasGeneratedBy(entity, None, _instant(dataset.created_at))
        for use_id in dataset.use_ids:
            if use_id in releases:
                doc.wasDerivedFrom(entity, releases[use_id])
        doc.wasAttributedTo(entity, consumer_name(dataset.consumer_id))
        declared.add(dataset.id)
    return declared


def _add_products(doc: ProvDocument, products: Sequence[Product], declared: set[str]) -> None:
    """Product entities derived from their datasets."""
    done: set[str] = set()
    for product in sorted(products, key=lambda p: (_instant(p.created_at), p.id)):
        if product.id in done:
            continue
        entity = product_name(product.id)
        attributes = _described(HOL["Product"], product.name, product.description)
        if product.url is not None:
            attributes[HOL["url"]] = Identifier(product.url)
        doc.entity(entity, attributes)
        doc.wasGeneratedBy(entity, None, _instant(product.created_at))
        for dataset_id in product.dataset_ids:
            if dataset_id in declared:
                doc.wasDerivedFrom(entity, dataset_name(dataset_id))
        doc.wasAttributedTo(entity, consumer_name(product.consumer_id))
        done.add(product.id)


def _described(kind: QualifiedName, name: str, description: str) -> dict[Any, Any]:
    attributes: dict[Any, Any] = {PROV_TYPE: kind, PROV_LABEL: name}
    if description:
        attributes[HOL["description"]] = description
    return attributes
