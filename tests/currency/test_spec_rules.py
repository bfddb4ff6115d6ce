"""Issuance kinds, contradictions between sections, versions and the TOML surface."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from holoptic.currency import InvalidSpec, check_successor, parse_spec
from holoptic.currency.model import CreditLimit, FixedSupply, MutualCredit, UniversalDividend
from holoptic.currency.validate import ensure_valid, validate

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "currencies"
VILLAGE = (EXAMPLES / "village.toml").read_text(encoding="utf-8")
DIVIDEND = (EXAMPLES / "dividend.toml").read_text(encoding="utf-8")
CHIEMGAUER = (EXAMPLES / "chiemgauer-like.toml").read_text(encoding="utf-8")

HEADER = """
[currency]
code = "TST"
name = "Test"
decimals = 2
version = 1
effective_from = 2026-01-01
community = "test"
"""


def problems(text: str) -> dict[str, str]:
    with pytest.raises(InvalidSpec) as raised:
        parse_spec(text)
    return {p.path: p.message for p in raised.value.problems}


def test_fixed_supply_together_with_a_dividend_is_refused() -> None:
    text = (
        HEADER
        + """
[issuance.fixed_supply]
total = "1000.00"

[issuance.universal_dividend]
initial = "10.00"
c = "0.0488"
reevaluation_days = 183
"""
    )
    found = problems(text)
    assert list(found) == ["issuance"]
    assert "exactly one of" in found["issuance"]
    assert "fixed_supply and universal_dividend" in found["issuance"]


def test_a_spec_without_issuance_or_header_says_so() -> None:
    assert problems(HEADER + "\n[issuance]\n") == {
        "issuance": "needs exactly one of fixed_supply, mutual_credit, universal_dividend, "
        "euro_backed (found: none)"
    }
    found = problems('[issuance.fixed_supply]\ntotal = "1"\n')
    assert found == {"currency": "is missing"}


def test_fixed_supply_defaults_to_the_treasury_and_checks_its_total() -> None:
    spec = parse_spec(HEADER + '[issuance.fixed_supply]\ntotal = "1000.00"\n')
    assert spec.issuance == FixedSupply(100_000, "treasury")
    found = problems(HEADER + '[issuance.fixed_supply]\ntotal = "0"\nto = "the bank!"\n')
    assert set(found) == {"issuance.fixed_supply.total", "issuance.fixed_supply.to"}


def test_an_exempt_base_above_the_whole_supply_contradicts_demurrage() -> None:
    text = (
        HEADER
        + """
[issuance.fixed_supply]
total = "1000.00"

