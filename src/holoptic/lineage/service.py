"""Consumers declare what they derived from their uses; members and auditors export the
chain datum → use → dataset → product as PROV-JSON."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol

from holoptic.clock import Clock
from holoptic.consumers.errors import ConsumerNotApproved
from holoptic.consumers.ports import ConsumerRepository
from holoptic.gate.errors import UseNotFound
from holoptic.gate.ports import UseRepository
from holoptic.lineage.model import (
    ConsumerRef,
    Dataset,
    Datum,
    Product,
    UseRef,
    check_dataset,
    check_product,
)
from holoptic.lineage.prov import prov_json
from holoptic.lineage.subset import lineage_subset
from holoptic.rules.model import Outcome
from holoptic.vault.service import new_id


class LineageRepository(Protocol):
    def add_dataset(self, dataset: Dataset) -> None: ...
    def add_product(self, product: Product) -> None: ...
    def datasets(self, consumer_ids: Collection[str] | None = None) -> list[Dataset]: ...
    def products(self, consumer_ids: Collection[str] | None = None) -> list[Product]: ...


class LineageUnitOfWork(Protocol):
    @property
    def uses(self) -> UseRepository: ...
    @property
    def lineage(self) -> LineageRepository: ...
    @property
    def consumers(self) -> ConsumerRepository: ...

    def __enter__(self) -> LineageUnitOfWork: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class LineageFactory(Protocol):
    def __call__(self, write: bool = False) -> LineageUnitOfWork: ...


class LineageService:
    def __init__(self, uow: LineageFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def declare_dataset(
        self, consumer_id: str, name: str, description: str, use_ids: Sequence[str]
    ) -> Dataset:
        dataset = Dataset(
            new_id(), consumer_id, name, description, tuple(use_ids), self._clock.now()
        )
        with self._uow(write=True) as uow:
            _require_approved(uow, consumer_id)
            check_dataset(dataset, {u.use_id: u for u in _use_refs(uow, use_ids)})
            uow.lineage.add_dataset(dataset)
        return dataset

    def declare_product(
        self,
        consumer_id: str,
        name: str,
        description: str,
        dataset_ids: Sequence[str],
        url: str | None = None,
    ) -> Product:
        product = Product(
            new_id(), consumer_id, name, description, tuple(dataset_ids), url, self._clock.now()
        )
        with self._uow(write=True) as uow:
            _require_approved(uow, consumer_id)
            check_product(product, {d.id: d for d in uow.lineage.datasets([consumer_id])})
            uow.lineage.add_product(product)
        return product

    def for_member(self, member_id: str, member_ref: str = "member") -> str:
        """PROV-JSON of everything derived from one member's data."""
        with self._uow() as uow:
            history = uow.uses.member_history(member_id, 100_000, 0)
            use_ids = [use.id for use, part in history if part.outcome is Outcome.PERMIT]
            return self._export(uow, use_ids, [member_id], member_ref, only_use=None)

    def for_use(self, use_id: str) -> str:
        """PROV-JSON of one use: the data it released and what was derived from it."""
        with self._uow() as uow:
            use = uow.uses.get_use(use_id)
            if use is None:
                raise UseNotFound(f"no use {use_id}", use_id=use_id)
            members = [p.member_id for p in uow.uses.parts_of([use_id]).get(use_id, [])]
            return self._export(uow, [use_id], members, None, only_use=use_id)

    def _export(
        self,
        uow: LineageUnitOfWork,
        use_ids: Sequence[str],
        member_ids: Sequence[str],
        member_ref: str | None,
        only_use: str | None,
    ) -> str:
        refs = _use_refs(uow, use_ids, member_ids)
        hashes = {h for ref in refs for h in ref.items}
        items = uow.uses.items_by_hash(member_ids, hashes)
        data = [Datum(i.content_hash, i.category, i.kind, i.day) for i in items]
        consumer_ids = sorted({ref.consumer_id for ref in refs})
        subset = lineage_subset(
            hashes,
            refs,
            uow.lineage.datasets(consumer_ids),
            uow.lineage.products(consumer_ids),
            use_ids=None if only_use is None else [only_use],
        )
        consumers = []
        for consumer_id in consumer_ids:
            consumer = uow.consumers.get(consumer_id)
            if consumer is not None:
                consumers.append(ConsumerRef(consumer.id, consumer.name, consumer.type.value))
        return prov_json(data, subset.uses, subset.datasets, subset.products, consumers, member_ref)


def _require_approved(uow: LineageUnitOfWork, consumer_id: str) -> None:
    consumer = uow.consumers.get(consumer_id)
    if consumer is None or not consumer.approved:
        raise ConsumerNotApproved("only an approved consumer declares datasets and products")


def _use_refs(
    uow: LineageUnitOfWork, use_ids: Sequence[str], member_ids: Sequence[str] | None = None
) -> list[UseRef]:
    parts = uow.uses.parts_of(use_ids)
    refs: list[UseRef] = []
    for use_id in dict.fromkeys(use_ids):
        use = uow.uses.get_use(use_id)
        if use is None or use.consumer_id is None or use.decision != Outcome.PERMIT.value:
            continue
        items = tuple(
            h
            for part in parts.get(use_id, [])
            if member_ids is None or part.member_id in member_ids
            for h in part.items
        )
        refs.append(
            _ref(
                use.id,
                use.consumer_id,
                use.purpose,
                use.aggregation,
                use.created_at,
                use.first_leaf,
                items,
            )
        )
    return refs


def _ref(
    use_id: str,
    consumer_id: str,
    purpose: str,
    aggregation: str,
    at: datetime,
    log_index: int,
    items: tuple[str, ...],
) -> UseRef:
    return UseRef(use_id, consumer_id, purpose, aggregation, at, log_index, items)
