"""The taxonomy Holoptic ships: stable codes, two languages, divisions and specifics."""

from __future__ import annotations

from holoptic.currency import categories
from holoptic.currency.categories import CATEGORIES, is_refused


def test_codes_are_unique_snake_case_and_labelled_in_both_languages() -> None:
    codes = [category.code for category in CATEGORIES]
    assert len(codes) == len(set(codes))
    for category in CATEGORIES:
        assert category.code.isascii() and category.code == category.code.lower()
        assert category.label_en and category.label_fr and category.label_en != category.code
        assert category.label("fr-FR") == category.label_fr
        assert category.label("en") == category.label_en


def test_the_top_level_is_coicop_2018s_thirteen_divisions() -> None:
    divisions = [c for c in CATEGORIES if c.parent is None]
    assert [c.coicop for c in divisions] == [f"{n:02d}" for n in range(1, 14)]


def test_specifics_hang_under_a_division() -> None:
    specifics = {c.code: c.parent for c in CATEGORIES if c.parent is not None}
    assert {"air_travel", "fossil_fuel_heating", "crypto_mining", "gambling", "weapons"} <= set(
        specifics
    )
    for parent in specifics.values():
        division = categories.get(parent)
        assert division is not None and division.coicop is not None
    assert specifics["air_travel"] == "transport"


def test_refusing_a_division_refuses_its_specifics() -> None:
    assert is_refused(["transport"], "air_travel")
    assert is_refused(["air_travel"], "air_travel")
    assert not is_refused(["air_travel"], "transport")
    assert not is_refused(["air_travel"], "food")
    assert not is_refused(["air_travel"], None)
    assert not is_refused(["air_travel"], "unknown_code")
