"""Google's on-device Timeline export (2024+, once Takeout stopped carrying it).

Android writes ``Timeline.json`` (localised: ``Zeitachse.json``…), an object with
``semanticSegments`` and ``rawSignals``; iOS writes ``location-history.json``, a top-level
array of segments whose every value is a string. Segments hold a ``visit``
(→ ``location.visit``), an ``activity`` (→ ``location.activity``) or a ``timelinePath``
(→ ``location.point``); raw ``position`` signals become ``location.point`` too.
Coordinates come as ``"48.85°, 2.35°"``, ``"geo:48.85,2.35"`` or E7 keys, under
``latLng``, ``LatLng`` (capital L in raw signals) or ``placeLocation``: all are read.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import ijson

from holoptic.importers.formats._google_common import (
    ITEM_ERRORS,
    BadItem,
    from_iso,
    lat_lng,
    number,
    offset_minutes,
    parse_iso,
    put,
    reason,
    text,
)
from holoptic.importers.formats._google_json import (
    GuardedReader,
    each_entry,
    guarded,
    json_events,
    shape_of,
)
from holoptic.importers.formats._times import utc_text
from holoptic.importers.model import Emit, ParseEvent, Record, Rejected, SourceFile

_SEGMENT_KEYS = ("visit", "activity", "timelinePath", "timelineMemory")
_ANDROID_ARRAYS = ("semanticSegments", "rawSignals")


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _activity_type(value: object) -> str | None:
    """``IN_PASSENGER_VEHICLE`` (Android) and ``in passenger vehicle`` (iOS) read alike."""
    return value.strip().upper().replace(" ", "_") if isinstance(value, str) else None


def _put_pair(record: Record, value: object, lat: str = "lat", lon: str = "lon") -> None:
    pair = lat_lng(value)
    if pair is not None:
        record[lat], record[lon] = pair


def _base(segment: dict[str, Any]) -> Record:
    if "startTime" not in segment:
        raise BadItem("no startTime")
    record: Record = {"time": from_iso(segment["startTime"])}
    if segment.get("endTime") is not None:
        record["end"] = from_iso(segment["endTime"])
    offset = number(segment.get("startTimeTimezoneUtcOffsetMinutes"))
    if offset is None:
        offset = offset_minutes(segment["startTime"])
    if offset:
        record["utc_offset"] = int(offset)
    return record


def visit(segment: dict[str, Any]) -> Record:
    """A segment's ``visit`` as a ``location.visit`` record."""
    record = _base(segment)
    node = _dict(segment["visit"])
    top = _dict(node.get("topCandidate"))
    _put_pair(record, top.get("placeLocation"))
    put(record, "place_id", text(top.get("placeId")) or text(top.get("placeID")))
    put(record, "semantic_type", text(top.get("semanticType")))
    put(record, "probability", number(top.get("probability")))
    put(record, "visit_probability", number(node.get("probability")))
    put(record, "level", number(node.get("hierarchyLevel")))
    return record


def activity(segment: dict[str, Any]) -> Record:
    """A segment's ``activity`` as a ``location.activity`` record."""
    record = _base(segment)
    node = _dict(segment["activity"])
    top = _dict(node.get("topCandidate"))
    _put_pair(record, node.get("start"), "start_lat", "start_lon")
    _put_pair(record, node.get("end"), "end_lat", "end_lon")
    put(record, "distance", number(node.get("distanceMeters")))
    put(record, "type", _activity_type(top.get("type")))
    put(record, "probability", number(top.get("probability")))
    put(record, "activity_probability", number(node.get("probability")))
    return record


def path_point(point: object, segment: dict[str, Any]) -> Record:
    """One ``timelinePath`` point: its own ``time`` (Android) or minutes after the start (iOS)."""
    if not isinstance(point, dict):
        raise BadItem("a path point is not an object")
    pair = lat_lng(point.get("point"))
    if pair is None:
        raise BadItem("a path point has no coordinates")
    if point.get("time") is not None:
        when = from_iso(point["time"])
    else:
        minutes = number(point.get("durationMinutesOffsetFromStartTime"))
        if minutes is None:
            raise BadItem("a path point has no time")
        when = utc_text(parse_iso(segment.get("startTime")) + timedelta(minutes=minutes))
    return {"time": when, "lat": pair[0], "lon": pair[1]}


