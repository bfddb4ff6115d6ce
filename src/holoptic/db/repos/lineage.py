"""Rows of the datasets and products consumers declare."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import Connection, insert, select

from holoptic.db import schema as t
from holoptic.db.repos.vault import must_utc
from holoptic.lineage.model import Dataset, Product


def _dataset(row: Mapping[Any, Any]) -> Dataset:
    return Dataset(
        row["id"],
        row["consumer_id"],
        row["name"],
        row["description"],
        tuple(json.loads(row["use_ids"])),
        must_utc(row["created_at"]),
    )


def _product(row: Mapping[Any, Any]) -> Product:
    return Product(
        row["id"],
        row["consumer_id"],
        row["name"],
        row["description"],
        tuple(json.loads(row["dataset_ids"])),
        row["url"],
        must_utc(row["created_at"]),
    )


class SqlLineageRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add_dataset(self, dataset: Dataset) -> None:
        self._c.execute(
            insert(t.datasets).values(
                id=dataset.id,
                consumer_id=dataset.consumer_id,
                name=dataset.name,
                description=dataset.description,
                use_ids=json.dumps(list(dataset.use_ids)),
                created_at=dataset.created_at,
            )
        )

    def add_product(self, product: Product) -> None:
        self._c.execute(
            insert(t.products).values(
                id=product.id,
                consumer_id=product.consumer_id,
                name=product.name,
                description=product.description,
                url=product.url,
                dataset_ids=json.dumps(list(product.dataset_ids)),
                created_at=product.created_at,
            )
        )

    def datasets(self, consumer_ids: Collection[str] | None = None) -> list[Dataset]:
        query = select(t.datasets).order_by(t.datasets.c.created_at, t.datasets.c.id)
        if consumer_ids is not None:
            query = query.where(t.datasets.c.consumer_id.in_(sorted(consumer_ids)))
        return [_dataset(row) for row in self._c.execute(query).mappings()]

    def products(self, consumer_ids: Collection[str] | None = None) -> list[Product]:
        query = select(t.products).order_by(t.products.c.created_at, t.products.c.id)
        if consumer_ids is not None:
            query = query.where(t.products.c.consumer_id.in_(sorted(consumer_ids)))
        return [_product(row) for row in self._c.execute(query).mappings()]
