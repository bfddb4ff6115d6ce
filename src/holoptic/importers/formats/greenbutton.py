"""Green Button (NAESB ESPI) "Download My Data" and "Connect My Data" Atom feeds.

An ESPI feed is a list of Atom entries whose content is a UsagePoint (the meter, with its
service kind), a MeterReading, a ReadingType (unit, power-of-ten multiplier, currency…)
or IntervalBlocks of IntervalReadings. Entries refer to each other only through their
Atom ``link`` hrefs, and the ReadingType may come after the blocks that need it, so the
file is read twice, each time streamed: the first pass keeps the small entries (and
their links), the second emits one ``energy.interval`` per IntervalReading:

``{time, end?, value, uom?, service?, cost?, currency?, quality?, meter?, reading_type?}``

``value`` is the reading × 10^powerOfTenMultiplier, computed in decimal: an ``int`` when
the result is whole, else the nearest ``float`` (correctly rounded from the exact
decimal). ``cost`` is in hundred-thousandths of the currency in ESPI and is emitted in
currency units the same way. A record without ``uom`` comes from a feed whose ReadingType
is missing or empty: its value is the raw reading, unit and scale unknown.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from holoptic.importers.formats import _espi
from holoptic.importers.formats._times import utc_text as _utc
from holoptic.importers.formats._xml import iterparse, local_name, open_safe, release, root_name
from holoptic.importers.model import Emit, ParseEvent, Record, Rejected, SourceFile

if TYPE_CHECKING:  # lxml is loaded when a file is parsed (_xml.iterparse)
    from lxml import etree

PRIORITY = 50
_TAGS = ("{*}entry", "{*}IntervalReading")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class _Context:
    """What an IntervalReading needs from its ReadingType and UsagePoint."""

    uom: str | None = None
    multiplier: int = 0
    currency: str | None = None
    service: str | None = None
    meter: str | None = None
    reading_type: dict[str, str | int] = field(default_factory=dict)


@dataclass(slots=True)
class _Entry:
    index: int
    self_href: str = ""
    up: str = ""
    related: list[str] = field(default_factory=list)
    title: str | None = None
    kind: str = ""
    service: str | None = None
    reading_type: dict[str, str] | None = None


def _entry(element: etree._Element, index: int) -> _Entry:
    entry = _Entry(index)
    for child in element:
        name = local_name(child.tag)
        if name == "link":
            rel, href = child.get("rel"), _espi.href(child.get("href"))
            if rel == "self":
                entry.self_href = href
            elif rel == "up":
                entry.up = href
            elif rel == "related" and href:
                entry.related.append(href)
        elif name == "title" and child.text and child.text.strip():
            entry.title = child.text.strip()
        elif name == "content":
            _content(entry, child)
    return entry


def _content(entry: _Entry, content: etree._Element) -> None:
    resource = next((node for node in content if isinstance(node.tag, str)), None)
    if resource is None:
        return
    entry.kind = local_name(resource.tag)
    if entry.kind == "UsagePoint":
        kind = resource.find("{*}ServiceCategory/{*}kind")
        entry.service = _espi.service(kind.text if kind is not None else None)
    elif entry.kind == "ReadingType":
        entry.reading_type = _fields(resource)
    elif entry.kind == "MeterReading":
        nested = resource.find("{*}ReadingType")  # Connect-My-Data feeds nest it
        if nested is not None:
            entry.reading_type = _fields(nested)


def _fields(element: etree._Element) -> dict[str, str]:
    return {
        local_name(node.tag): node.text.strip()
        for node in element
        if isinstance(node.tag, str) and node.text and node.text.strip()
    }


class _Links:
    """Resolves each IntervalBlock entry to its ReadingType and UsagePoint, as hrefs say."""

    def __init__(self, entries: list[_Entry]) -> None:
        self.entries = entries
        self.points = [e for e in entries if e.kind == "UsagePoint"]
        self.readings = [e for e in entries if e.kind == "MeterReading"]
        self.types = [e for e in entries if e.kind == "ReadingType"]

    def contexts(self) -> dict[int, _Context]:
        found = {e.index: self._context(e) for e in self.entries if e.kind == "IntervalBlock"}
        found[0] = self._context(None)  # readings outside any entry
        return found

    def _context(self, block: _Entry | None) -> _Context:
        reading = self._reading_of(block)
        fields = self._type_of(reading)
        point = self._point_of(reading)
        service = point.service if point else None
        meter = _espi.meter_name(point.title, point.self_href) if point else None
        scale = _espi.multiplier(fields or {})
        if fields is None or scale is None:  # unit and scale unknown: raw values
            return _Context(service=service, meter=meter)
        return _Context(
            _espi.unit(fields),
            scale,
            _espi.currency(fields),
            service,
            meter,
            _espi.details(fields),
        )

    def _reading_of(self, block: _Entry | None) -> _Entry | None:
        if block is not None:
            for reading in self.readings:
                if _espi.linked(reading.related, (block.up, block.self_href)):
                    return reading
            for reading in self.readings:
                if _espi.under(reading.self_href, (block.up, block.self_href)):
                    return reading
        return self.readings[0] if len(self.readings) == 1 else None

    def _type_of(self, reading: _Entry | None) -> dict[str, str] | None:
        if reading is not None and reading.reading_type is not None:
            return reading.reading_type
        if reading is not None:
            for kind in self.types:
                if _espi.linked(reading.related, (kind.self_href,)):
                    return kind.reading_type
        return self.types[0].reading_type if len(self.types) == 1 else None

    def _point_of(self, reading: _Entry | None) -> _Entry | None:
        if reading is not None:
            for point in self.points:
                if _espi.linked(point.related, (reading.up, reading.self_href)):
                    return point
            for point in self.points:
                if _espi.under(point.self_href, (reading.self_href,)):
                    return point
        return self.points[0] if len(self.points) == 1 else None


def _decimal(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() and abs(value.adjusted()) <= 30 else None


def _plain(value: Decimal) -> int | float:
    """Whole decimals as ints, others as the nearest float."""
    return int(value) if value == value.to_integral_value() else float(value)


def _moment(seconds: Decimal) -> datetime:
    whole = int(seconds)
    micro = int((seconds - whole) * 1_000_000)
    return _EPOCH + timedelta(seconds=whole, microseconds=micro)


def _reading(element: etree._Element, context: _Context) -> ParseEvent:
    parts: dict[str, str | None] = {}
    for child in element:
        name = local_name(child.tag)
        if name == "timePeriod":
            for node in child:
                parts[local_name(node.tag)] = node.text
        elif name == "ReadingQuality":
            parts["quality"] = child.findtext("{*}quality")
        elif name in ("value", "cost"):
            parts[name] = child.text
    where = f"line {element.sourceline}"
    start, value = _decimal(parts.get("start")), _decimal(parts.get("value"))
    if start is None or value is None:
        return Rejected(where, "IntervalReading without a readable start time and value")
    try:
        record: Record = {"time": _utc(_moment(start))}
        duration = _decimal(parts.get("duration"))
        if duration is not None and duration > 0:
            record["end"] = _utc(_moment(start + duration))
    except (OverflowError, ValueError):
        return Rejected(where, "IntervalReading with an impossible start time or duration")
    record["value"] = _plain(value.scaleb(context.multiplier))
    _describe(record, context, _decimal(parts.get("cost")), parts.get("quality"))
    return Emit("energy.interval", record)


def _describe(record: Record, context: _Context, cost: Decimal | None, quality: str | None) -> None:
    """The optional fields, in a stable order, only when the file gives them."""
    optional: Record = {
        "uom": context.uom,
        "service": context.service,
        "cost": None if cost is None else _plain(cost.scaleb(-5)),
        "currency": context.currency if cost is not None else None,
        "quality": _espi.named(_espi.QUALITY, quality),
        "meter": context.meter,
        "reading_type": context.reading_type or None,
    }
    record.update((key, value) for key, value in optional.items() if value is not None)


class GreenButtonImporter:
    format = "greenbutton"
    version = "1"

    def sniff(self, source: SourceFile) -> bool:
        head = source.head()
        return root_name(head) in ("feed", "entry") and b"naesb.org/espi" in head

    def parse(self, source: SourceFile) -> Iterator[ParseEvent]:
        contexts = _Links(list(self._entries(source))).contexts()
        index = 0
        stream = open_safe(source)
        for event, element in iterparse(stream, source.name, ("start", "end"), _TAGS):
            if local_name(element.tag) == "entry":
                if event == "start":
                    index += 1
                else:
                    release(element)
            elif event == "end":
                yield _reading(element, contexts.get(index, contexts[0]))
                release(element)

    def _entries(self, source: SourceFile) -> Iterator[_Entry]:
        index = 0
        for _, element in iterparse(open_safe(source), source.name, tag=_TAGS):
            if local_name(element.tag) == "entry":
                index += 1
                yield _entry(element, index)
            release(element)


IMPORTERS = (GreenButtonImporter(),)
