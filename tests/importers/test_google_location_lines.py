"""The fast lane of ``Records.json``: ``line`` writes exactly ``canonical(point(entry))``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from holoptic.errors import HolopticError
from holoptic.importers.formats._google_common import ITEM_ERRORS, reason
from holoptic.importers.formats.google_location import LocationRecords, point
from holoptic.importers.lines import read_lines
from holoptic.importers.model import Emit, Rejected
from holoptic.vault.errors import InvalidRecords
from holoptic.vault.records import canonical, parse_time
from tests.conftest import shared_path
from tests.importers import kit

IMPORTER = LocationRecords()

ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
    st.just([]),
    st.just({}),
)


def mostly(
    usual: st.SearchStrategy[Any], odd: st.SearchStrategy[Any] = ODD
) -> st.SearchStrategy[Any]:
    """``usual`` nine times in ten (a fast lane is only taken when every value is usual)."""
    return st.integers(0, 9).flatmap(lambda n: usual if n else odd)


NUMBER = mostly(st.one_of(st.integers(-5000, 5000), st.floats(-1e6, 1e6)))
TEXT = mostly(st.one_of(st.sampled_from(["WIFI", "gps", "CELL", "ANDROID"]), st.text(max_size=4)))
SCALAR = mostly(st.one_of(st.integers(0, 2**40), st.booleans(), TEXT, NUMBER))


@st.composite
def stamps(draw: st.DrawFn) -> object:
    """Google's usual ``…SS.mmmZ`` mostly, and forms the fast lane must hand on."""
    moment = draw(st.datetimes(datetime(1, 1, 1), datetime(9999, 12, 31)))
    usual = moment.isoformat(timespec="milliseconds") + "Z"
    odd = [
        moment.isoformat(timespec="seconds") + "Z",
        moment.isoformat(timespec="microseconds") + "+02:00",
        usual[:20] + "000Z",
        "2019-W01-1T00:01:34.890Z",
        "2019-13-01T00:01:34.890Z",
        "2019-01-01T24:00:00.123Z",
        "2019-01-01 00:01:34.890Z",
        "yesterday",
    ]
    return draw(mostly(st.just(usual), st.one_of(st.sampled_from(odd), ODD)))


GUESS = st.fixed_dictionaries({}, optional={"type": TEXT, "confidence": NUMBER})
ACTIVITY = mostly(
    st.lists(st.fixed_dictionaries({}, optional={"activity": st.lists(GUESS, max_size=3)}))
)
VALUES: dict[str, st.SearchStrategy[Any]] = {
    "latitudeE7": mostly(st.integers(-900_000_000, 900_000_000), st.one_of(st.integers(), ODD)),
    "longitudeE7": mostly(st.integers(-1_800_000_000, 1_800_000_000)),
    "timestamp": stamps(),
    "timestampMs": mostly(st.integers(0, 2**41).map(str)),
    "accuracy": NUMBER,
    "altitude": NUMBER,
    "verticalAccuracy": NUMBER,
    "velocity": NUMBER,
    "heading": NUMBER,
    "osLevel": NUMBER,
    "deviceTag": SCALAR,
    "deviceDesignation": SCALAR,
    "platformType": SCALAR,
    "formFactor": SCALAR,
    "batteryCharging": SCALAR,
    "placeId": SCALAR,
    "source": TEXT,
    "activity": ACTIVITY,
    "activeWifiScan": ODD,
    "serverTimestamp": stamps(),
}
USUAL = ["latitudeE7", "longitudeE7", "timestamp"]


@st.composite
def entries(draw: st.DrawFn) -> object:
    """An entry: usually an object with the three usual keys, others in any order."""
    keys = draw(st.lists(st.sampled_from(sorted(VALUES)), unique=True, max_size=6))
    if draw(st.integers(0, 4)):
        keys = [*USUAL, *(key for key in keys if key not in USUAL)]
    keys = draw(st.permutations(keys))
    entry = {key: draw(VALUES[key]) for key in keys}
    return draw(mostly(st.just(entry)))


def ordinary(entry: object) -> tuple[str, ...]:
    """What storing ``point(entry)`` gives: its line and time, or why it cannot."""
    try:
        record = point(entry)
    except ITEM_ERRORS as exc:
        return ("rejected", reason(exc))
    try:
        return ("line", canonical(record), record["time"])
    except InvalidRecords:
        return ("invalid",)


