"""Meta advertisers who hold your data: custom audiences, one atomic record per advertiser.

* "Advertisers using your activity or information": ``custom_audiences_all_types_v2``
  (Facebook) or ``ig_custom_audiences_all_types`` (Instagram), each advertiser with three
  booleans that become ``types``: ``data_file`` (a file they uploaded matched you),
  ``remarketing`` (your activity on their site or app), ``in_store`` (a store visit).
  Newer exports give names only, as ``label_values`` lists: a record without ``types``.
* "Advertisers who uploaded a contact list with your information": ``custom_audiences_v2``
  (a list of names): ``types: ["contact_list"]``.

The ``label_values`` shape is shared by many Meta files, so there the file name is the
tie-breaker (``advertisers_using_your_activity…``, ``…contact_list…``).
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
KIND = "ads.custom_audience"
ALL_TYPES = ("custom_audiences_all_types_v2", "ig_custom_audiences_all_types")
CONTACT_LIST = ("custom_audiences_v2", "custom_audiences")
FLAGS = (
    ("has_data_file_custom_audience", "data_file"),
    ("has_remarketing_custom_audience", "remarketing"),
    ("has_in_person_store_visit", "in_store"),
)
USING_NAME = re.compile(r"advertisers_using_your_activity")
CONTACT_NAME = re.compile(r"advertisers.*contact_list")


class CustomAudienceImporter:
    format = "meta.custom_audiences"
    version = "1"

    def sniff(self, source: SourceFile) -> bool:
        return variant_of(source, _variant) is not None

    def parse(self, source: SourceFile) -> Iterator[ParseEvent]:
        variant = required_variant(source, _variant, "advertisers")
        if variant in ALL_TYPES:
            for number, item in enumerate(stream_items(source, f"{variant}.item")):
                yield _all_types(item, f"{variant}[{number}]")
        elif variant in CONTACT_LIST:
            for number, item in enumerate(stream_items(source, f"{variant}.item")):
                yield _contact(item, f"{variant}[{number}]")
        else:
            yield from _labelled(source, contact=variant == "label_values:contact_list")


def _variant(peeked: Peek) -> str | None:
    """Which of the shapes this is: a top-level key, or a ``label_values`` flavour."""
    if peeked.array:
        return None
    for key in (*ALL_TYPES, *CONTACT_LIST):
        if key in peeked.keys:
            return key
    if "label_values" in peeked.keys:
        if name_matches(peeked, USING_NAME):
            return "label_values:using"
        if name_matches(peeked, CONTACT_NAME):
            return "label_values:contact_list"
    return None


def _all_types(item: Any, where: str) -> ParseEvent:
    name = text(item.get("advertiser_name")) if isinstance(item, dict) else None
    if name is None:
        return Rejected(where, "no advertiser name")
    types = [label for flag, label in FLAGS if item.get(flag) is True]
    return Emit(KIND, {"advertiser": name, "types": types})


def _contact(item: Any, where: str) -> ParseEvent:
    name = text(item.get("advertiser_name") if isinstance(item, dict) else item)
    if name is None:
        return Rejected(where, "no advertiser name")
    return Emit(KIND, {"advertiser": name, "types": ["contact_list"]})


def _labelled(source: SourceFile, contact: bool) -> Iterator[ParseEvent]:
    for name in label_names(source):
        record: dict[str, Any] = {"advertiser": name}
        if contact:
            record["types"] = ["contact_list"]
        yield Emit(KIND, record)


IMPORTERS = (CustomAudienceImporter(),)