def segment_events(item: object, where: str) -> list[ParseEvent]:
    """Everything one segment holds; a bad path point is skipped on its own."""
    if not isinstance(item, dict):
        raise BadItem("a segment is not an object")
    events: list[ParseEvent] = []
    if "visit" in item:
        events.append(Emit("location.visit", visit(item)))
    if "activity" in item:
        events.append(Emit("location.activity", activity(item)))
    path = item.get("timelinePath")
    for index, point in enumerate(path if isinstance(path, list) else ()):
        try:
            events.append(Emit("location.point", path_point(point, item)))
        except ITEM_ERRORS as exc:
            events.append(Rejected(f"{where}.timelinePath[{index}]", reason(exc)))
    if not events and not any(key in item for key in _SEGMENT_KEYS):
        raise BadItem("no visit, activity or timelinePath")
    return events


def raw_signal(item: object, where: str) -> list[ParseEvent]:
    """A raw ``position`` signal as a point; Wi-Fi scans and activity guesses are left out."""
    if not isinstance(item, dict):
        raise BadItem("a raw signal is not an object")
    position = item.get("position")
    if not isinstance(position, dict):
        return []
    pair = lat_lng(position.get("LatLng") or position.get("latLng") or position)
    if pair is None:
        raise BadItem("a position has no coordinates")
    record: Record = {"time": from_iso(position.get("timestamp")), "lat": pair[0], "lon": pair[1]}
    put(record, "accuracy", number(position.get("accuracyMeters")))
    put(record, "ele", number(position.get("altitudeMeters")))
    put(record, "speed", number(position.get("speedMetersPerSecond")))
    source = text(position.get("source"))
    put(record, "source", source.lower() if source else None)
    return [Emit("location.point", record)]


def array_items(
    reader: GuardedReader, events: Iterator[Any], arrays: tuple[str, ...]
) -> Iterator[tuple[str, int, object]]:
    """The entries of several top-level arrays in one pass: ``(array, index, entry)``."""
    wanted = {f"{name}.item": name for name in arrays}
    counts = dict.fromkeys(arrays, 0)
    for prefix, event, value in events:
        name = wanted.get(prefix)
        if name is None or event in ("end_map", "end_array"):
            reader.mark()
            continue
        if event in ("start_map", "start_array"):
            value = _build(event, events)
        yield name, counts[name], value
        counts[name] += 1
        reader.mark()


def _build(first: str, events: Iterator[Any]) -> object:
    builder = ijson.ObjectBuilder()
    builder.event(first, None)
    depth = 1
    for _prefix, event, value in events:
        builder.event(event, value)
        if event in ("start_map", "start_array"):
            depth += 1
        elif event in ("end_map", "end_array"):
            depth -= 1
            if depth == 0:
                break
    return builder.value


class AndroidTimeline:
    """``Timeline.json`` exported from Google Maps on Android."""

    format = "google.timeline"
    version = "1"

    def sniff(self, source: SourceFile) -> bool:
        shape = shape_of(source)
        return shape.root == "map" and any(name in shape.top for name in _ANDROID_ARRAYS)

    def parse(self, source: SourceFile) -> Iterator[ParseEvent]:
        with json_events(source) as (reader, events):
            for name, index, item in array_items(reader, events, _ANDROID_ARRAYS):
                parse = segment_events if name == "semanticSegments" else raw_signal
                yield from guarded(parse, item, f"{name}[{index}]")


class IosTimeline:
    """``location-history.json`` from iOS, and segment arrays re-emitted by other tools."""

    format = "google.timeline_ios"
    version = "1"

    def sniff(self, source: SourceFile) -> bool:
        shape = shape_of(source)
        return (
            shape.root == "array"
            and shape.has("item", "startTime")
            and shape.has("item", *_SEGMENT_KEYS)
        )

    def parse(self, source: SourceFile) -> Iterator[ParseEvent]:
        yield from each_entry(source, "", segment_events)


IMPORTERS = (AndroidTimeline(), IosTimeline())
