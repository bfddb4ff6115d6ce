"""Shared Meta/HAR helpers: mojibake repair, epoch times, JSON errors with byte offsets."""

from __future__ import annotations

import json

import pytest

from holoptic.importers.errors import MalformedFile
from holoptic.importers.formats._meta_common import (
    epoch_time,
    fix_text,
    peek,
    stream_items,
    text,
)
from tests.importers.kit import MemoryFile


def _file(data: bytes, name: str = "export/file.json") -> MemoryFile:
    """An in-memory file under the name the messages below are expected to show."""
    return MemoryFile(data, name)


@pytest.mark.parametrize(
    ("broken", "repaired"),
    [
        ("Ã©", "é"),
        ("CafÃ© de la Gare", "Café de la Gare"),
        ("KÃ¸benhavn", "København"),
        ("Klick auf Werbeanzeige\u00c2\u00a0", "Klick auf Werbeanzeige\u00a0"),
        ("\u00f0\u009f\u0098\u0080", "😀"),
        ("plain ascii", "plain ascii"),
        ("déjà correct", "déjà correct"),  # not a valid round-trip: left alone
        ("Ã", "Ã"),
        ("漢字", "漢字"),  # not Latin-1 at all
    ],
)
def test_mojibake_is_repaired_only_when_the_round_trip_succeeds(broken: str, repaired: str) -> None:
    assert fix_text(broken) == repaired


def test_text_repairs_strips_and_drops_empty_values() -> None:
    assert text("  Ã©tÃ© ") == "été"
    assert text("") is None and text("   ") is None
    assert text(42) is None and text(None) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1700000000, "2023-11-14T22:13:20Z"),
        (1700000000.25, "2023-11-14T22:13:20.250Z"),
        (0, None),
        (-5, None),
        (True, None),
        ("1700000000", None),
        (1e20, None),
        (None, None),
    ],
)
def test_epoch_seconds_become_utc_iso(value: object, expected: str | None) -> None:
    assert epoch_time(value) == expected


def _document() -> bytes:
    rows = [
        {"name": f"company {n}", "events": [{"id": n, "timestamp": 1700000000 + n}]}
        for n in range(50)
    ]
    return json.dumps({"off_facebook_activity_v2": rows}, indent=2).encode()


def test_truncated_json_fails_with_the_offset_of_its_end() -> None:
    data = _document()[:1234]
    with pytest.raises(MalformedFile) as caught:
        list(stream_items(_file(data), "off_facebook_activity_v2.item"))
    assert caught.value.code == "import.malformed"
    assert "byte 1234" in caught.value.message
    assert "export/file.json" in caught.value.message
    assert caught.value.details["offset"] == 1234


def test_a_bad_byte_in_the_middle_is_located_exactly() -> None:
    data = _document()
    spot = data.index(b'"events"', 2000)
    broken = data[:spot] + b"@" + data[spot + 1 :]
    with pytest.raises(MalformedFile) as caught:
        list(stream_items(_file(broken), "off_facebook_activity_v2.item"))
    assert caught.value.details["offset"] == spot


def test_errors_past_the_first_chunk_are_located_exactly() -> None:
    data = json.dumps({"topics_v2": [f"topic {n}" for n in range(40_000)]}).encode()
    spot = 300_001
    broken = data[:spot] + b"\x00" + data[spot + 1 :]
    with pytest.raises(MalformedFile) as caught:
        list(stream_items(_file(broken), "topics_v2.item"))
    assert caught.value.details["offset"] == spot


def test_a_bom_is_skipped_and_offsets_still_count_it() -> None:
    data = b"\xef\xbb\xbf" + json.dumps({"topics_v2": ["a", "b"]}).encode()
    assert list(stream_items(_file(data), "topics_v2.item")) == ["a", "b"]
    with pytest.raises(MalformedFile) as caught:
        list(stream_items(_file(data[:-3]), "topics_v2.item"))
    assert caught.value.details["offset"] == len(data) - 3


def test_peek_reads_keys_and_labels_and_refuses_what_is_not_json() -> None:
    document = {"media": [], "label_values": [{"label": "Name", "vec": []}], "fbid": "1"}
    peeked = peek(_file(json.dumps(document).encode(), "a/other_categories.json"))
    assert peeked is not None and not peeked.array
    assert peeked.keys == {"media", "label_values", "fbid"}
    assert peeked.labels == ("Name",)
    assert peeked.name == "other_categories.json"
    assert peek(_file(b"\x89PNG\r\n")) is None
    assert peek(_file(b"")) is None


def test_peek_of_a_list_describes_its_first_item_and_is_cached() -> None:
    source = _file(json.dumps([{"title": "x", "label_values": []}, {"other": 1}]).encode())
    first = peek(source)
    assert first is not None and first.array and first.keys == {"title", "label_values"}
    assert peek(source) is first
