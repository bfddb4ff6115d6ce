"""Google Location History ``Records.json`` and the older ``Location History.json``.

Both are ``{"locations": [...]}``: one entry per fix, with E7 coordinates and either
``timestampMs`` (epoch milliseconds, old exports) or ``timestamp`` (ISO, newer ones). Each
entry becomes one ``location.point``. The file reaches hundreds of megabytes, so entries
are streamed one by one and this loop is kept lean: it is the hot path of a Takeout import.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from holoptic.importers.formats._google_common import (
    BadItem,
    e7,
    from_iso,
    from_millis,
)
from holoptic.importers.formats._google_json import each_entry, shape_of
from holoptic.importers.model import Emit, ParseEvent, Record, SourceFile

KIND = "location.point"
_LAT_LIMIT, _LON_LIMIT = 900_000_000, 1_800_000_000
_ENTRY_KEYS = ("latitudeE7", "longitudeE7", "timestampMs", "timestamp")


# Optional fields kept, under their normalised names. Wi-Fi scans (access point MAC
# addresses), inferred locations and server/device timestamps are left out on purpose.
_NUMBERS = {
    "accuracy": "accuracy",
    "altitude": "ele",
    "verticalAccuracy": "vertical_accuracy",
    "velocity": "speed",
    "heading": "heading",
    "osLevel": "os_level",
}
_SCALARS = {
    "deviceTag": "device",
    "deviceDesignation": "device_designation",
    "platformType": "platform",
    "formFactor": "form_factor",
    "batteryCharging": "charging",
    "placeId": "place_id",
}
_SCALAR_TYPES = (str, int, float, bool)
_from_isoformat = datetime.fromisoformat


def _coordinates(entry: dict[str, Any]) -> tuple[float, float]:
    lat, lon = entry.get("latitudeE7"), entry.get("longitudeE7")
    if (
        type(lat) is int
        and type(lon) is int
        and -_LAT_LIMIT <= lat <= _LAT_LIMIT
        and -_LON_LIMIT <= lon <= _LON_LIMIT
    ):
        return lat / 1e7, lon / 1e7  # the usual case, checked inline: this runs per fix
    if lat is None or lon is None:
        raise BadItem("no latitudeE7/longitudeE7")
    return e7(lat, _LAT_LIMIT), e7(lon, _LON_LIMIT)


def _time(entry: dict[str, Any]) -> str:
    stamp = entry.get("timestamp")
    if (
        type(stamp) is str
        and len(stamp) == 24
        and stamp[23] == "Z"
        and stamp[10] == "T"
        and stamp[19] == "."
        and stamp[20:23] != "000"
    ):
        _from_isoformat(stamp)  # validates; Google's own text already is canonical
        return stamp
    millis = entry.get("timestampMs")
    if millis is not None:
        return from_millis(millis)
    if stamp is not None:
        return from_iso(stamp)
    raise BadItem("no timestampMs or timestamp")


def _top_activity(value: object) -> tuple[str, object] | None:
    """The most confident type of the first activity reading attached to the fix."""
    if not isinstance(value, list) or not value or not isinstance(value[0], dict):
        return None
    guesses = value[0].get("activity")
    best: tuple[str, object] | None = None
    best_score = float("-inf")
    for guess in guesses if isinstance(guesses, list) else ():
        if isinstance(guess, dict) and isinstance(guess.get("type"), str):
            confidence = guess.get("confidence")
            if not isinstance(confidence, int | float) or isinstance(confidence, bool):
                confidence = None
            score = -1.0 if confidence is None else float(confidence)
            if score > best_score:
                best, best_score = (guess["type"], confidence), score
    return best


def _extras(entry: dict[str, Any], record: Record) -> None:
    for key, value in entry.items():
        name = _NUMBERS.get(key)
        if name is not None:
            if type(value) is int or type(value) is float:
                record[name] = value
            continue
        name = _SCALARS.get(key)
        if name is not None:
            if type(value) in _SCALAR_TYPES and value != "":
                record[name] = value
        elif key == "source":
            if type(value) is str and value:
                record["source"] = value.lower()  # both WIFI and wifi are seen
        elif key == "activity":
            _put_activity(record, value)


def _put_activity(record: Record, value: object) -> None:
    top = _top_activity(value)
    if top is not None:
        record["activity"] = top[0]
        if top[1] is not None:
            record["activity_confidence"] = top[1]


def point(entry: object) -> Record:
    """One ``locations[]`` entry as a ``location.point`` record."""
    if type(entry) is not dict:
        raise BadItem("an entry is not an object")
    lat, lon = _coordinates(entry)
    record: Record = {"time": _time(entry), "lat": lat, "lon": lon}
    _extras(entry, record)
    return record


class LocationRecords:
    """``Records.json`` / ``Location History.json`` (any language's file name)."""

    format = "google.location_records"
    version = "1"

    def sniff(self, source: SourceFile) -> bool:
        shape = shape_of(source)
        if shape.root != "map" or "locations" not in shape.top:
            return False
        return shape.has("locations.item", *_ENTRY_KEYS) or "locations" in shape.empty

    def parse(self, source: SourceFile) -> Iterator[ParseEvent]:
        yield from each_entry(source, "locations", lambda entry, _where: [Emit(KIND, point(entry))])


IMPORTERS = (LocationRecords(),)
