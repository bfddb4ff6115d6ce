"""Google Semantic Location History: the monthly ``YYYY_MONTH.json`` files of Takeout.

``{"timelineObjects": [...]}``, each object holding one ``placeVisit`` (→ ``location.visit``)
or one ``activitySegment`` (→ ``location.activity``). Times come as epoch milliseconds
(``startTimestampMs``, old) or ISO (``startTimestamp``, 2022+); coordinates as
``latitudeE7``/``longitudeE7`` or ``latE7``/``lngE7`` depending on the object and the year,
so both spellings are read everywhere. The timestamped points of ``simplifiedRawPath``
become ``location.point`` records; child visits become visits of their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from holoptic.importers.formats._google_common import (
    BadItem,
    e7_pair,
    from_iso,
    from_millis,
    number,
    put,
    text,
)
from holoptic.importers.formats._google_json import each_entry, shape_of
from holoptic.importers.model import Emit, ParseEvent, Record, SourceFile

_OBJECT_KEYS = ("placeVisit", "activitySegment")


def stamp(node: dict[str, Any], key: str) -> str | None:
    """``<key>Ms`` (epoch milliseconds) or ``<key>`` (ISO), as canonical UTC text."""
    if node.get(key + "Ms") is not None:
        return from_millis(node[key + "Ms"])
    if node.get(key) is not None:
        return from_iso(node[key])
    return None


def coords(node: object) -> tuple[float, float] | None:
    """Coordinates under either spelling of the E7 keys."""
    return e7_pair(node, "latitudeE7", "longitudeE7") or e7_pair(node, "latE7", "lngE7")


def _put_coords(record: Record, node: object, lat: str = "lat", lon: str = "lon") -> None:
    pair = coords(node)
    if pair is not None:
        record[lat], record[lon] = pair


def _span(segment: dict[str, Any]) -> tuple[str, str | None]:
    duration = segment.get("duration")
    if not isinstance(duration, dict):
        raise BadItem("no duration")
    start = stamp(duration, "startTimestamp")
    if start is None:
        raise BadItem("no start time")
    return start, stamp(duration, "endTimestamp")


def _candidate(node: object) -> Record | None:
    if not isinstance(node, dict):
        return None
    candidate: Record = {}
    _put_coords(candidate, node)
    put(candidate, "place_id", text(node.get("placeId")))
    put(candidate, "name", text(node.get("name")))
    put(candidate, "semantic_type", text(node.get("semanticType")))
    put(candidate, "confidence", number(node.get("locationConfidence")))
    return candidate or None


def visit(place: dict[str, Any], parent: str | None = None) -> Record:
    """A ``placeVisit`` as a ``location.visit`` record."""
    start, end = _span(place)
    record: Record = {"time": start}
    put(record, "end", end)
    location = place.get("location")
    if not isinstance(location, dict):
        location = {}
    _put_coords(record, location)
    if "lat" not in record:
        pair = e7_pair(place, "centerLatE7", "centerLngE7")
        if pair is not None:
            record["lat"], record["lon"] = pair
    put(record, "place_id", text(location.get("placeId")))
    put(record, "name", text(location.get("name")))
    put(record, "address", text(location.get("address")))
    put(record, "semantic_type", text(location.get("semanticType")))
    put(record, "location_confidence", number(location.get("locationConfidence")))
    source = location.get("sourceInfo")
    put(record, "device", source.get("deviceTag") if isinstance(source, dict) else None)
    put(record, "confidence", text(place.get("placeConfidence")))
    put(record, "visit_confidence", number(place.get("visitConfidence")))
    put(record, "importance", text(place.get("placeVisitImportance")))
    put(record, "edit_status", text(place.get("editConfirmationStatus")))
    put(record, "parent_place_id", parent)
    others = place.get("otherCandidateLocations")
    if isinstance(others, list):
        put(record, "candidates", [c for c in map(_candidate, others) if c is not None])
    return record


def _waypoints(segment: dict[str, Any]) -> list[list[float]]:
    path = segment.get("waypointPath")
    points = path.get("waypoints") if isinstance(path, dict) else None
    kept: list[list[float]] = []
    for point in points if isinstance(points, list) else ():
        pair = coords(point)
        if pair is not None:
            kept.append([pair[0], pair[1]])
    return kept


def activity(segment: dict[str, Any]) -> Record:
    """An ``activitySegment`` as a ``location.activity`` record."""
    start, end = _span(segment)
    record: Record = {"time": start}
    put(record, "end", end)
    _put_coords(record, segment.get("startLocation"), "start_lat", "start_lon")
    _put_coords(record, segment.get("endLocation"), "end_lat", "end_lon")
    put(record, "type", text(segment.get("activityType")))
    put(record, "confidence", text(segment.get("confidence")))
    put(record, "distance", number(segment.get("distance")))
    guesses = segment.get("activities")
    if isinstance(guesses, list) and guesses and isinstance(guesses[0], dict):
        put(record, "probability", number(guesses[0].get("probability")))
    put(record, "waypoints", _waypoints(segment))
    transit = segment.get("transitPath")
    if isinstance(transit, dict):
        put(record, "transit_line", text(transit.get("name")))
        stops = transit.get("transitStops")
        if isinstance(stops, list):
            names = [s.get("name") for s in stops if isinstance(s, dict)]
            put(record, "transit_stops", [n for n in names if isinstance(n, str)])
    return record


def raw_points(segment: dict[str, Any]) -> Iterator[Record]:
    """The timestamped fixes of a ``simplifiedRawPath``, as ``location.point`` records."""
    path = segment.get("simplifiedRawPath")
    points = path.get("points") if isinstance(path, dict) else None
    for point in points if isinstance(points, list) else ():
        pair = coords(point)
        when = stamp(point, "timestamp") if isinstance(point, dict) else None
        if pair is None or when is None:
            continue
        record: Record = {"time": when, "lat": pair[0], "lon": pair[1]}
        put(record, "accuracy", number(point.get("accuracyMeters")))
        yield record


def _place(place: dict[str, Any], parent: str | None = None) -> Iterator[Emit]:
    record = visit(place, parent)
    yield Emit("location.visit", record)
    for point in raw_points(place):
        yield Emit("location.point", point)
    children = place.get("childVisits")
    for child in children if isinstance(children, list) else ():
        if isinstance(child, dict):
            yield from _place(child, record.get("place_id"))


def timeline_object(item: object) -> list[Emit]:
    """Everything one ``timelineObjects[]`` entry holds (built fully before anything is kept)."""
    if not isinstance(item, dict):
        raise BadItem("an entry is not an object")
    if isinstance(item.get("placeVisit"), dict):
        return list(_place(item["placeVisit"]))
    segment = item.get("activitySegment")
    if isinstance(segment, dict):
        emits = [Emit("location.activity", activity(segment))]
        return emits + [Emit("location.point", point) for point in raw_points(segment)]
    raise BadItem("neither a placeVisit nor an activitySegment")


class SemanticLocationHistory:
    """Monthly Semantic Location History files (any language's folder names)."""

    format = "google.semantic_location"
    version = "1"

    def sniff(self, source: SourceFile) -> bool:
        shape = shape_of(source)
        return (
            shape.root == "map"
            and "timelineObjects" in shape.top
            and (
                shape.has("timelineObjects.item", *_OBJECT_KEYS) or "timelineObjects" in shape.empty
            )
        )

    def parse(self, source: SourceFile) -> Iterator[ParseEvent]:
        yield from each_entry(source, "timelineObjects", lambda item, _where: timeline_object(item))


IMPORTERS = (SemanticLocationHistory(),)
