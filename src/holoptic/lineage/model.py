"""Lineage values: the data, the uses that released them, and what consumers derived.

The chain is datum → use → dataset → product. Data and uses come from the vault and the
gate (the usage log names each use's items by their keyed content hash); datasets and
products are *declared* by the consumer, so they are checked here before anything
stores them: a consumer may only derive from its own uses and its own datasets, and a
derivation cannot be older than its sources.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from holoptic.lineage.errors import (
    DuplicateReference,
    EmptyDataset,
    EmptyProduct,
    ForeignDataset,
    ForeignUse,
    InvalidDescription,
    InvalidId,
    InvalidName,
    InvalidTime,
    InvalidUrl,
    InvalidUse,
    TimeOrder,
    UnknownDataset,
    UnknownUse,
)

AGGREGATIONS = frozenset({"raw", "pseudonymised", "aggregate", "dp"})
"""How a use released the data: as records, pseudonymised, aggregated, or with
differential privacy. The gate's vocabulary; lineage only carries it."""

ID_MAX = 128
NAME_MAX = 120
DESCRIPTION_MAX = 2000
URL_MAX = 2048


@dataclass(frozen=True, slots=True)
class Datum:
    """One of a member's data items, named by its keyed content hash, never its content."""

    content_hash: str
    category: str  # a DPV personal-data IRI, e.g. https://w3id.org/dpv/pd#GPSCoordinate
    kind: str  # e.g. "location.point"
    day: date | None  # the UTC day of a time-series item; None for an atomic record


@dataclass(frozen=True, slots=True)
class UseRef:
    """A use the gate allowed: which consumer received which items, why and how."""

    use_id: str
    consumer_id: str
    purpose: str  # a DPV purpose IRI, e.g. https://w3id.org/dpv#ServiceProvision
    aggregation: str  # one of AGGREGATIONS
    at: datetime
    log_index: int | None  # the use's leaf in the usage log, once appended
    items: tuple[str, ...]  # content hashes of the data items released

    def __post_init__(self) -> None:
        if self.aggregation not in AGGREGATIONS:
            raise InvalidUse(f"unknown aggregation {self.aggregation!r}", use_id=self.use_id)
        if self.at.utcoffset() is None:
            raise InvalidUse("the time of a use must be timezone-aware", use_id=self.use_id)


@dataclass(frozen=True, slots=True)
class Dataset:
    """A dataset a consumer built from one or more of its uses."""

    id: str
    consumer_id: str
    name: str
    description: str
    use_ids: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Product:
    """A dashboard, report or service a consumer built from its datasets."""

    id: str
    consumer_id: str
    name: str
    description: str
    dataset_ids: tuple[str, ...]
    url: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ConsumerRef:
    """The organisation a use released data to: an agent in the lineage."""

    id: str
    name: str
    type: str  # the consumer's kind as the market records it (company, association, …)


def check_dataset(dataset: Dataset, uses_by_id: Mapping[str, UseRef]) -> None:
    """Refuse a dataset declaration that does not stand on the consumer's own uses.

    Raises:
        InvalidDeclaration: the subclass names the problem (``lineage.empty_dataset``,
            ``lineage.unknown_use``, ``lineage.foreign_use``, ``lineage.time_order``, …).
    """
    _check_header(dataset.id, dataset.name, dataset.description, dataset.created_at)
    if not dataset.use_ids:
        raise EmptyDataset("a dataset must be derived from at least one use")
    _check_unique(dataset.use_ids, "use")
    for use_id in dataset.use_ids:
        use = uses_by_id.get(use_id)
        if use is None:
            raise UnknownUse(f"no use {use_id!r}", use_id=use_id)
        if use.consumer_id != dataset.consumer_id:
            raise ForeignUse(f"use {use_id!r} released data to another consumer", use_id=use_id)
        if dataset.created_at < use.at:
            raise TimeOrder(f"the dataset predates use {use_id!r}", use_id=use_id)


def check_product(product: Product, datasets_by_id: Mapping[str, Dataset]) -> None:
    """Refuse a product declaration that does not stand on the consumer's own datasets.

    Raises:
        InvalidDeclaration: the subclass names the problem (``lineage.empty_product``,
            ``lineage.unknown_dataset``, ``lineage.foreign_dataset``, ``lineage.invalid_url``,
            ``lineage.time_order``, …).
    """
    _check_header(product.id, product.name, product.description, product.created_at)
    if product.url is not None:
        _check_url(product.url)
    if not product.dataset_ids:
        raise EmptyProduct("a product must be derived from at least one dataset")
    _check_unique(product.dataset_ids, "dataset")
    for dataset_id in product.dataset_ids:
        dataset = datasets_by_id.get(dataset_id)
        if dataset is None:
            raise UnknownDataset(f"no dataset {dataset_id!r}", dataset_id=dataset_id)
        if dataset.consumer_id != product.consumer_id:
            raise ForeignDataset(
                f"dataset {dataset_id!r} belongs to another consumer", dataset_id=dataset_id
            )
        if product.created_at < dataset.created_at:
            raise TimeOrder(f"the product predates dataset {dataset_id!r}", dataset_id=dataset_id)


def _check_header(id_: str, name: str, description: str, created_at: datetime) -> None:
    """What datasets and products share: an id, a name, a description, an aware time."""
    if not id_ or len(id_) > ID_MAX or any(ch.isspace() or _control(ch) for ch in id_):
        raise InvalidId(f"an id is 1 to {ID_MAX} characters without spaces or controls")
    if not name.strip():
        raise InvalidName("the name is blank")
    if len(name) > NAME_MAX:
        raise InvalidName(f"the name is longer than {NAME_MAX} characters", length=len(name))
    if any(_control(ch) for ch in name):
        raise InvalidName("the name holds control characters")
    if len(description) > DESCRIPTION_MAX:
        raise InvalidDescription(
            f"the description is longer than {DESCRIPTION_MAX} characters",
            length=len(description),
        )
    if any(_control(ch) and ch not in "\n\t" for ch in description):
        raise InvalidDescription("the description holds control characters")
    if created_at.utcoffset() is None:
        raise InvalidTime("the creation time must be timezone-aware")


def _check_unique(ids: tuple[str, ...], what: str) -> None:
    seen: set[str] = set()
    for value in ids:
        if value in seen:
            raise DuplicateReference(f"{what} {value!r} is named twice", id=value)
        seen.add(value)


def _check_url(url: str) -> None:
    """An absolute http(s) address: anything else (javascript:, file:) is no product page."""
    if len(url) > URL_MAX or any(ch.isspace() or _control(ch) for ch in url):
        raise InvalidUrl(f"a product address is at most {URL_MAX} characters, without spaces")
    try:
        parts = urlsplit(url)
    except ValueError:
        raise InvalidUrl("the product address is not a URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidUrl("a product address is an absolute http or https URL")


_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _control(ch: str) -> bool:
    """Controls, lone surrogates and bidi overrides (which can disguise a name)."""
    return ch in _BIDI or unicodedata.category(ch) in ("Cc", "Cs")