def fast(entry: object) -> tuple[str, ...]:
    """What ``line`` gives: the line and the time, or why it cannot."""
    try:
        return ("line", *IMPORTER.line(entry))
    except ITEM_ERRORS as exc:
        return ("rejected", reason(exc))
    except InvalidRecords:
        return ("invalid",)


def assert_same(entry: object) -> None:
    expected, found = ordinary(entry), fast(entry)
    assert found[:2] == expected[:2]
    if found[0] == "line":
        time = found[2]
        assert len(time) in (24, 27) and time.endswith("Z")
        moment = parse_time(expected[2])
        assert parse_time(time) == moment
        assert time[:10] == moment.astimezone(UTC).date().isoformat()


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entries())
def test_a_line_is_the_canonical_record_or_the_same_rejection(entry: object) -> None:
    assert_same(entry)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(entries(), min_size=2, max_size=12))
def test_entries_of_changing_shapes_in_a_row_give_the_same_lines(rows: list[object]) -> None:
    for entry in rows:  # the lane of the previous entry is tried first
        assert_same(entry)


def test_an_entry_like_the_last_but_for_one_kept_key_keeps_it() -> None:
    usual = {"latitudeE7": 1, "longitudeE7": 2, "timestamp": "2020-01-01T00:00:00.500Z"}
    assert_same({**usual, "activeWifiScan": {}})
    assert_same({**usual, "altitude": 12})  # same length as the entry before
    assert_same({**usual, "timestampMs": "1"})
    assert_same({**usual, "velocity": 3})
    assert IMPORTER.line({**usual, "altitude": 12})[0].startswith('{"ele":12,')


E7 = [1, 12, 999, 1000, 12345, 9_999_999, 10_000_000, 10_000_001, 488_500_000, 488_570_745]


@pytest.mark.parametrize("value", [*E7, *(-v for v in E7), 900_000_000, 1_800_000_000, 0])
def test_coordinates_of_every_magnitude_are_written_as_the_encoder_would(value: int) -> None:
    stamp = "2020-01-01T00:00:00.500Z"
    assert_same({"latitudeE7": value // 2, "longitudeE7": value, "timestamp": stamp})
    assert_same({"latitudeE7": 1, "longitudeE7": value, "timestamp": stamp})


@pytest.mark.parametrize(
    "name",
    [
        "location-history-italy-slovenia-2017-07-29.json",
        "reitti_Records.json",
        "dogsheep_Location History.json",
    ],
)
def test_every_entry_of_the_real_exports_gives_the_same_line(name: str) -> None:
    document = json.loads(shared_path("fixtures", "google-takeout", name).read_text())
    for entry in document["locations"]:
        assert_same(entry)


def by_parse(data: bytes) -> tuple[object, ...]:
    """The lines ``parse`` gives (as the vault would store them), its rejections, or its
    error."""
    try:
        events = kit.parse_all(IMPORTER, kit.MemoryFile(data, "Records.json"))
        lines = [canonical(e.record) for e in events if isinstance(e, Emit)]
    except HolopticError as exc:
        return ("error", exc.code, exc.message)
    rejected = [(r.location, r.reason) for r in events if isinstance(r, Rejected)]
    return sorted(set(lines)), rejected


def by_lines(data: bytes) -> tuple[object, ...]:
    try:
        chunks = list(read_lines(IMPORTER, kit.MemoryFile(data, "Records.json")))
    except HolopticError as exc:
        return ("error", exc.code, exc.message)
    lines = sorted(line for chunk in chunks for day in chunk.days for line in day.lines())
    rejected = [(f"locations[{n}]", why) for chunk in chunks for n, why in chunk.rejected]
    assert sum(day.count for chunk in chunks for day in chunk.days) == len(lines)
    return lines, rejected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_damaged_file_gives_the_same_lines_and_errors_both_ways(data: st.DataObject) -> None:
    real = shared_path("fixtures", "google-takeout", "reitti_Records.json").read_bytes()
    damaged = data.draw(kit.mutated(real))
    lines, parsed = by_lines(damaged), by_parse(damaged)
    if lines[:2] == ("error", "vault.invalid_records"):  # found at its entry, before the
        assert parsed[0] == "error"  # end of the file, which may be broken as well
    else:
        assert lines == parsed
