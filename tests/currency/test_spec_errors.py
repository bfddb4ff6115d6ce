"""Broken specs: every problem is reported at once, each at its TOML path."""

from __future__ import annotations

from pathlib import Path

import pytest

from holoptic.currency import InvalidSpec, parse_spec
from holoptic.errors import HolopticError, InvalidInput

VILLAGE = (
    Path(__file__).resolve().parents[2] / "examples" / "currencies" / "village.toml"
).read_text(encoding="utf-8")

BROKEN = """
[currency]
code = "val"
name = "Valmont"
decimals = 9
version = 1
effective_from = 2026-01-01
community = "valmont"
colour = "blue"

[issuance.mutual_credit]
member = { hard = "100.00", soft = "150.00" }

[demurrage]
rate = "100%"
period_days = 30
exempt_base = "-5"
grace_days = 400

[[perimeter.zone]]
name = "a line"
polygon = [[5.0, 45.0], [5.1, 45.1], [5.2, 45.2]]

[[perimeter.zone]]
name = "a point"
circle = { lon = 5.0, lat = 45.0, radius_m = 0 }

[categories]
refused = ["air_travel", "private_jets", "air_travel"]

[[exchange]]
to = "EUR"
rate = "0"
fee = "2%"

[[exchange]]
to = "EUR"
rate = "1"
fee = "100%"

[[exchange]]
to = "val"
rate = "1"

[reputation]
alpha = "1.5"
iterations = 0
"""


def problems(text: str) -> dict[str, str]:
    with pytest.raises(InvalidSpec) as raised:
        parse_spec(text)
    listed = raised.value.details["problems"]
    assert isinstance(listed, list)
    return {p["path"]: p["message"] for p in listed}


def test_a_broken_spec_lists_every_problem_with_its_path() -> None:
    found = problems(BROKEN)
    assert set(found) == {
        "currency.colour",
        "currency.code",
        "currency.decimals",
        "issuance.mutual_credit.member.soft",
        "demurrage.rate",
        "demurrage.exempt_base",
        "demurrage.grace_days",
        "perimeter.zone[0].polygon",
        "perimeter.zone[1].circle.radius_m",
        "categories.refused[1]",
        "categories.refused[2]",
        "exchange[0].rate",
        "exchange[1].to",
        "exchange[1].fee",
        "exchange[2].to",
        "reputation.alpha",
        "reputation.iterations",
    }
    assert "unknown key" in found["currency.colour"]
    assert "no area" in found["perimeter.zone[0].polygon"]
    assert "'private_jets' is not a category" in found["categories.refused[1]"]
    assert "listed twice" in found["categories.refused[2]"]
    assert "second link to EUR" in found["exchange[1].to"]
    assert "itself" in found["exchange[2].to"]
    assert "after the refusal" in found["issuance.mutual_credit.member.soft"]


def test_the_error_is_a_typed_invalid_input() -> None:
    with pytest.raises(InvalidSpec) as raised:
        parse_spec(BROKEN)
    error = raised.value
    assert isinstance(error, InvalidInput) and isinstance(error, HolopticError)
    assert (error.code, error.status) == ("currency.invalid_spec", 422)
    assert error.message.startswith("the currency spec has 17 problems: ")
    assert "demurrage.rate: must be above 0 % and below 100 % per period" in error.message
    assert len(error.problems) == 17


def broken(old: str, new: str, base: str = VILLAGE) -> dict[str, str]:
    assert old in base, old
    return problems(base.replace(old, new, 1))


