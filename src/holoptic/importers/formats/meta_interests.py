"""Meta's inferred interests: ad topics, "your topics", other categories used to reach you.

One atomic ``ads.interest`` record per interest: ``name`` and ``list``, the list Meta keeps
it in:

* ``ad_interests``: ``{"topics_v2": [...]}`` (``ads_interests.json``; ``topics`` in the
  oldest exports, taken only when the file name says ``ads_interests``);
* ``your_topics``: ``{"inferred_topics_v2": [...]}`` (Facebook) and Instagram's
  ``topics_your_topics`` (``string_map_data`` rows whose one value is the topic);
* ``other_categories``: "other categories used to reach you", ``{"bcts": [...]}`` in older
  exports, then a ``label_values`` object whose ``vec`` values are the categories (there
  the file name is the tie-breaker, since every 2024+ Meta file has that shape).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from holoptic.importers.formats._meta_common import (
    Peek,
    label_names,
    name_matches,
    required_variant,
    stream_items,
    text,
    variant_of,
)
from holoptic.importers.model import Emit, ParseEvent, Rejected, SourceFile

PRIORITY = 50
KIND = "ads.interest"
KEYS = {
    "topics_v2": "ad_interests",
    "inferred_topics_v2": "your_topics",
    "inferred_topics": "your_topics",
    "topics_your_topics": "your_topics",
    "bcts": "other_categories",
}
ADS_INTERESTS = re.compile(r"ads_interests")
LABELLED = (
    (re.compile(r"other_categories_used_to_reach_you"), "other_categories"),
    (ADS_INTERESTS, "ad_interests"),
)


class InterestImporter:
    format = "meta.ad_interests"
    version = "1"

    def sniff(self, source: SourceFile) -> bool:
        return variant_of(source, _variant) is not None

    def parse(self, source: SourceFile) -> Iterator[ParseEvent]:
        key, kept_in = required_variant(source, _variant, "interests")
        if key == "label_values":
            for category in label_names(source):
                yield Emit(KIND, {"name": category, "list": kept_in})
            return
        for number, item in enumerate(stream_items(source, f"{key}.item")):
            name = text(_topic(item))
            if name is None:
                yield Rejected(f"{key}[{number}]", "no interest name")
            else:
                yield Emit(KIND, {"name": name, "list": kept_in})


def _variant(peeked: Peek) -> tuple[str, str] | None:
    """The key to stream and the list it feeds."""
    if peeked.array:
        return None
    for key, kept_in in KEYS.items():
        if key in peeked.keys:
            return key, kept_in
    if "topics" in peeked.keys and name_matches(peeked, ADS_INTERESTS):
        return "topics", "ad_interests"
    if "label_values" in peeked.keys:
        for pattern, kept_in in LABELLED:
            if name_matches(peeked, pattern):
                return "label_values", kept_in
    return None


def _topic(item: Any) -> object:
    """A topic is a string, or (Instagram) the one value of a ``string_map_data`` row."""
    if not isinstance(item, dict):
        return item
    cells = item.get("string_map_data")
    for cell in cells.values() if isinstance(cells, dict) else ():
        if isinstance(cell, dict) and text(cell.get("value")):
            return cell["value"]
    return item.get("name")


IMPORTERS = (InterestImporter(),)
