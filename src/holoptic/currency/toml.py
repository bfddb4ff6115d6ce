"""Currency specs as TOML text: ``parse_spec`` reads and validates, ``dump_spec`` writes.

Amounts are written in major units as strings (``"12.50"``; bare numbers are read
exactly too, never through binary floats), rates and fees as percentage strings
(``"2.5%"``), ratios as decimal or ``p/q`` strings, dates as TOML dates. The format is
documented field by field in docs/currency.md; ``dump_spec`` output parses back to an
equal spec.
"""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from holoptic.currency import _reader as read
from holoptic.currency._dump import dump_spec
from holoptic.currency._issuance import read_issuance
from holoptic.currency._reader import Reader, Table
from holoptic.currency.model import (
    Circle,
    CurrencySpec,
    Demurrage,
    ExchangeLink,
    Perimeter,
    Polygon,
    Reputation,
    Zone,
)
from holoptic.currency.validate import (
    MAX_DECIMALS,
    InvalidSpec,
    Problem,
    check_across,
    check_categories,
    check_demurrage,
    check_exchange,
    check_header,
    check_perimeter,
    check_reputation,
    check_successor,
)

__all__ = ["dump_spec", "parse_spec"]

SECTIONS = (
    "currency",
    "issuance",
    "demurrage",
    "perimeter",
    "categories",
    "exchange",
    "reputation",
)
_CIRCLE_KEYS = ("lon", "lat", "radius_m")


class _Header(NamedTuple):
    code: str
    name: str
    decimals: int
    version: int
    effective_from: date
    community: str


def parse_spec(text: str, *, previous: CurrencySpec | None = None) -> CurrencySpec:
    """The spec in ``text``, or ``InvalidSpec`` listing every problem found (and, given
    the ``previous`` version, every way this one fails to succeed it)."""
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        raise InvalidSpec([Problem("toml", f"not valid TOML: {error}")]) from None
    reader = Reader()
    spec = _spec(reader, data)
    found = reader.problems + reader.rules
    if spec is not None:
        found += check_across(spec)
        if previous is not None:
            found += check_successor(previous, spec)
    if spec is None or found:
        raise InvalidSpec(found)
    return spec


def _spec(r: Reader, data: Table) -> CurrencySpec | None:
    r.only(data, "", SECTIONS)
    header = _header(r, data)
    issuance = read_issuance(r, data)
    demurrage = _demurrage(r, data)
    perimeter = _perimeter(r, data)
    categories = r.table(data, "categories", "categories") or {}
    r.only(categories, "categories", ("refused",))
    nothing: tuple[str, ...] = ()
    refused = r.get(categories, "refused", "categories", read.strings, nothing)
    if refused is not None:
        r.check(check_categories(refused))
    exchange = _exchange(r, data, header.code if header else "")
    reputation = _reputation(r, data)
    if header is None or issuance is None or refused is None or exchange is None:
        return None
    if reputation is None or r.problems:
        return None
    return CurrencySpec(
        *header, issuance, demurrage, perimeter, refused, exchange, reputation=reputation
    )


def _header(r: Reader, data: Table) -> _Header | None:
    table = r.table(data, "currency", "currency", required=True)
    if table is None:
        return None
    r.only(table, "currency", _Header._fields)
    at = "currency"
    code = r.get(table, "code", at, read.text)
    name = r.get(table, "name", at, read.text)
    decimals = r.get(table, "decimals", at, read.integer)
    version = r.get(table, "version", at, read.integer)
    effective_from = r.get(table, "effective_from", at, read.day)
    community = r.get(table, "community", at, read.text)
    r.decimals = decimals if decimals is not None and 0 <= decimals <= MAX_DECIMALS else 6
    if code is None or name is None or decimals is None or version is None:
        return None
    if effective_from is None or community is None:
        return None
    header = _Header(code, name, decimals, version, effective_from, community)
    r.check(check_header(header))
    return header


