"""The part of the lineage that descends from a given set of data.

A member asks "where did my data go?": the answer keeps only the uses that released at
least one of their items, the datasets built from those uses, and the products built
from those datasets. Each kept use lists only the member's own items: a use that
aggregated a whole village must not tell one resident the hashes of everyone else's.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace

from holoptic.lineage.model import Dataset, Product, UseRef


@dataclass(frozen=True, slots=True)
class Lineage:
    """What descends from some data: ready for :func:`holoptic.lineage.prov.prov_document`."""

    uses: tuple[UseRef, ...]
    datasets: tuple[Dataset, ...]
    products: tuple[Product, ...]

    @property
    def item_hashes(self) -> frozenset[str]:
        """The content hashes the kept uses released (to pick the data to export)."""
        return frozenset(item for use in self.uses for item in use.items)

    @property
    def consumer_ids(self) -> frozenset[str]:
        """The consumers that appear in the kept lineage (to pick the agents to export)."""
        return frozenset(
            [use.consumer_id for use in self.uses]
            + [dataset.consumer_id for dataset in self.datasets]
            + [product.consumer_id for product in self.products]
        )


def lineage_subset(
    member_hashes: Iterable[str],
    uses: Sequence[UseRef],
    datasets: Sequence[Dataset],
    products: Sequence[Product],
    *,
    use_ids: Collection[str] | None = None,
) -> Lineage:
    """Keep what descends from ``member_hashes``, optionally through the ``use_ids`` only.

    With ``use_ids=None`` this is the lineage of all of a member's data; with one use id
    it is the lineage of that one use (a dataset built from it and from other uses is
    kept, the other uses are not). Unknown use ids select nothing. Input order is kept.
    """
    mine = frozenset(member_hashes)
    wanted = None if use_ids is None else frozenset(use_ids)
    kept_uses = tuple(
        replace(use, items=tuple(item for item in use.items if item in mine))
        for use in uses
        if (wanted is None or use.use_id in wanted) and not mine.isdisjoint(use.items)
    )
    use_set = {use.use_id for use in kept_uses}
    kept_datasets = tuple(ds for ds in datasets if not use_set.isdisjoint(ds.use_ids))
    dataset_set = {dataset.id for dataset in kept_datasets}
    kept_products = tuple(
        product for product in products if not dataset_set.isdisjoint(product.dataset_ids)
    )
    return Lineage(kept_uses, kept_datasets, kept_products)
