"""What the Google importers share: safe JSON reading, shapes, times, coordinates."""

from __future__ import annotations

import codecs
import io
import json
import zipfile
from typing import IO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from holoptic.importers.errors import MalformedFile, RecordTooLarge, UnreadableInput
from holoptic.importers.formats import _google_json
from holoptic.importers.formats._google_common import (
    BadItem,
    e7,
    from_iso,
    from_micros,
    from_millis,
    lat_lng,
    number,
    offset_minutes,
)
from holoptic.importers.formats._google_json import GuardedReader, json_items, shape_of
from tests.importers.kit import MemoryFile


def test_times_become_canonical_utc_text() -> None:
    assert from_millis("1501322380583") == "2017-07-29T09:59:40.583Z"
    assert from_millis("1501322380000") == "2017-07-29T09:59:40Z"
    assert from_iso("2017-07-29T09:59:40.583Z") == "2017-07-29T09:59:40.583Z"
    assert from_iso("2017-07-29T09:59:40.000Z") == "2017-07-29T09:59:40Z"
    assert from_iso("2017-07-29T11:59:40.5+02:00") == "2017-07-29T09:59:40.500Z"
    assert from_micros(1600000000123456) == "2020-09-13T12:26:40.123456Z"
    assert offset_minutes("2017-05-02T11:40:00+10:00") == 600


@pytest.mark.parametrize("value", ["yesterday", "2017-07-29T09:59:40", 17, None])
def test_unreadable_or_unzoned_times_are_refused(value: object) -> None:
    with pytest.raises(BadItem):
        from_iso(value)


def test_e7_undoes_signed_overflow_and_refuses_the_impossible() -> None:
    assert e7(466382052, 900_000_000) == 46.6382052
    assert e7(4294967295 - 10_000_000 + 1, 900_000_000) == -1.0  # -1° written unsigned
    assert e7(-1219287261, 1_800_000_000) == -121.9287261
    with pytest.raises(BadItem):
        e7(950_000_000 - (1 << 32), 900_000_000)
    with pytest.raises(BadItem):
        e7("12", 900_000_000)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("-27.4127738°, 163.5638958°", (-27.4127738, 163.5638958)),
        ("geo:55.605123,24.761567", (55.605123, 24.761567)),
        ({"latLng": "1.5°, 2.5°"}, (1.5, 2.5)),
        ({"LatLng": "1.5°, 2.5°"}, (1.5, 2.5)),
        ({"latitudeE7": 15000000, "longitudeE7": 25000000}, (1.5, 2.5)),
        ({"latE7": 15000000, "lngE7": 25000000}, (1.5, 2.5)),
        (None, None),
    ],
)
def test_every_coordinate_spelling_is_read(value: object, expected: object) -> None:
    assert lat_lng(value) == expected


@pytest.mark.parametrize("value", ["north", "1°, 2°, 3°", "geo:91,0", "geo:nan,1", 5])
def test_unreadable_coordinates_are_refused(value: object) -> None:
    with pytest.raises(BadItem):
        lat_lng(value)


def test_numbers_written_as_text_are_read() -> None:
    assert number("0.950000") == 0.95
    assert number("0") == 0
    assert number("inf") is None
    assert number(True) is None


def read_all(source: MemoryFile, prefix: str) -> list[object]:
    with json_items(source, prefix) as (_reader, items):
        return list(items)


def test_reader_strips_bom_and_transcodes_utf16() -> None:
    document = {"locations": [{"name": "Zürich"}]}
    for data in (
        codecs.BOM_UTF8 + json.dumps(document).encode(),
        json.dumps(document, ensure_ascii=False).encode("utf-16"),
    ):
        source = MemoryFile(data)
        assert shape_of(source).top == ("locations",)
        assert read_all(source, "locations.item") == [{"name": "Zürich"}]


def test_truncated_json_names_the_byte_where_it_stops() -> None:
    source = MemoryFile(b'{"locations": [{"a": 1}, {"a"', "Records.json")
    with pytest.raises(MalformedFile, match=r"Records\.json.*byte 29.*truncated"):
        read_all(source, "locations.item")


def test_broken_json_names_where_it_breaks() -> None:
    source = MemoryFile(b'{"locations": [{"a": 1}, \x00]}', "Records.json")
    with pytest.raises(MalformedFile, match=r"Records\.json: invalid JSON between bytes 0 and"):
        read_all(source, "locations.item")


class _CorruptMember(io.BytesIO):
    """Reads like a zip member whose data fails its CRC check."""

    def read(self, size: int | None = -1) -> bytes:
        raise zipfile.BadZipFile("Bad CRC-32 for file 'Records.json'")


class _CorruptFile(MemoryFile):
    def open(self) -> IO[bytes]:
        return _CorruptMember(self.data)


def test_a_corrupt_archive_member_is_unreadable_not_a_crash() -> None:
    with pytest.raises(UnreadableInput, match="Bad CRC-32"):
        read_all(_CorruptFile(b'{"locations": []}', "Records.json"), "locations.item")


def test_a_gigantic_entry_is_refused_before_it_is_built() -> None:
    data = b'{"locations": [{"a": "' + b"x" * 300_000 + b'"}]}'
    raw = io.BytesIO(data)
    reader = GuardedReader(raw, "Records.json", limit=100_000)
    reader.read(65536)
    with pytest.raises(RecordTooLarge, match=r"Records\.json"):
        reader.read(65536)
    assert reader.consumed < len(data)


def test_a_gigantic_entry_stops_the_parse_with_a_typed_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_google_json, "MAX_ITEM_BYTES", 100_000)
    data = b'{"locations": [{"a": "' + b"x" * 200_000 + b'"}]}'
    with pytest.raises(RecordTooLarge, match="runs past"):
        read_all(MemoryFile(data), "locations.item")


def test_shape_sees_keys_of_a_head_cut_mid_file() -> None:
    data = b'[{"header": "Search", "title": "x", "time": "2020-01-01T00:00:00Z"}, {"head'
    shape = shape_of(MemoryFile(data))
    assert shape.root == "array" and shape.has("item", "header", "time")
    assert shape_of(MemoryFile(b"<html>")).root == ""


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=300))
def test_shape_of_any_bytes_never_raises(data: bytes) -> None:
    shape_of(MemoryFile(data))