CASES = [
    # (what is replaced, by what, the path reported, a piece of its message)
    ('code = "VAL"', 'code = "VALMONTSUR"', "currency.code", "3 to 8 letters"),
    ('code = "VAL"', 'code = "V4L"', "currency.code", "3 to 8 letters"),
    ("decimals = 2", "decimals = 7", "currency.decimals", "outside 0..6"),
    ("decimals = 2", 'decimals = "2"', "currency.decimals", "whole number"),
    ('name = "Valmont"', 'name = " "', "currency.name", "1 to 80"),
    ('name = "Valmont"', 'name = "Val\\u0007mont"', "currency.name", "control"),
    ("version = 1", "version = 0", "currency.version", "1 or more"),
    ('community = "valmont"', 'community = "Valmont"', "currency.community", "slug"),
    ("community = ", "# community = ", "currency.community", "missing"),
    (
        "effective_from = 2026-01-01",
        "effective_from = 2026-01-01T10:00:00",
        "currency.effective_from",
        "not a date and time",
    ),
    (
        "effective_from = 2026-01-01",
        'effective_from = "next monday"',
        "currency.effective_from",
        "a date such as",
    ),
    ('hard = "200.00"', 'hard = "-1.00"', "issuance.mutual_credit.member", "0 or more"),
    (
        'hard = "200.00"',
        'hard = "200.001"',
        "issuance.mutual_credit.member.hard",
        "more than 2 decimals",
    ),
    ('hard = "200.00"', 'hard = "lots"', "issuance.mutual_credit.member.hard", "is not an amount"),
    ('hard = "200.00"', 'hard = "1e30"', "issuance.mutual_credit.member.hard", "too large"),
    (
        'member = { hard = "200.00", soft = "150.00" }',
        'member = { hard = "200.00" }',
        "issuance.mutual_credit.member.soft",
        "missing",
    ),
    ('rate = "0.5%"', 'rate = "0%"', "demurrage.rate", "above 0 %"),
    ('rate = "0.5%"', 'rate = "120%"', "demurrage.rate", "below 100 %"),
    ('rate = "0.5%"', 'rate = "0.005%"', "demurrage.rate", "more precise than 0.01 %"),
    ('rate = "0.5%"', "rate = 0.5", "demurrage.rate", "percentage written as a string"),
    ("period_days = 30", "period_days = 0", "demurrage.period_days", "1 or more"),
    ("grace_days = 30 ", "grace_days = 121 ", "demurrage.grace_days", "4 periods"),
    ("grace_days = 30 ", "grace_days = -1 ", "demurrage.grace_days", "0 or more"),
    (
        'exempt_base = "50.00"',
        'exempt_base = "50.001"',
        "demurrage.exempt_base",
        "more than 2 decimals",
    ),
    ("period_days = 30", "period_days = 30\ninterest = true", "demurrage.interest", "unknown key"),
    ("radius_m = 15000", "radius_m = -3", "perimeter.zone[0].circle.radius_m", "above 0"),
    (
        "radius_m = 15000",
        'radius_m = "far"',
        "perimeter.zone[0].circle.radius_m",
        "must be a number",
    ),
    ("lat = 45.0", "lat = 95.0", "perimeter.zone[0].circle", "not a longitude, latitude"),
    (
        "circle = {",
        "polygon = [[5.0, 45.0], [5.1, 45.0]]\ncircle = {",
        "perimeter.zone[0]",
        "exactly one of circle or polygon",
    ),
    ('"crypto_mining"]', '"crypto_mining", "kittens"]', "categories.refused[3]", "not a category"),
    ('to = "EUR"', 'to = "VAL"', "exchange[0].to", "itself"),
    ('to = "EUR"', 'to = "eur"', "exchange[0].to", "3 to 8 letters"),
    ('rate = "1"', 'rate = "abc"', "exchange[0].rate", "such as"),
    ('rate = "1"', 'rate = "1/0"', "exchange[0].rate", "such as"),
    ('rate = "1"', 'rate = "-2/3"', "exchange[0].rate", "positive"),
    ('daily_cap = "500.00"', 'daily_cap = "0"', "exchange[0].daily_cap", "positive"),
    ('fee = "2%"', 'fee = "-1%"', "exchange[0].fee", "at least 0 %"),
    ('alpha = "0.15"', 'alpha = "2"', "reputation.alpha", "above 0 and at most 1"),
    ('alpha = "0.15"', 'alpha = "0"', "reputation.alpha", "above 0"),
    ("iterations = 50", "iterations = 5000", "reputation.iterations", "1 to 1000"),
    ("pre_trusted = []", 'pre_trusted = ["m-1", "m-1"]', "reputation.pre_trusted[1]", "twice"),
    (
        "pre_trusted = []",
        'pre_trusted = ["not an id"]',
        "reputation.pre_trusted[0]",
        "not a member id",
    ),
    ("stewards = true", 'stewards = "yes"', "reputation.stewards", "true or false"),
    ("stewards = true", "stewards = false", "reputation", "trust has no source"),
    ("[reputation]", "[reputatoin]", "reputatoin", "unknown key"),
]


@pytest.mark.parametrize(("old", "new", "path", "message"), CASES, ids=[c[1] for c in CASES])
def test_each_rule_names_its_path(old: str, new: str, path: str, message: str) -> None:
    found = broken(old, new)
    assert path in found, found
    assert message in found[path]
