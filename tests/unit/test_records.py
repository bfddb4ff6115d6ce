"""Canonical records and day grouping."""

from __future__ import annotations

import json
from datetime import date

import pytest

from holoptic.vault.errors import InvalidRecords
from holoptic.vault.records import canonical, decode_lines, group_by_day, period_of


def test_canonical_form_ignores_key_order() -> None:
    assert canonical({"b": 1, "a": "é"}) == canonical({"a": "é", "b": 1}) == '{"a":"é","b":1}'


def test_days_are_utc_days() -> None:
    grouped = group_by_day(
        [
            {"time": "2026-03-01T23:30:00-02:00", "v": 1},  # 01:30 UTC on 2 March
            {"time": "2026-03-01T10:00:00Z", "v": 2},
            {"time": "2026-03-01T10:00:00Z", "v": 2},
        ]
    )
    assert sorted(grouped) == [date(2026, 3, 1), date(2026, 3, 2)]
    assert len(grouped[date(2026, 3, 1)]) == 1


@pytest.mark.parametrize(
    "record",
    [
        {"v": 1},
        {"time": "2026-03-01T10:00:00"},
        {"time": "yesterday"},
        {"time": 1700000000},
        {"time": "2026-03-01T10:00:00Z", "v": float("nan")},
        {"time": "2026-03-01T10:00:00Z", "v": {1, 2}},
    ],
)
def test_bad_records_are_refused_with_a_reason(record: dict[str, object]) -> None:
    with pytest.raises(InvalidRecords):
        group_by_day([record])


def test_period_covers_time_start_and_end() -> None:
    start, end = period_of(
        [
            canonical({"time": "2026-03-01T10:00:00Z"}),
            canonical({"start": "2026-03-01T08:00:00Z", "end": "2026-03-01T12:00:00Z"}),
        ]
    )
    assert start is not None and end is not None
    assert (start.hour, end.hour) == (8, 12)


@pytest.mark.parametrize(
    "lines",
    [
        ['{"v":0.1,"n":-7,"s":"a\u2028b"}', '{"t":[1,2.5e-7,null,true]}'],
        ['{"big":123456789012345678901234567890}', '{"v":1}'],  # beyond 64 bits
        ['{"s":"\\ud800"}'],  # a lone surrogate escape
        ['{"v":NaN}', '{"v":1}'],
        ['{"v":1}', "", '{"v":2}'],  # a blank line in the middle
        [],
    ],
)
def test_decoding_a_blob_gives_what_the_standard_library_reads(lines: list[str]) -> None:
    """The fast path (orjson) and its fallback agree with ``json.loads`` line by line."""
    payload = "".join(line + "\n" for line in lines).encode()
    assert decode_lines(payload) == [json.loads(line) for line in lines if line]


def test_a_broken_line_is_an_error_naming_it() -> None:
    with pytest.raises(json.JSONDecodeError) as caught:
        decode_lines(b'{"v":1}\n{"v":\n')
    assert caught.value.doc == '{"v":'
