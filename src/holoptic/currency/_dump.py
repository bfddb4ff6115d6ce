"""Writing a spec back as TOML by hand (no dependency), in the documented layout.

Every field is written, defaults included, so the text says everything the spec means
and parses back to an equal spec.
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

from holoptic.currency.model import (
    Circle,
    CreditLimit,
    CurrencySpec,
    Demurrage,
    EuroBacked,
    ExchangeLink,
    FixedSupply,
    Issuance,
    MutualCredit,
    Perimeter,
    Reputation,
    UniversalDividend,
)
from holoptic.ledger.amounts import format_amount


def dump_spec(spec: CurrencySpec) -> str:
    """The TOML text of ``spec``; ``parse_spec(dump_spec(s)) == s`` for a valid spec."""
    amount = _Amount(spec.decimals)
    lines = [
        f"# Currency spec {spec.code} v{spec.version} (format: docs/currency.md)",
        "",
        "[currency]",
        f"code = {_q(spec.code)}",
        f"name = {_q(spec.name)}",
        f"decimals = {spec.decimals}",
        f"version = {spec.version}",
        f"effective_from = {spec.effective_from.isoformat()}",
        f"community = {_q(spec.community)}",
        "",
        *_issuance(spec.issuance, amount),
    ]
    if spec.demurrage is not None:
        lines += _demurrage(spec.demurrage, amount)
    if spec.perimeter is not None:
        lines += _perimeter(spec.perimeter)
    lines += ["[categories]", f"refused = {_list(spec.refused_categories)}", ""]
    for link in spec.exchange:
        lines += _link(link, amount)
    lines += _reputation(spec.reputation)
    return "\n".join(lines).rstrip("\n") + "\n"


class _Amount:
    """Minor units → a major-unit string with all the currency's decimals."""

    def __init__(self, decimals: int) -> None:
        self.decimals = decimals

    def __call__(self, minor: int) -> str:
        return _q(format_amount(minor, self.decimals))


def _issuance(issuance: Issuance, amount: _Amount) -> list[str]:
    head = f"[issuance.{issuance.kind}]"
    if isinstance(issuance, FixedSupply):
        return [head, f"total = {amount(issuance.total)}", f"to = {_q(issuance.to)}", ""]
    if isinstance(issuance, MutualCredit):
        return [
            head,
            f"member = {_limit(issuance.member, amount)}",
            f"consumer = {_limit(issuance.consumer, amount)}",
            "",
        ]
    if isinstance(issuance, UniversalDividend):
        lines = [
            head,
            f"initial = {amount(issuance.initial)}",
            f"c = {_q(_ratio(issuance.c))}",
            f"reevaluation_days = {issuance.reevaluation_days}",
            f"dividend_days = {issuance.dividend_days}",
            f"eligible = {_q(issuance.eligible.value)}",
        ]
        if issuance.active_days is not None:
            lines.append(f"active_days = {issuance.active_days}")
        return [*lines, ""]
    return _euro_backed(issuance)


def _euro_backed(issuance: EuroBacked) -> list[str]:
    return [
        f"[issuance.{issuance.kind}]",
        f"redemption_fee = {_percent(issuance.redemption_fee_bp)}",
        f"reserve_ratio = {_percent(issuance.reserve_ratio_bp)}",
        "",
    ]


def _limit(limit: CreditLimit, amount: _Amount) -> str:
    return f"{{ hard = {amount(limit.hard)}, soft = {amount(limit.soft)} }}"


def _demurrage(demurrage: Demurrage, amount: _Amount) -> list[str]:
    return [
        "[demurrage]",
        f"rate = {_percent(demurrage.rate_bp)}",
        f"period_days = {demurrage.period_days}",
        f"exempt_base = {amount(demurrage.exempt_base)}",
        f"grace_days = {demurrage.grace_days}",
        "",
    ]


def _perimeter(perimeter: Perimeter) -> list[str]:
    lines: list[str] = []
    for zone in perimeter.zones:
        lines += ["[[perimeter.zone]]", f"name = {_q(zone.name)}"]
        if isinstance(zone, Circle):
            centre = f"lon = {zone.lon!r}, lat = {zone.lat!r}"
            lines.append(f"circle = {{ {centre}, radius_m = {zone.radius_m!r} }}")
        else:
            pairs = ", ".join(f"[{lon!r}, {lat!r}]" for lon, lat in zone.points)
            lines.append(f"polygon = [{pairs}]")
        lines.append("")
    return lines


def _link(link: ExchangeLink, amount: _Amount) -> list[str]:
    lines = ["[[exchange]]", f"to = {_q(link.to)}", f"rate = {_q(_ratio(link.rate))}"]
    if link.daily_cap is not None:
        lines.append(f"daily_cap = {amount(link.daily_cap)}")
    return [*lines, f"fee = {_percent(link.fee_bp)}", ""]


def _reputation(reputation: Reputation) -> list[str]:
    return [
        "[reputation]",
        f"pre_trusted = {_list(reputation.pre_trusted)}",
        f"stewards = {'true' if reputation.stewards else 'false'}",
        f"alpha = {_q(_ratio(reputation.alpha))}",
        f"iterations = {reputation.iterations}",
    ]


def _q(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, plus DEL, which TOML forbids raw."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _list(items: tuple[str, ...]) -> str:
    return "[" + ", ".join(_q(item) for item in items) + "]"


def _percent(bp: int) -> str:
    return _q(format(Decimal(bp).scaleb(-2).normalize(), "f") + "%")


def _ratio(value: Fraction) -> str:
    """A decimal when the fraction has one (``0.0488``), else ``p/q`` (``1/3``)."""
    for digits in range(19):
        scale = 10**digits
        if scale % value.denominator == 0:
            exact = Decimal(value.numerator * (scale // value.denominator)).scaleb(-digits)
            return format(exact, "f")
    return f"{value.numerator}/{value.denominator}"
