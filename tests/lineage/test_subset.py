"""What descends from a member's data, or from one use of it."""

from __future__ import annotations

from holoptic.lineage.subset import Lineage, lineage_subset
from tests.lineage.chain import DATASETS, MEMBER_HASHES, PRODUCTS, USES


def ids(subset: Lineage, field: str) -> list[str]:
    if field == "uses":
        return [use.use_id for use in subset.uses]
    return [item.id for item in getattr(subset, field)]


def test_all_of_a_members_data() -> None:
    subset = lineage_subset(MEMBER_HASHES, USES, DATASETS, PRODUCTS)
    assert ids(subset, "uses") == ["u1", "u2", "u4"]  # u3 released only someone else's
    assert ids(subset, "datasets") == ["d1", "d2", "d4"]
    assert ids(subset, "products") == ["p1", "p2"]
    assert subset.item_hashes == {"a1", "a2"}
    assert subset.consumer_ids == {"acme", "other"}


def test_kept_uses_list_only_the_members_items() -> None:
    subset = lineage_subset(MEMBER_HASHES, USES, DATASETS, PRODUCTS)
    assert subset.uses[0].items == ("a1", "a2")  # u1 also released zz
    assert USES[0].items == ("a1", "a2", "zz")  # the input is left alone


def test_one_use() -> None:
    subset = lineage_subset(MEMBER_HASHES, USES, DATASETS, PRODUCTS, use_ids={"u2"})
    assert ids(subset, "uses") == ["u2"]
    assert ids(subset, "datasets") == ["d1", "d2"]  # d1 came from u1 and u2
    assert ids(subset, "products") == ["p1", "p2"]
    assert subset.item_hashes == {"a2"}
    assert subset.consumer_ids == {"acme"}


def test_a_use_that_released_none_of_the_members_data_selects_nothing() -> None:
    subset = lineage_subset(MEMBER_HASHES, USES, DATASETS, PRODUCTS, use_ids={"u3"})
    assert (subset.uses, subset.datasets, subset.products) == ((), (), ())
    unknown = lineage_subset(MEMBER_HASHES, USES, DATASETS, PRODUCTS, use_ids={"nope"})
    assert unknown.uses == ()


def test_another_members_data_has_another_lineage() -> None:
    subset = lineage_subset({"zz"}, USES, DATASETS, PRODUCTS)
    assert ids(subset, "uses") == ["u1", "u3"]
    assert ids(subset, "products") == ["p1", "p3"]
