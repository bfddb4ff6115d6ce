"""Meta "advertisers you've interacted with": which ad you clicked, and when.

* ``{"history_v2": [{title, action, timestamp}]}`` (``history`` in the oldest exports,
  accepted only when the file name says so). ``action`` is localised ("Clicked ad",
  "Klick auf Werbeanzeige"…) and kept as written.
* The newer top-level list ``[{timestamp, media, fbid, label_values: [{label, value}]}]``:
  the title is the item's ``title`` or the first labelled value, the action the value
  labelled like an action (or the second one); a ``timestamp_value`` entry may carry the time.

Each becomes one ``ads.interaction`` record: ``time``, ``title``, ``action``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from holoptic.importers.formats._meta_common import (
    Peek,
    epoch_time,
    label_entries,
    name_matches,
    required_variant,
    stream_items,
    text,
    variant_of,
)
from holoptic.importers.model import Emit, ParseEvent, Rejected, SourceFile

PRIORITY = 50
KIND = "ads.interaction"
NAME = re.compile(r"advertisers_you.{0,3}ve_interacted_with|ads_interacted|interacted_with")
ACTION_LABELS = frozenset({"action", "handlung", "aktion", "handling", "acción", "accion"})


class AdInteractionImporter:
    format = "meta.ad_interactions"
    version = "1"

    def sniff(self, source: SourceFile) -> bool:
        return variant_of(source, _variant) is not None

    def parse(self, source: SourceFile) -> Iterator[ParseEvent]:
        variant = required_variant(source, _variant, "ad interactions")
        prefix = "item" if variant == "list" else f"{variant}.item"
        for number, item in enumerate(stream_items(source, prefix)):
            where = f"item {number}" if variant == "list" else f"{variant}[{number}]"
            if not isinstance(item, dict):
                yield Rejected(where, "an interaction is not an object")
            elif variant == "list":
                yield _labelled(item, where)
            else:
                yield _record(item.get("timestamp"), item.get("title"), item.get("action"), where)


def _variant(peeked: Peek) -> str | None:
    if peeked.array:
        if "label_values" in peeked.keys and name_matches(peeked, NAME):
            return "list"
        return None
    if "history_v2" in peeked.keys:
        return "history_v2"
    if "history" in peeked.keys and name_matches(peeked, NAME):
        return "history"
    return None


def _labelled(item: dict[str, Any], where: str) -> ParseEvent:
    """Read the label_values variant by shape: labels are in the account's language."""
    values: list[tuple[str, object]] = []
    timestamp: object = item.get("timestamp")
    for entry in label_entries(item):
        if "timestamp_value" in entry and timestamp is None:
            timestamp = entry["timestamp_value"]
        if isinstance(entry.get("value"), str):
            values.append((str(entry.get("label", "")).strip().lower(), entry["value"]))
    action = next((value for label, value in values if label in ACTION_LABELS), None)
    rest = [value for label, value in values if label not in ACTION_LABELS]
    title: object = item.get("title") or (rest.pop(0) if rest else None)
    if action is None and rest:
        action = rest[0]
    return _record(timestamp, title, action, where)


def _record(timestamp: object, title: object, action: object, where: str) -> ParseEvent:
    time = epoch_time(timestamp)
    name = text(title)
    if time is None:
        return Rejected(where, "no valid timestamp")
    if name is None:
        return Rejected(where, "no title")
    record: dict[str, Any] = {"time": time, "title": name}
    done = text(action)
    if done is not None:
        record["action"] = done
    return Emit(KIND, record)


IMPORTERS = (AdInteractionImporter(),)
