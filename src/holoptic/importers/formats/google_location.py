"""Google Location History ``Records.json`` and the older ``Location History.json``.

Both are ``{"locations": [...]}``: one entry per fix, with E7 coordinates and either
``timestampMs`` (epoch milliseconds, old exports) or ``timestamp`` (ISO, newer ones). Each
entry becomes one ``location.point``. The file reaches hundreds of megabytes, so entries
are streamed one by one and this loop is kept lean: it is the hot path of a Takeout import.

The import service does not store ``parse``'s records but each entry's canonical line
(``line``), which a fast lane writes directly for the usual entries: see ``_lane``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from json.encoder import encode_basestring
from typing import Any

from holoptic.importers.formats._google_common import (
    BadItem,
    e7,
    from_iso,
    from_millis,
)
from holoptic.importers.formats._google_json import each_entry, shape_of
from holoptic.importers.model import Emit, ParseEvent, Record, SourceFile
from holoptic.vault.records import canonical, parse_time

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
    kind = KIND
    array = "locations"

    def sniff(self, source: SourceFile) -> bool:
        shape = shape_of(source)
        if shape.root != "map" or "locations" not in shape.top:
            return False
        return shape.has("locations.item", *_ENTRY_KEYS) or "locations" in shape.empty

    def parse(self, source: SourceFile) -> Iterator[ParseEvent]:
        yield from each_entry(source, "locations", lambda entry, _where: [Emit(KIND, point(entry))])

    def line(self, entry: object) -> tuple[str, str]:
        """``canonical(point(entry))`` and the point's time as sortable UTC text.

        The time is ``…SS.mmmZ`` (24 characters), or ``…SS.ffffffZ`` (27) when it has
        microseconds: within each length, text order is time order.
        """
        try:  # the lane last used for entries with as many keys: another shape fails it
            found = _BY_SIZE[len(entry)](entry)  # type: ignore[arg-type] # unsized: TypeError
        except _ODD:
            found = None
        return found if found is not None else _by_shape(entry)


def _by_shape(entry: object) -> tuple[str, str]:
    if type(entry) is dict:
        shape = tuple(entry)
        lane: FastLane | None = _LANES.get(shape, _UNSEEN)
        if lane is _UNSEEN:
            lane = _lane(shape)
        if lane is not None:
            _BY_SIZE[len(shape)] = lane
            try:
                found = lane(entry)
            except _ODD:
                found = None  # an odd value: the ordinary path says what is wrong
            if found is not None:
                return found
    record = point(entry)
    moment = parse_time(record["time"]).replace(tzinfo=None)
    spec = "milliseconds" if moment.microsecond % 1000 == 0 else "microseconds"
    return canonical(record), moment.isoformat(timespec=spec) + "Z"


# --- the fast lane ----------------------------------------------------------------------
# One small function per shape of entry (its keys, in order), generated when the shape is
# first met: it writes the line ``canonical(point(entry))`` would, keys in sorted order,
# for the values it expects, and returns None (or raises) for anything else: another
# shape, a value that ``point`` would drop, coerce or refuse, a time not in Google's usual
# form. That entry then takes the ordinary path. Only the known key names of ``_RULES``
# go into the generated code, never file content (other keys are checked through
# ``_KEYS``, a value of its scope). tests/importers/test_google_location_lines.py holds
# both paths to the same bytes.

FastLane = Callable[[object], tuple[str, str] | None]
_UNSEEN: Any = object()
_ODD = (KeyError, TypeError, ValueError, OverflowError, AttributeError)
_BY_SIZE: dict[int, FastLane] = {}
_READ = ("latitudeE7", "longitudeE7", "timestamp")
_LANES: dict[tuple[str, ...], FastLane | None] = {}
_MAX_LANES = 256  # a hostile file cannot make us compile without end
_RULES = {
    **{key: (name, "number") for key, name in _NUMBERS.items()},
    **{key: (name, "scalar") for key, name in _SCALARS.items()},
    "source": ("source", "source"),
    "activity": ("activity", "activity"),
}
_CHECKS = {
    "number": """    if type({v}) is not int and (type({v}) is not float or not -_INF < {v} < _INF):
        return None""",
    "scalar": """    if type({v}) is int: {t} = _int({v})
    elif type({v}) is str and {v}: {t} = _enc({v})
    else:
        {t} = _scalar({v})
        if {t} is None: return None""",
    "source": """    if type({v}) is not str or not {v}: return None
    {t} = _enc({v}.lower())""",
    "activity": """    {t} = _activity({v})
    if {t} is None: return None""",
}
_HEAD = f"""def lane(e):
    if {{same}}: return None
    lat, lon, ts = e["latitudeE7"], e["longitudeE7"], e["timestamp"]
    if type(lat) is not int or type(lon) is not int: return None
    if not (-{_LAT_LIMIT} <= lat <= {_LAT_LIMIT} and -{_LON_LIMIT} <= lon <= {_LON_LIMIT}):
        return None
    if not (lat % 10000000 and lon % 10000000): return None  # whole degrees: see _lane
    if len(ts) != 24 or ts[4:11:3] != "--T" or ts[19:24:4] != ".Z" or ts[20:23] == "000":
        return None
    _check(ts)"""  # Google's YYYY-MM-DDTHH:MM:SS.mmmZ, kept as it is (see _time); not a str: raises


def _lane(shape: tuple[str, ...]) -> FastLane | None:
    """The fast lane for entries of this shape, compiled once (None: no fast lane)."""
    lane = None
    if set(_READ) <= set(shape):
        known = all(key in _RULES or key in _READ for key in shape)  # all read: len suffices
        body = [_HEAD.format(same=f"len(e) != {len(shape)}" if known else "e.keys() != _KEYS")]
        # The vault's encoder writes int.__repr__ and float.__repr__ (%r). For E7 / 1e7,
        # at most ten significant digits, %.10g writes the same digits, faster, but for a
        # whole number of degrees (48 for 48.0), which the head leaves to the other path.
        parts = [("lat", '"lat":%.10g', "lat / 1e7"), ("lon", '"lon":%.10g', "lon / 1e7")]
        parts.append(("time", '"time":"%s"', "ts"))
        for number, key in enumerate(k for k in shape if k in _RULES):
            name, rule = _RULES[key]
            value, text = f"v{number}", f"t{number}"
            body += [f"    {value} = e[{key!r}]", _CHECKS[rule].format(v=value, t=text)]
            shown = ("%r", value) if rule == "number" else ("%s", text)
            label = "" if rule == "activity" else f'"{name}":'
            parts.append((name, label + shown[0], shown[1]))
        parts.sort()
        template = "{" + ",".join(part for _name, part, _arg in parts) + "}"
        body.append(f"    return _T % ({', '.join(arg for _n, _p, arg in parts)}), ts")
        scope = {**_LANE_SCOPE, "_KEYS": frozenset(shape), "_T": template}
        exec("\n".join(body), scope)  # noqa: S102 - built from the fixed rules above only
        lane = scope["lane"]
    if len(_LANES) < _MAX_LANES:
        _LANES[shape] = lane
    return lane


def _scalar(value: object) -> str | None:
    if type(value) is bool:
        return "true" if value else "false"
    if type(value) is float and -_INF < value < _INF:
        return float.__repr__(value)
    return None


def _activity(value: object) -> str | None:
    """``"activity":…`` and ``"activity_confidence":…`` (adjacent in key order), or None."""
    top = _top_activity(value)
    if top is None:
        return None
    kind, confidence = top
    text = '"activity":' + encode_basestring(kind)
    if confidence is None:
        return text
    if type(confidence) is int or (type(confidence) is float and -_INF < confidence < _INF):
        return f'{text},"activity_confidence":{confidence!r}'
    return None


_INF = float("inf")
_LANE_SCOPE: dict[str, Any] = {
    "_int": int.__repr__,
    "_enc": encode_basestring,
    "_check": datetime.fromisoformat,
    "_scalar": _scalar,
    "_activity": _activity,
    "_INF": _INF,
}


IMPORTERS = (LocationRecords(),)
