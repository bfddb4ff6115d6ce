"""Typed reads from parsed TOML that record a problem instead of stopping.

Each read returns the converted value, the default when the key is absent, or None
after recording a problem at the key's path: the parser carries on and the steward
gets every problem of the file at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from fractions import Fraction
from typing import Any, TypeVar

from holoptic.currency.validate import Problem
from holoptic.ledger.amounts import MAX_MINOR  # the ledger's bound on any amount

T = TypeVar("T")
Table = Mapping[str, Any]

_RATIO = re.compile(r"\s*(-?[0-9]{1,18})\s*/\s*([0-9]{1,18})\s*")


class Required(Enum):
    REQUIRED = "required"


REQUIRED = Required.REQUIRED


class Bad(ValueError):
    """A value of the wrong shape; its message is the problem's."""


class Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []  # the file's shape: wrong types, missing keys
        self.rules: list[Problem] = []  # the validator's, on sections that could be read
        self.decimals = 2  # set from currency.decimals before amounts are read

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def mark(self) -> int:
        return len(self.problems)

    def clean_since(self, mark: int) -> bool:
        """No shape problem since ``mark``: what was read since can be built."""
        return len(self.problems) == mark

    def check(self, problems: Iterable[Problem]) -> None:
        self.rules.extend(problems)

    def table(self, parent: Table, key: str, at: str, *, required: bool = False) -> Table | None:
        value = parent.get(key)
        if value is None:
            if required:
                self.add(at, "is missing")
            return None
        if not isinstance(value, dict):
            self.add(at, "must be a table")
            return None
        return value

    def only(self, table: Table, at: str, allowed: Collection[str]) -> None:
        """A problem per unknown key: a typo must not silently drop a rule."""
        for key in table:
            if key not in allowed:
                where = f"{at}.{key}" if at else key
                self.add(where, f"unknown key (expected: {', '.join(sorted(allowed))})")

    def get(
        self,
        table: Table,
        key: str,
        at: str,
        convert: Callable[[Any], T],
        default: T | Required | None = REQUIRED,
    ) -> T | None:
        path = f"{at}.{key}" if at else key
        if key not in table:
            if default is REQUIRED:
                self.add(path, "is missing")
                return None
            return default
        try:
            return convert(table[key])
        except Bad as problem:
            self.add(path, str(problem))
            return None

    def amount(self, value: Any) -> int:
        return to_minor(value, self.decimals)


def text(value: Any) -> str:
    if not isinstance(value, str):
        raise Bad("must be a string")
    return value


def integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Bad("must be a whole number")
    return value


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Bad("must be true or false")
    return value


def strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise Bad("must be a list of strings")
    return tuple(value)


def day(value: Any) -> date:
    if isinstance(value, datetime):
        raise Bad("must be a date (2025-01-31), not a date and time")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise Bad("must be a date such as 2025-01-31")


def _decimal(value: Any, what: str) -> Decimal:
    if isinstance(value, bool):
        raise Bad(f"must be {what}")
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise Bad(f"{value!r} is not {what}") from None
    else:
        raise Bad(f"must be {what}")
    if not number.is_finite():
        raise Bad(f"must be {what}")
    return number


def to_minor(value: Any, decimals: int) -> int:
    """``"12.50"`` (or 12.5, or 12) in major units → 1250 minor units for 2 decimals."""
    minor = _decimal(value, 'an amount such as "12.50"').scaleb(decimals)
    if minor != minor.to_integral_value():
        raise Bad(f"has more than {decimals} decimals")
    if abs(minor) > MAX_MINOR:
        raise Bad(f"is too large (at most {MAX_MINOR:,} minor units)")
    return int(minor)


def percent(value: Any) -> int:
    """``"2.5%"`` → 250 basis points."""
    if not isinstance(value, str) or not value.strip().endswith("%"):
        raise Bad('must be a percentage written as a string, such as "2.5%"')
    bp = _decimal(value.strip()[:-1], 'a percentage such as "2.5%"').scaleb(2)
    if bp != bp.to_integral_value():
        raise Bad("is more precise than 0.01 %")
    if abs(bp) > MAX_MINOR:
        raise Bad("is too large")
    return int(bp)


def fraction(value: Any) -> Fraction:
    """An exact ratio: ``"0.0488"``, ``"19/20"``, 1 or 0.95 (read as a decimal)."""
    message = 'must be a number such as "0.95" or "19/20"'
    if isinstance(value, str) and "/" in value:
        match = _RATIO.fullmatch(value)
        if match is None or int(match[2]) == 0:
            raise Bad(message)
        return Fraction(int(match[1]), int(match[2]))
    exact = _decimal(value, 'a number such as "0.95" or "19/20"')
    if not -30 <= exact.adjusted() <= 30:
        raise Bad(message)
    return Fraction(exact)


def number(value: Any) -> float:
    """A coordinate or a distance: any finite TOML number."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise Bad("must be a number")
    if isinstance(value, Decimal) and not value.is_finite():
        raise Bad("must be a finite number")
    return float(value)


def points(value: Any) -> tuple[tuple[float, float], ...]:
    """``[[lon, lat], …]``; a closing point equal to the first is dropped."""
    if not isinstance(value, list) or not all(
        isinstance(pair, list) and len(pair) == 2 for pair in value
    ):
        raise Bad("must be a list of [longitude, latitude] pairs")
    read = tuple((number(lon), number(lat)) for lon, lat in value)
    if len(read) > 1 and read[0] == read[-1]:
        read = read[:-1]
    return read
