"""ESPI code tables and Atom link matching for the Green Button importer.

Names follow the enumerations of the NAESB REQ.21 schema (espiDerived.xsd); a code not in
a table is kept as its number, so nothing the file says is lost.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

SERVICES = {
    0: "electricity",
    1: "gas",
    2: "water",
    3: "time",
    4: "heat",
    5: "refuse",
    6: "sewerage",
    7: "rates",
    8: "tv_licence",
    9: "internet",
}
# UnitSymbolKind, the units utilities use (ASCII spellings).
UNITS = {
    2: "m", 5: "A", 23: "degC", 27: "s", 29: "V", 31: "J", 33: "Hz", 38: "W", 42: "m3",
    61: "VA", 63: "VAr", 65: "cos_phi", 71: "VAh", 72: "Wh", 73: "VArh", 80: "money",
    106: "Ah", 111: "count", 119: "ft3", 120: "ft3_compensated", 123: "ft3_compensated/h",
    125: "m3/h", 126: "m3_compensated/h", 127: "m3_uncompensated/h", 128: "US_gal",
    129: "US_gal/h", 130: "imp_gal", 131: "imp_gal/h", 132: "BTU", 133: "BTU/h", 134: "L",
    137: "L/h", 156: "L_uncompensated", 157: "L_compensated", 159: "min", 160: "h",
    166: "m3_uncompensated", 167: "m3_compensated", 169: "therm",
}  # fmt: skip
CURRENCIES = {
    840: "USD", 978: "EUR", 36: "AUD", 124: "CAD", 756: "CHF", 156: "CNY", 208: "DKK",
    826: "GBP", 392: "JPY", 578: "NOK", 643: "RUB", 752: "SEK", 356: "INR",
}  # fmt: skip
QUALITY = {
    0: "valid", 7: "manually_edited", 8: "estimated_reference_day",
    9: "estimated_interpolation", 10: "questionable", 11: "derived", 12: "projected",
    13: "mixed", 14: "raw", 15: "weather_normalized", 16: "other", 17: "validated",
    18: "failed_validation", 19: "revenue_quality",
}  # fmt: skip
# ReadingType fields that change what a value means, with the names of common codes.
DETAILS: dict[str, tuple[str, dict[int, str]]] = {
    "kind": (
        "kind",
        {3: "currency", 4: "current", 8: "demand", 12: "energy", 15: "frequency",
         37: "power", 46: "temperature", 54: "voltage", 58: "volume"},
    ),
    "flowDirection": ("flow", {1: "forward", 4: "net", 19: "reverse", 20: "total"}),
    "accumulationBehaviour": (
        "accumulation",
        {1: "bulk_quantity", 2: "continuous_cumulative", 3: "cumulative", 4: "delta",
         6: "indicating", 9: "summation", 12: "instantaneous", 13: "latching",
         14: "bounded"},
    ),
    "commodity": (
        "commodity",
        {1: "electricity", 2: "electricity_primary", 7: "natural_gas", 8: "propane",
         9: "potable_water", 10: "steam", 11: "waste_water", 12: "heating_fluid",
         13: "cooling_fluid"},
    ),
}  # fmt: skip


def code(text: str | None) -> int | None:
    try:
        return int(text.strip()) if text is not None else None
    except ValueError:
        return None


def named(table: dict[int, str], text: str | None) -> str | int | None:
    """The code's name, the bare code if unnamed, ``None`` if absent or unreadable."""
    number = code(text)
    return None if number is None else table.get(number, number)


def service(text: str | None) -> str | None:
    name = named(SERVICES, text)
    return None if name is None else str(name)


def unit(fields: dict[str, str]) -> str | None:
    number = code(fields.get("uom"))
    if number is None or number == 0:
        return None
    return UNITS.get(number, f"uom:{number}")


def currency(fields: dict[str, str]) -> str | None:
    number = code(fields.get("currency"))
    return None if not number else CURRENCIES.get(number, str(number))


def multiplier(fields: dict[str, str]) -> int | None:
    """powerOfTenMultiplier (0 when absent); ``None`` when unreadable or absurd."""
    number = code(fields.get("powerOfTenMultiplier", "0"))
    return number if number is not None and -24 <= number <= 24 else None


def details(fields: dict[str, str]) -> dict[str, str | int]:
    found: dict[str, str | int] = {}
    for source, (name, table) in DETAILS.items():
        value = named(table, fields.get(source))
        if value is not None and value != 0:
            found[name] = value
    return found


def href(raw: str | None) -> str:
    """An href reduced to its path, without leading or trailing slashes."""
    if not raw:
        return ""
    try:
        return urlsplit(raw.strip()).path.strip("/")
    except ValueError:  # e.g. a broken IPv6 host: compare the href as written
        return raw.strip().strip("/")


def _same(one: str, other: str) -> bool:
    """Equal paths, or one a tail of the other (relative versus absolute hrefs)."""
    if not one or not other:
        return False
    return one == other or one.endswith("/" + other) or other.endswith("/" + one)


def linked(hrefs: Iterable[str], targets: Iterable[str]) -> bool:
    wanted = [target for target in targets if target]
    return any(_same(ref, target) for ref in hrefs for target in wanted)


def under(parent: str, children: Iterable[str]) -> bool:
    """Whether one of ``children`` is a path below ``parent``."""
    return bool(parent) and any(child.startswith(parent + "/") for child in children if child)


def meter_name(title: str | None, self_href: str) -> str | None:
    return title or self_href.rpartition("/")[2] or None
