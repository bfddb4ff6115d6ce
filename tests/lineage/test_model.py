"""Checking what consumers declare: each wrong declaration has its own stable code."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from holoptic.errors import InvalidInput
from holoptic.lineage.errors import InvalidDeclaration, InvalidUse
from holoptic.lineage.model import (
    DESCRIPTION_MAX,
    NAME_MAX,
    Dataset,
    Product,
    UseRef,
    check_dataset,
    check_product,
)
from tests.lineage.chain import DATASETS, PRODUCTS, USES, at

USES_BY_ID = {use.use_id: use for use in USES}
DATASETS_BY_ID = {dataset.id: dataset for dataset in DATASETS}
D1 = DATASETS[0]
P1 = PRODUCTS[0]


def test_the_sample_declarations_are_valid() -> None:
    for dataset in DATASETS:
        check_dataset(dataset, USES_BY_ID)
    for product in PRODUCTS:
        check_product(product, DATASETS_BY_ID)


@pytest.mark.parametrize(
    ("dataset", "code"),
    [
        (replace(D1, use_ids=()), "lineage.empty_dataset"),
        (replace(D1, use_ids=("u1", "nope")), "lineage.unknown_use"),
        (replace(D1, use_ids=("u1", "u3")), "lineage.foreign_use"),
        (replace(D1, use_ids=("u1", "u1")), "lineage.duplicate_reference"),
        (replace(D1, created_at=at(1, 8)), "lineage.time_order"),
        (replace(D1, created_at=datetime(2024, 6, 9)), "lineage.invalid_time"),
        (replace(D1, id=""), "lineage.invalid_id"),
        (replace(D1, id="d 1"), "lineage.invalid_id"),
        (replace(D1, id="d" * 129), "lineage.invalid_id"),
        (replace(D1, name="   "), "lineage.invalid_name"),
        (replace(D1, name="x" * (NAME_MAX + 1)), "lineage.invalid_name"),
        (replace(D1, name="Energy\x00"), "lineage.invalid_name"),
        (replace(D1, name="Energy \u202etxt.exe"), "lineage.invalid_name"),
        (replace(D1, description="x" * (DESCRIPTION_MAX + 1)), "lineage.invalid_description"),
        (replace(D1, description="bell\x07"), "lineage.invalid_description"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_a_wrong_dataset_is_refused_with_its_code(dataset: Dataset, code: str) -> None:
    with pytest.raises(InvalidDeclaration) as caught:
        check_dataset(dataset, USES_BY_ID)
    assert caught.value.code == code
    assert isinstance(caught.value, InvalidInput) and caught.value.status == 422


def test_a_dataset_may_be_created_the_instant_of_its_use_and_say_it_on_lines() -> None:
    check_dataset(
        replace(D1, use_ids=("u1",), created_at=at(1), description="line one\n\tline two"),
        USES_BY_ID,
    )
    check_dataset(replace(D1, name="x" * NAME_MAX), USES_BY_ID)


def test_the_refusal_names_the_offending_use() -> None:
    with pytest.raises(InvalidDeclaration) as caught:
        check_dataset(replace(D1, use_ids=("u1", "u3")), USES_BY_ID)
    assert caught.value.details == {"use_id": "u3"}


@pytest.mark.parametrize(
    ("product", "code"),
    [
        (replace(P1, dataset_ids=()), "lineage.empty_product"),
        (replace(P1, dataset_ids=("d1", "nope")), "lineage.unknown_dataset"),
        (replace(P1, dataset_ids=("d1", "d3")), "lineage.foreign_dataset"),
        (replace(P1, dataset_ids=("d2", "d2")), "lineage.duplicate_reference"),
        (replace(P1, created_at=at(5, 8)), "lineage.time_order"),
        (replace(P1, url="javascript:alert(1)"), "lineage.invalid_url"),
        (replace(P1, url="file:///etc/passwd"), "lineage.invalid_url"),
        (replace(P1, url="https://"), "lineage.invalid_url"),
        (replace(P1, url="https://acme.example/a b"), "lineage.invalid_url"),
        (replace(P1, url="https://[::1"), "lineage.invalid_url"),
        (replace(P1, url="https://acme.example/" + "x" * 2048), "lineage.invalid_url"),
        (replace(P1, name=""), "lineage.invalid_name"),
        (replace(P1, consumer_id="other", dataset_ids=("d1",)), "lineage.foreign_dataset"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_a_wrong_product_is_refused_with_its_code(product: Product, code: str) -> None:
    with pytest.raises(InvalidDeclaration) as caught:
        check_product(product, DATASETS_BY_ID)
    assert caught.value.code == code


def test_a_product_without_an_address_or_with_http_is_fine() -> None:
    check_product(replace(P1, url=None), DATASETS_BY_ID)
    check_product(replace(P1, url="http://acme.example:8080/x?y=1"), DATASETS_BY_ID)


def test_a_use_the_gate_could_not_have_made_is_refused() -> None:
    with pytest.raises(InvalidUse) as caught:
        UseRef("u9", "acme", "p", "everything", at(1), None, ())
    assert caught.value.code == "lineage.invalid_use"
    with pytest.raises(InvalidUse):
        UseRef("u9", "acme", "p", "raw", datetime(2024, 6, 1), None, ())
