"""Amounts between what people type ("12.50") and what the ledger keeps (1250)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from holoptic.errors import InvalidInput

MAX_MINOR = 10**15  # far beyond any community's money mass, well inside 64 bits


class InvalidAmount(InvalidInput):
    code = "ledger.invalid_amount"


def parse_amount(text: str, decimals: int) -> int:
    """Minor units of a major-unit amount; refuse more decimals than the currency has."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise InvalidAmount(f"{text!r} is not an amount") from None
    if not value.is_finite():
        raise InvalidAmount(f"{text!r} is not an amount")
    minor = value.scaleb(decimals)
    if minor != minor.to_integral_value():
        raise InvalidAmount(f"{text!r} has more than {decimals} decimals")
    result = int(minor)
    if not 0 < result <= MAX_MINOR:
        raise InvalidAmount(f"{text!r} must be positive and below {MAX_MINOR:,} minor units")
    return result


def format_amount(minor: int, decimals: int) -> str:
    """``1250, 2`` → ``"12.50"``; negative amounts keep their sign."""
    sign = "-" if minor < 0 else ""
    whole, part = divmod(abs(minor), 10**decimals)
    return f"{sign}{whole}.{part:0{decimals}d}" if decimals else f"{sign}{whole}"
