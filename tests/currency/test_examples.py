"""The shipped example specs parse, validate, round-trip and say what they claim."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from holoptic.currency import dump_spec, parse_spec
from holoptic.currency.model import (
    Circle,
    CreditLimit,
    Demurrage,
    EuroBacked,
    ExchangeLink,
    IssuanceKind,
    MutualCredit,
    Polygon,
    UniversalDividend,
)
from holoptic.currency.validate import validate
from holoptic.currency.zones import inside
from holoptic.demo import catalog

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "currencies"
NAMES = ("chiemgauer-like", "mutual-credit", "dividend", "village")


def load(name: str) -> str:
    return (EXAMPLES / f"{name}.toml").read_text(encoding="utf-8")


def test_the_four_examples_are_shipped() -> None:
    assert sorted(p.stem for p in EXAMPLES.glob("*.toml")) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_example_parses_validates_and_round_trips(name: str) -> None:
    spec = parse_spec(load(name))
    assert validate(spec) == []
    assert parse_spec(dump_spec(spec)) == spec
    assert dump_spec(parse_spec(dump_spec(spec))) == dump_spec(spec)


def test_village_spec_is_the_demo_villages() -> None:
    spec = parse_spec(load("village"))
    assert (spec.code, spec.name, spec.decimals, spec.version) == ("VAL", "Valmont", 2, 1)
    assert spec.community == "valmont"
    assert spec.effective_from == date(2026, 1, 1)
    assert spec.issuance == MutualCredit(member=CreditLimit(hard=20_000, soft=15_000))
    assert spec.demurrage == Demurrage(rate_bp=50, period_days=30, exempt_base=5_000, grace_days=30)
    assert spec.refused_categories == ("air_travel", "fossil_fuel_heating", "crypto_mining")
    assert spec.exchange == (ExchangeLink("EUR", Fraction(1), daily_cap=50_000, fee_bp=200),)
    assert spec.perimeter is not None
    (zone,) = spec.perimeter.zones
    assert isinstance(zone, Circle) and zone.radius_m == 15_000


def test_village_perimeter_holds_the_demo_places_and_not_grenoble() -> None:
    perimeter = parse_spec(load("village")).perimeter
    places = [catalog.CENTRE, catalog.BAKERY, catalog.TOWN, *catalog.HAMLETS, *catalog.TOWN_SPOTS]
    assert all(inside(perimeter, place.lon, place.lat) for place in places)
    assert not inside(perimeter, 5.72, 45.19)  # Grenoble, about 60 km away


def test_each_example_shows_its_issuance() -> None:
    kinds = {name: parse_spec(load(name)).issuance_kind for name in NAMES}
    assert kinds == {
        "chiemgauer-like": IssuanceKind.EURO_BACKED,
        "mutual-credit": IssuanceKind.MUTUAL_CREDIT,
        "dividend": IssuanceKind.UNIVERSAL_DIVIDEND,
        "village": IssuanceKind.MUTUAL_CREDIT,
    }
    assert parse_spec(load("chiemgauer-like")).issuance == EuroBacked(500, 10_000)
    dividend = parse_spec(load("dividend")).issuance
    assert dividend == UniversalDividend(1_000, Fraction(488, 10_000), 183)
    sardinia = parse_spec(load("mutual-credit")).perimeter
    assert sardinia is not None and isinstance(sardinia.zones[0], Polygon)
    assert inside(sardinia, 9.11, 39.22)  # Cagliari
    assert not inside(sardinia, 9.19, 45.46)  # Milan
