"""Apple Health ``export.xml`` (any language's file name: detected by its root element).

Exports reach gigabytes, so the file is streamed with lxml and each top-level element is
freed as soon as it is read: memory stays flat. Apple's internal DTD (every export has
one, and the one of export version 12 is broken: its VisionPrescription ATTLIST is never
closed) is blanked before parsing by ``_xml.open_safe``, which still refuses entity
declarations and external DTDs. Stray control characters (``\\x0b`` in older exports)
are replaced by spaces. Dates such as ``2016-04-15 07:27:26 +0100`` become UTC ISO 8601.

- ``Record`` → ``health.record`` ``{time, end?, type, value?, unit?, source?, metadata?}``;
  ``end`` only when it differs from ``time``; numeric values as numbers, category values
  (``HKCategoryValueSleepAnalysisAsleep``…) as strings.
- ``Workout`` → ``health.workout`` ``{time, end?, activity, duration?, duration_unit?,
  distance?, distance_unit?, energy?, energy_unit?, source?, statistics?, route?,
  metadata?}``; version 14 moved totals into ``WorkoutStatistics``: those become
  ``statistics`` (by type) and fill ``distance``/``energy`` when the attributes are gone.
- ``ActivitySummary`` (a calendar day's rings, with no time zone) → ``health.record`` of
  type ``ActivitySummary`` at 00:00 UTC of that day, with ``date`` and Apple's values.
- Skipped: ``Correlation`` (its records are repeated at the top level), ``Me`` and
  ``ExportDate``. Other elements (``ClinicalRecord``, ``Audiogram``,
  ``VisionPrescription``…) are reported as rejected, one line per element name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING

from holoptic.importers.formats._times import utc_text as _utc
from holoptic.importers.formats._xml import iterparse, number, open_safe, release, root_name
from holoptic.importers.model import Emit, ParseEvent, Record, Rejected, SourceFile

if TYPE_CHECKING:  # lxml is loaded when a file is parsed (_xml.iterparse)
    from lxml import etree

PRIORITY = 50
_SILENT = frozenset({"Correlation", "Me", "ExportDate"})
_WORKOUT_FIELDS = (
    ("duration", "duration"),
    ("durationUnit", "duration_unit"),
    ("totalDistance", "distance"),
    ("totalDistanceUnit", "distance_unit"),
    ("totalEnergyBurned", "energy"),
    ("totalEnergyBurnedUnit", "energy_unit"),
)
_SUMMARY_FIELDS = (
    "activeEnergyBurned",
    "activeEnergyBurnedGoal",
    "activeEnergyBurnedUnit",
    "appleMoveTime",
    "appleMoveTimeGoal",
    "appleExerciseTime",
    "appleExerciseTimeGoal",
    "appleStandHours",
    "appleStandHoursGoal",
)
_STATISTICS = (
    ("sum", "sum"),
    ("average", "average"),
    ("minimum", "minimum"),
    ("maximum", "maximum"),
)


def apple_date(text: str | None) -> str | None:
    """``2016-04-15 07:27:26 +0100`` → ``2016-04-15T06:27:26Z``; ``None`` if unreadable.

    Records come in time order, so the UTC hour of each (local hour, whole-hour offset)
    is computed once and reused: minutes and seconds carry over unchanged.
    """
    if not text:
        return None
    if len(text) == 25 and text[10] == " " and text[19] == " " and text.endswith("00"):
        minutes, seconds = text[14:16], text[17:19]
        if text[13] == text[16] == ":" and _sexagesimal(minutes) and _sexagesimal(seconds):
            hour = _hour(text[:13], text[20:])
            return None if hour is None else f"{hour}:{minutes}:{seconds}Z"
    try:
        moment = datetime.fromisoformat(text.strip())
        return _utc(moment) if moment.tzinfo is not None else None
    except (ValueError, OverflowError):
        return None


def _sexagesimal(two: str) -> bool:
    return two.isascii() and two.isdigit() and two < "60"


_HOURS: dict[tuple[str, str], str | None] = {}


def _hour(local: str, offset: str) -> str | None:
    """``2016-04-15 07`` at ``+0100`` → ``2016-04-15T06`` (cached)."""
    key = (local, offset)
    if key not in _HOURS:
        if len(_HOURS) > 10_000:
            _HOURS.clear()
        try:
            moment = datetime.fromisoformat(f"{local[:10]}T{local[11:]}:00:00{offset}")
            _HOURS[key] = _utc(moment)[:13] if moment.tzinfo is not None else None
        except (ValueError, OverflowError):
            _HOURS[key] = None
    return _HOURS[key]


def _value(text: str | None) -> int | float | str | None:
    if text is None:
        return None
    found = number(text)
    return found if found is not None else text


def _span(element: etree._Element) -> tuple[str | None, str | None]:
    start = apple_date(element.get("startDate"))
    end = apple_date(element.get("endDate"))
    return start, (end if end != start else None)


def _record(element: etree._Element) -> ParseEvent:
    kind = element.get("type")
    start, end = _span(element)
    if not kind or start is None:
        return Rejected(f"line {element.sourceline}", "Record without a type or a startDate")
    record: Record = {"time": start, "type": kind}
    if end is not None:
        record["end"] = end
    for attribute, key in (("value", "value"), ("unit", "unit"), ("sourceName", "source")):
        found = element.get(attribute)
        if found is not None:
            record[key] = _value(found) if key == "value" else found
    metadata = {
        entry.get("key"): entry.get("value") for entry in element if entry.tag == "MetadataEntry"
    }
    metadata.pop(None, None)
    if metadata:
        record["metadata"] = metadata
    return Emit("health.record", record)


def _workout(element: etree._Element) -> ParseEvent:
    start, end = _span(element)
    if start is None:
        return Rejected(f"line {element.sourceline}", "Workout without a startDate")
    record: Record = {"time": start}
    if end is not None:
        record["end"] = end
    record["activity"] = element.get("workoutActivityType") or "unknown"
    for attribute, key in _WORKOUT_FIELDS:
        found = element.get(attribute)
        if found is not None:
            record[key] = _value(found)
    if element.get("sourceName"):
        record["source"] = element.get("sourceName")
    _workout_children(element, record)
    return Emit("health.workout", record)


def _workout_children(element: etree._Element, record: Record) -> None:
    statistics: dict[str, Record] = {}
    metadata: dict[str, str] = {}
    for child in element:
        if child.tag == "WorkoutStatistics" and child.get("type"):
            values = {key: _value(child.get(name)) for name, key in _STATISTICS}
            entry: Record = {key: value for key, value in values.items() if value is not None}
            unit = child.get("unit")
            if unit:
                entry["unit"] = unit
            statistics[str(child.get("type"))] = entry
        elif child.tag == "MetadataEntry" and child.get("key"):
            metadata[str(child.get("key"))] = child.get("value") or ""
        elif child.tag == "WorkoutRoute":
            reference = child.find("FileReference")
            if reference is not None and reference.get("path"):
                record["route"] = reference.get("path")
    if statistics:
        record["statistics"] = statistics
        _totals(record, statistics)
    if metadata:
        record["metadata"] = metadata


def _totals(record: Record, statistics: dict[str, Record]) -> None:
    """Export version 14 keeps workout totals only in WorkoutStatistics."""
    for kind, entry in statistics.items():
        if "sum" not in entry:
            continue
        if kind.startswith("HKQuantityTypeIdentifierDistance") and "distance" not in record:
            record["distance"], record["distance_unit"] = entry["sum"], entry.get("unit")
        elif kind == "HKQuantityTypeIdentifierActiveEnergyBurned" and "energy" not in record:
            record["energy"], record["energy_unit"] = entry["sum"], entry.get("unit")


def _summary(element: etree._Element) -> ParseEvent:
    day = element.get("dateComponents")
    try:
        when = date.fromisoformat(day or "")
    except ValueError:
        return Rejected(f"line {element.sourceline}", "ActivitySummary without a valid date")
    record: Record = {"time": f"{when.isoformat()}T00:00:00Z", "type": "ActivitySummary"}
    record["date"] = when.isoformat()
    for attribute in _SUMMARY_FIELDS:
        found = element.get(attribute)
        if found is not None:
            record[attribute] = _value(found)
    return Emit("health.record", record)


_HANDLERS = {"Record": _record, "Workout": _workout, "ActivitySummary": _summary}


class AppleHealthImporter:
    format = "apple.health"
    version = "1"

    def sniff(self, source: SourceFile) -> bool:
        return root_name(source.head()) == "HealthData"

    def parse(self, source: SourceFile) -> Iterator[ParseEvent]:
        root: etree._Element | None = None
        skipped: Counter[str] = Counter()
        stream = open_safe(source, clean_controls=True)
        for _, element in iterparse(stream, source.name):
            if root is None:
                root = element.getroottree().getroot()
            if element.getparent() is not root:
                continue  # a child (MetadataEntry…), read with its element; or the root
            handler = _HANDLERS.get(element.tag)
            if handler is not None:
                yield handler(element)
            elif element.tag not in _SILENT:
                skipped[str(element.tag)] += 1
            release(element)
        for tag, count in sorted(skipped.items()):
            yield Rejected(tag, f"{count} <{tag}> element(s) not imported: no matching kind")


IMPORTERS = (AppleHealthImporter(),)
