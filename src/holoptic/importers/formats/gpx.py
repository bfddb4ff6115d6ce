"""GPX 1.0 and 1.1 tracks (GPS loggers, Garmin, Strava, Runkeeper exports).

Streamed with lxml rather than gpxpy: gpxpy builds the whole document in memory and has
no hook to refuse entity declarations before parsing, while a phone logger's GPX grows
with every day it runs. Streaming also lets the same safe-XML path (``_xml``) serve every
XML format. Elements are matched by local name, so files without a namespace, with the
1.0 or the 1.1 namespace, and with any extension prefix read alike.

- ``trk/trkseg/trkpt`` → ``location.track`` ``{time, lat, lon, ele?, hr?, cad?, atemp?,
  speed?, power?, accuracy?, track?}``; heart rate, cadence and temperature come from
  Garmin's TrackPointExtension v1/v2 (or any extension element with those local names),
  speed from GPX 1.0's ``<speed>`` or the v2 extension.
- ``wpt`` with a time → ``location.point`` (a position marked at a moment).
- A point without ``<time>`` is rejected: it cannot be placed in a day. GPX times are UTC
  by the schema, so a time without an offset is read as UTC.
- ``rte`` (a planned route, not where the person went) is reported as rejected, whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from holoptic.importers.formats._times import utc_text
from holoptic.importers.formats._xml import (
    iterparse,
    local_name,
    number,
    open_safe,
    release,
    root_name,
)
from holoptic.importers.model import Emit, ParseEvent, Record, Rejected, SourceFile

if TYPE_CHECKING:  # lxml is loaded when a file is parsed (_xml.iterparse)
    from lxml import etree

PRIORITY = 50
GPS_EPOCH = datetime(1980, 1, 6, tzinfo=UTC)
_TAGS = ("{*}trkpt", "{*}wpt", "{*}rte", "{*}trk")
# Extension element local names → record fields (Garmin TrackPointExtension v1/v2 and kin).
_EXTENSIONS = {
    "hr": "hr",
    "heartrate": "hr",
    "cad": "cad",
    "cadence": "cad",
    "atemp": "atemp",
    "temp": "atemp",
    "speed": "speed",
    "power": "power",
    "accuracy": "accuracy",
}


def gpx_time(text: str | None) -> datetime | None:
    """A GPX ``<time>`` (UTC when it has no offset, as the schema says), or ``None``."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    except ValueError:
        return None


def _when(moment: datetime | None) -> tuple[str | None, str]:
    """The point's UTC time, or why it has none we can use."""
    if moment is None:
        return None, "without a <time>: it cannot be placed in a day"
    try:
        if moment < GPS_EPOCH:
            return None, f"dated {moment.year}, before GPS existed: a placeholder, not a time"
        return utc_text(moment), ""
    except (OverflowError, ValueError):
        return None, "with an impossible <time>"


def _position(element: etree._Element) -> tuple[float, float] | None:
    lat, lon = number(element.get("lat")), number(element.get("lon"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return float(lat), float(lon)


def _details(element: etree._Element) -> tuple[datetime | None, Record]:
    """The point's time and its optional measurements."""
    time: datetime | None = None
    fields: Record = {}
    for child in element:
        name = local_name(child.tag)
        if name == "time":
            time = gpx_time(child.text)
        elif name == "ele" or name == "speed":
            value = number(child.text)
            if value is not None:
                fields[name] = value
        elif name == "name" and child.text and child.text.strip():
            fields["name"] = child.text.strip()
        elif name == "extensions":
            for node in child.iter():
                key = _EXTENSIONS.get(local_name(node.tag))
                value = number(node.text) if key else None
                if key and value is not None:
                    fields.setdefault(key, value)
    return time, fields


class _Reader:
    def __init__(self, name: str) -> None:
        self.name = name
        self.track: etree._Element | None = None
        self.track_name: str | None = None
        self.routes = 0

    def event(self, element: etree._Element) -> ParseEvent | None:
        tag = local_name(element.tag)
        if tag == "trkpt":
            return self._track_point(element)
        if tag == "wpt":
            return self._waypoint(element)
        if tag == "rte":
            self.routes += 1
            points = sum(1 for child in element if local_name(child.tag) == "rtept")
            return Rejected(
                f"line {element.sourceline}: route {self.routes}",
                f"a route is a planned path, not positions you were at ({points} points "
                "not imported)",
            )
        self.track = None  # </trk>
        return None

    def _name_of(self, track: etree._Element | None) -> str | None:
        if track is None:
            return None
        if track is not self.track:
            found = track.find("{*}name")
            text = found.text if found is not None else None
            self.track, self.track_name = track, (text.strip() if text else None) or None
        return self.track_name

    def _track_point(self, element: etree._Element) -> ParseEvent:
        record = _fix(element, "track point")
        if isinstance(record, Rejected):
            return record
        record.pop("name", None)
        segment = element.getparent()
        track = self._name_of(segment.getparent() if segment is not None else None)
        if track:
            record["track"] = track
        return Emit("location.track", record)

    def _waypoint(self, element: etree._Element) -> ParseEvent:
        record = _fix(element, "waypoint")
        return record if isinstance(record, Rejected) else Emit("location.point", record)


def _fix(element: etree._Element, what: str) -> Record | Rejected:
    """A point's ``{time, lat, lon, …measurements}``, or why it cannot be placed."""
    where = f"line {element.sourceline}"
    position = _position(element)
    if position is None:
        return Rejected(where, f"{what} without a valid lat/lon")
    moment, fields = _details(element)
    time, problem = _when(moment)
    if time is None:
        return Rejected(where, f"{what} {problem}")
    return {"time": time, "lat": position[0], "lon": position[1], **fields}


class GpxImporter:
    format = "gpx"
    version = "1"

    def sniff(self, source: SourceFile) -> bool:
        return root_name(source.head()) == "gpx"

    def parse(self, source: SourceFile) -> Iterator[ParseEvent]:
        reader = _Reader(source.name)
        for _, element in iterparse(open_safe(source), source.name, tag=_TAGS):
            event = reader.event(element)
            if event is not None:
                yield event
            release(element)


IMPORTERS = (GpxImporter(),)