[demurrage]
rate = "1%"
period_days = 30
exempt_base = "1000.00"
"""
    )
    assert "no balance could ever pay" in problems(text)["demurrage.exempt_base"]


@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [
        ('c = "0.0488"', 'c = "1"', "issuance.universal_dividend.c", "between 0 and 1"),
        (
            "reevaluation_days = 183",
            "reevaluation_days = 0",
            "issuance.universal_dividend.reevaluation_days",
            "whole number of dividend periods",
        ),
        (
            "dividend_days = 1",
            "dividend_days = 7",
            "issuance.universal_dividend.reevaluation_days",
            "(7 days)",
        ),
        (
            "dividend_days = 1",
            "dividend_days = 0",
            "issuance.universal_dividend.dividend_days",
            "1 or more",
        ),
        ('initial = "10.00"', 'initial = "0"', "issuance.universal_dividend.initial", "positive"),
        (
            'eligible = "members"',
            'eligible = "everyone"',
            "issuance.universal_dividend.eligible",
            "members, active_members",
        ),
        (
            'eligible = "members"',
            'eligible = "active_members"',
            "issuance.universal_dividend.active_days",
            "needs active_days",
        ),
        (
            'eligible = "members"',
            'eligible = "members"\nactive_days = 30',
            "issuance.universal_dividend.active_days",
            "only applies",
        ),
    ],
)
def test_dividend_rules(old: str, new: str, path: str, message: str) -> None:
    assert old in DIVIDEND
    found = problems(DIVIDEND.replace(old, new))
    assert message in found[path], found


def test_active_members_with_a_window_is_read() -> None:
    text = DIVIDEND.replace('eligible = "members"', 'eligible = "active_members"\nactive_days = 90')
    dividend = parse_spec(text).issuance
    assert isinstance(dividend, UniversalDividend) and dividend.active_days == 90


@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [
        (
            'redemption_fee = "5%"',
            'redemption_fee = "100%"',
            "issuance.euro_backed.redemption_fee",
            "below 100 %",
        ),
        (
            'reserve_ratio = "100%"',
            'reserve_ratio = "120%"',
            "issuance.euro_backed.reserve_ratio",
            "at most 100 %",
        ),
        (
            'reserve_ratio = "100%"',
            'reserve_ratio = "0%"',
            "issuance.euro_backed.reserve_ratio",
            "above 0 %",
        ),
        (
            "[categories]",
            '[[exchange]]\nto = "EUR"\nrate = "1"\n\n[categories]',
            "exchange[0].to",
            "bypass the redemption fee",
        ),
    ],
)
def test_euro_backed_rules(old: str, new: str, path: str, message: str) -> None:
    assert old in CHIEMGAUER
    found = problems(CHIEMGAUER.replace(old, new))
    assert message in found[path], found


def test_self_intersecting_polygon_and_too_few_points() -> None:
    text = VILLAGE.replace(
        "circle = { lon = 5.0, lat = 45.0, radius_m = 15000 }",
        "polygon = [[0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0]]",
    ).replace(
        "[categories]",
        '[[perimeter.zone]]\nname = "b"\npolygon = [[0.0, 0.0], [1.0, 1.0], [0.0, 0.0]]\n\n'
        '[[perimeter.zone]]\nname = "b"\npolygon = [[0, 0], [1, 0], [1, 1], [0, 0]]\n\n'
        "[categories]",
    )
    found = problems(text)
    assert "crosses itself" in found["perimeter.zone[0].polygon"]
    assert "at least 3 distinct points" in found["perimeter.zone[1].polygon"]
    assert "names two zones" in found["perimeter.zone[2].name"]
    assert "perimeter.zone[2].polygon" not in found  # a closed outline's last point is dropped


def test_invalid_toml_is_one_problem() -> None:
    assert list(problems("[currency\ncode = 1")) == ["toml"]


def test_amounts_may_be_numbers_and_are_read_exactly() -> None:
    text = VILLAGE.replace('hard = "200.00"', "hard = 200.10").replace(
        'soft = "150.00"', "soft = 150"
    )
    credit = parse_spec(text).issuance
    assert credit == MutualCredit(CreditLimit(hard=20_010, soft=15_000))


def test_ratios_are_exact() -> None:
    spec = parse_spec(VILLAGE.replace('rate = "1"', 'rate = "19/20"'))
    assert str(spec.exchange[0].rate) == "19/20"
    spec = parse_spec(VILLAGE.replace('rate = "1"', "rate = 0.1"))
    assert str(spec.exchange[0].rate) == "1/10"  # a TOML float read as a decimal, not 0.1000…055


def test_a_successor_continues_the_previous_version() -> None:
    first = parse_spec(VILLAGE)
    second = replace(first, version=2, effective_from=date(2026, 7, 1), name="Valmont II")
    assert check_successor(first, second) == []
    assert ensure_valid(second, first) is second
    text = VILLAGE.replace("version = 1", "version = 2")
    assert parse_spec(text, previous=first).version == 2


def test_a_successor_may_not_rewrite_history() -> None:
    first = parse_spec(VILLAGE)
    dividend = UniversalDividend(1_000, first.reputation.alpha, 183)
    bad = replace(
        first,
        version=3,
        code="VALM",
        community="elsewhere",
        decimals=3,
        effective_from=date(2025, 12, 31),
        issuance=dividend,
    )
    found = {p.path: p.message for p in check_successor(first, bad)}
    assert set(found) == {
        "currency.version",
        "currency.code",
        "currency.community",
        "currency.decimals",
        "currency.effective_from",
        "issuance",
    }
    assert found["currency.version"] == "must be 2, the next"
    assert "mutual_credit to universal_dividend" in found["issuance"]
    with pytest.raises(InvalidSpec) as raised:
        parse_spec(VILLAGE.replace("decimals = 2", "decimals = 3"), previous=first)
    assert {p.path for p in raised.value.problems} == {"currency.version", "currency.decimals"}


def test_validate_finds_what_the_parser_finds_on_a_built_spec() -> None:
    spec = parse_spec(VILLAGE)
    bad = replace(spec, code="v", issuance=MutualCredit(CreditLimit(hard=1, soft=2)))
    assert {p.path for p in validate(bad)} == {
        "currency.code",
        "issuance.mutual_credit.member.soft",
    }
