"""Values the Google importers share: canonical times, coordinates, compact records.

Times become canonical UTC text (``2024-01-02T03:04:05.678Z``: the shortest exact form),
so the same instant exported as epoch milliseconds in an old Takeout and as ISO text in a
newer one yields the same record, and re-importing both adds it once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from holoptic.importers.formats._times import utc_text

_EPOCH = datetime(1970, 1, 1)


class BadItem(ValueError):
    """One entry cannot be read; it becomes a ``Rejected`` and the file goes on."""


# Safety net around each entry: any of these means the entry holds unexpected types.
ITEM_ERRORS = (BadItem, TypeError, ValueError, KeyError, AttributeError, OverflowError)


def brief(value: object) -> str:
    """A value for a message: its repr, cut short (a value may be megabytes long)."""
    if isinstance(value, str | bytes) and len(value) > 60:
        value = value[:60]
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def reason(exc: Exception) -> str:
    """Why an entry was skipped, for the report."""
    if isinstance(exc, BadItem):
        return str(exc)
    return f"unexpected value ({type(exc).__name__}: {brief(str(exc))})"


def _integer(value: object, what: str) -> int:
    """An integer given as a JSON number or as text (Google writes big ones as strings)."""
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        try:
            return int(value)
        except ValueError:
            pass
    raise BadItem(f"{what} is not a number: {brief(value)}")


def from_millis(value: object) -> str:
    """Epoch milliseconds (``timestampMs``) as canonical UTC text."""
    return utc_text(_EPOCH + timedelta(milliseconds=_integer(value, "timestampMs")))


def from_micros(value: object) -> str:
    """Epoch microseconds (Chrome's ``time_usec``) as canonical UTC text."""
    return utc_text(_EPOCH + timedelta(microseconds=_integer(value, "time_usec")))


def parse_iso(value: object) -> datetime:
    """An ISO 8601 time with its offset; a time without one is refused, not guessed."""
    if not isinstance(value, str):
        raise BadItem(f"time is not a string: {brief(value)}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadItem(f"unreadable time {brief(value)}") from None
    if moment.tzinfo is None:
        raise BadItem(f"time {brief(value)} has no timezone")
    return moment


def from_iso(value: object) -> str:
    """An ISO 8601 time as canonical UTC text (Google's ``…Z`` texts are kept as they are)."""
    if (
        isinstance(value, str)
        and len(value) == 24
        and value[23] == "Z"
        and value[10] == "T"
        and value[19] == "."
        and value[20:23] != "000"
    ):
        parse_iso(value)  # validates; the text already is canonical
        return value
    return utc_text(parse_iso(value))


def offset_minutes(value: object) -> int:
    """The UTC offset of an ISO time, in minutes (local time matters for visits)."""
    offset = parse_iso(value).utcoffset()
    return 0 if offset is None else int(offset.total_seconds() // 60)


def e7(value: object, limit: int) -> float:
    """Degrees from an E7 integer, undoing the signed 32-bit overflow of some exports."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadItem(f"coordinate is not an integer: {brief(value)}")
    if value > limit:
        value -= 1 << 32
    if not -limit <= value <= limit:
        raise BadItem(f"coordinate {value} is out of range")
    return value / 1e7


def e7_pair(node: object, lat_key: str, lon_key: str) -> tuple[float, float] | None:
    """``(lat, lon)`` from an object's E7 keys, or None when it has none."""
    if not isinstance(node, dict) or node.get(lat_key) is None or node.get(lon_key) is None:
        return None
    return e7(node[lat_key], 900_000_000), e7(node[lon_key], 1_800_000_000)


def number(value: object) -> int | float | None:
    """A JSON number, or a number written as text (iOS writes every value as a string)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            parsed = float(value)
        except ValueError:
            return None
        if parsed != parsed or parsed in (float("inf"), float("-inf")):
            return None
        return int(parsed) if parsed.is_integer() and "." not in value else parsed
    return None


def text(value: object) -> str | None:
    """A string field, or None when absent or of another type."""
    return value if isinstance(value, str) else None


def put(record: dict[str, Any], key: str, value: object) -> None:
    """Set ``key`` only when the export had a value: records stay compact."""
    if value is not None and value != "" and value != [] and value != {}:
        record[key] = value


def degrees(lat: object, lon: object) -> tuple[float, float]:
    """A validated ``(lat, lon)`` in degrees."""
    lat_value, lon_value = number(lat), number(lon)
    if lat_value is None or lon_value is None:
        raise BadItem(f"coordinates are not numbers: {brief(lat)}, {brief(lon)}")
    if not (-90 <= lat_value <= 90 and -180 <= lon_value <= 180):
        raise BadItem(f"coordinates out of range: {lat_value}, {lon_value}")
    return float(lat_value), float(lon_value)


def lat_lng(value: object) -> tuple[float, float] | None:
    """Coordinates in any spelling the Timeline exports use, or None when absent.

    ``"48.85°, 2.35°"`` (Android), ``"geo:48.85,2.35"`` (iOS), an object holding one of
    those under ``latLng``/``LatLng``/``point``, or E7 keys (third-party re-exports).
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        body = value.removeprefix("geo:").replace("°", "")
        parts = body.split(",")
        if len(parts) != 2:
            raise BadItem(f"unreadable coordinates {value[:60]!r}")
        return degrees(parts[0].strip(), parts[1].strip())
    if isinstance(value, dict):
        for key in ("latLng", "LatLng", "point", "placeLocation"):
            if key in value:
                return lat_lng(value[key])
        return e7_pair(value, "latitudeE7", "longitudeE7") or e7_pair(value, "latE7", "lngE7")
    raise BadItem(f"unreadable coordinates {brief(value)}")
