"""Meta "activity off Meta technologies": which companies told Meta what you did, and when.

Two shapes are read, whatever the file is called:

* ``{"off_facebook_activity_v2": [{name, events: [{id, type, timestamp}]}]}`` (Facebook,
  also the older ``off_facebook_activity``) and its Instagram twin
  ``apps_and_websites_off_meta_activity``;
* the 2026 top-level list ``[{title, fbid, media, label_values: [{label: "Events", vec:
  [{dict: [{label: "ID", value}, {label: "Event", value}, {label: "Received on",
  timestamp_value}]}]}]}]`` whose labels follow the account language: the time is the
  entry carrying ``timestamp_value``, an all-digit value is the id, the other value is
  the event type.

Each event becomes one ``ads.off_platform`` record: ``time``, ``company``, ``event``, ``id``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from holoptic.importers.errors import MalformedFile
from holoptic.importers.formats._meta_common import (
    epoch_time,
    label_entries,
    name_matches,
    peek,
    stream_items,
    text,
)
from holoptic.importers.model import Emit, ParseEvent, Rejected, SourceFile

PRIORITY = 50
KIND = "ads.off_platform"
KEYS = ("off_facebook_activity_v2", "off_facebook_activity", "apps_and_websites_off_meta_activity")
NAME = re.compile(r"off[-_ ]?(of[-_ ]?)?(facebook|meta)")
EVENT_LABELS = frozenset({"events", "ereignisse", "begivenheder", "eventos", "événements"})
TIME_PATH = "label_values.item.vec.item.dict.item.timestamp_value"


class OffPlatformImporter:
    format = "meta.off_platform"
    version = "1"

    def sniff(self, source: SourceFile) -> bool:
        peeked = peek(source)
        if peeked is None:
            return False
        if not peeked.array:
            return any(key in peeked.keys for key in KEYS)
        labelled = any(label.strip().lower() in EVENT_LABELS for label in peeked.labels)
        return (
            "label_values" in peeked.keys
            and peeked.has_path(TIME_PATH)
            and (labelled or name_matches(peeked, NAME))
        )

    def parse(self, source: SourceFile) -> Iterator[ParseEvent]:
        peeked = peek(source)
        if peeked is None:
            raise MalformedFile(f"{source.name}: not a JSON document")
        if peeked.array:
            yield from _listed(source)
            return
        key = next((key for key in KEYS if key in peeked.keys), KEYS[0])
        for number, company in enumerate(stream_items(source, f"{key}.item")):
            yield from _company(company, f"{key}[{number}]")


def _company(company: Any, where: str) -> Iterator[ParseEvent]:
    name = text(company.get("name")) if isinstance(company, dict) else None
    events = company.get("events") if isinstance(company, dict) else None
    if name is None or not isinstance(events, list):
        yield Rejected(where, "no company name or no list of events")
        return
    for number, event in enumerate(events):
        spot = f"{where}.events[{number}]"
        if not isinstance(event, dict):
            yield Rejected(spot, "an event is not an object")
            continue
        yield _record(
            name, epoch_time(event.get("timestamp")), event.get("type"), event.get("id"), spot
        )


def _listed(source: SourceFile) -> Iterator[ParseEvent]:
    for number, item in enumerate(stream_items(source, "item")):
        where = f"item {number}"
        name = text(item.get("title")) if isinstance(item, dict) else None
        if name is None:
            yield Rejected(where, "no company name (title)")
            continue
        for index, fields in enumerate(_event_rows(item)):
            yield _listed_event(name, fields, f"{where}.event {index}")


def _event_rows(item: dict[str, Any]) -> Iterator[list[Any]]:
    """The ``dict`` field lists of every ``vec`` row, whatever the label is called."""
    for entry in label_entries(item):
        vec = entry.get("vec")
        for row in vec if isinstance(vec, list) else []:
            if isinstance(row, dict) and isinstance(row.get("dict"), list):
                yield row["dict"]


def _listed_event(name: str, fields: list[Any], where: str) -> ParseEvent:
    """One event from its labelled fields, read by shape since labels are localised."""
    time: str | None = None
    kind: object = None
    ident: object = None
    for field in fields:
        if not isinstance(field, dict):
            continue
        if "timestamp_value" in field:
            time = time or epoch_time(field["timestamp_value"])
        value = field.get("value")
        label = str(field.get("label", "")).strip().lower()
        if label == "id" or _digits(value):
            ident = ident if ident is not None else value
        elif value is not None and kind is None:
            kind = value
    return _record(name, time, kind, ident, where)


def _digits(value: object) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, str) and value.strip().isdigit()
    )


def _record(name: str, time: str | None, kind: object, ident: object, where: str) -> ParseEvent:
    if time is None:
        return Rejected(where, "no valid timestamp")
    record: dict[str, Any] = {"time": time, "company": name}
    event = text(kind)
    if event is not None:
        record["event"] = event
    if _digits(ident):
        record["id"] = str(ident).strip()
    return Emit(KIND, record)


IMPORTERS = (OffPlatformImporter(),)