def _demurrage(r: Reader, data: Table) -> Demurrage | None:
    table = r.table(data, "demurrage", "demurrage")
    if table is None:
        return None
    at = "demurrage"
    r.only(table, at, ("rate", "period_days", "exempt_base", "grace_days"))
    mark = r.mark()
    demurrage = Demurrage(
        rate_bp=r.get(table, "rate", at, read.percent) or 0,
        period_days=r.get(table, "period_days", at, read.integer) or 0,
        exempt_base=r.get(table, "exempt_base", at, r.amount, 0) or 0,
        grace_days=r.get(table, "grace_days", at, read.integer, 0) or 0,
    )
    if not r.clean_since(mark):
        return None
    r.check(check_demurrage(demurrage))
    return demurrage


def _perimeter(r: Reader, data: Table) -> Perimeter | None:
    table = r.table(data, "perimeter", "perimeter")
    if table is None:
        return None
    r.only(table, "perimeter", ("zone",))
    raw = table.get("zone", [])
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        r.add("perimeter.zone", "must be [[perimeter.zone]] tables")
        return None
    mark = r.mark()
    zones = tuple(_zone(r, item, f"perimeter.zone[{i}]") for i, item in enumerate(raw))
    if not r.clean_since(mark):
        return None
    perimeter = Perimeter(tuple(zone for zone in zones if zone is not None))
    r.check(check_perimeter(perimeter))
    return perimeter


def _zone(r: Reader, table: Table, at: str) -> Zone | None:
    r.only(table, at, ("name", "circle", "polygon"))
    name = r.get(table, "name", at, read.text) or ""
    if ("circle" in table) == ("polygon" in table):
        r.add(at, "needs exactly one of circle or polygon")
        return None
    if "polygon" in table:
        points = r.get(table, "polygon", at, read.points)
        return Polygon(name, points) if points is not None else None
    circle = r.table(table, "circle", f"{at}.circle", required=True) or {}
    r.only(circle, f"{at}.circle", _CIRCLE_KEYS)
    lon, lat, radius = (r.get(circle, key, f"{at}.circle", read.number) for key in _CIRCLE_KEYS)
    if lon is None or lat is None or radius is None:
        return None
    return Circle(name, lon, lat, radius)


def _exchange(r: Reader, data: Table, own: str) -> tuple[ExchangeLink, ...] | None:
    raw = data.get("exchange", [])
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        r.add("exchange", "must be [[exchange]] tables")
        return None
    mark = r.mark()
    links = []
    for index, table in enumerate(raw):
        at = f"exchange[{index}]"
        r.only(table, at, ("to", "rate", "daily_cap", "fee"))
        link = ExchangeLink(
            to=r.get(table, "to", at, read.text) or "",
            rate=r.get(table, "rate", at, read.fraction) or Fraction(0),
            daily_cap=r.get(table, "daily_cap", at, r.amount, None),
            fee_bp=r.get(table, "fee", at, read.percent, 0) or 0,
        )
        links.append(link)
    if not r.clean_since(mark):
        return None
    r.check(check_exchange(own, tuple(links)))
    return tuple(links)


def _reputation(r: Reader, data: Table) -> Reputation | None:
    table = r.table(data, "reputation", "reputation") or {}
    at = "reputation"
    r.only(table, at, ("pre_trusted", "stewards", "alpha", "iterations"))
    default = Reputation()
    mark = r.mark()
    pre_trusted = r.get(table, "pre_trusted", at, read.strings, default.pre_trusted)
    stewards = r.get(table, "stewards", at, read.boolean, default.stewards)
    alpha = r.get(table, "alpha", at, read.fraction, default.alpha)
    iterations = r.get(table, "iterations", at, read.integer, default.iterations)
    if not r.clean_since(mark):
        return None
    reputation = Reputation(
        pre_trusted or (), stewards or False, alpha or Fraction(0), iterations or 0
    )
    r.check(check_reputation(reputation))
    return reputation
