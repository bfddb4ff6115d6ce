"""Mutated real browser databases (byte flips, truncation, NULs) must either import or
fail with a typed error; never another exception, never a hang."""

from __future__ import annotations

from functools import partial

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from holoptic.importers.formats import (
    browser_chrome,
    browser_firefox,
    browser_qutebrowser,
    browser_safari,
)
from holoptic.importers.model import Importer
from tests.conftest import shared_path
from tests.importers import kit

IMPORTERS: tuple[Importer, ...] = (
    *browser_chrome.IMPORTERS,
    *browser_firefox.IMPORTERS,
    *browser_safari.IMPORTERS,
    *browser_qutebrowser.IMPORTERS,
)
SMALL = [
    "browserexport_qutebrowser.sqlite",
    "browserhistoryR_firefox_places.sqlite",
    "browserexport_firefox_mobile_legacy.sqlite",
    "browserexport_chrome.sqlite",
]


def schema_span(data: bytes) -> tuple[int, int]:
    """Where the ``CREATE`` statements lie: the bytes SQLite parses, worth aiming at."""
    return data.find(b"CREATE"), data.rfind(b"CREATE") + 200


@st.composite
def mutations(draw: st.DrawFn, data: bytes) -> list[tuple[str, int, int]]:
    """A few edits: flip a byte, insert NULs, or cut the file short."""
    ops = st.sampled_from(["flip", "flip", "flip", "flip", "nul", "cut"])  # flips reach SQLite
    start, end = schema_span(data)
    places = st.integers(0, len(data) - 1) | st.integers(start, end) | st.integers(0, 99)
    count = draw(st.integers(1, 6))
    return [(draw(ops), draw(places), draw(st.integers(1, 255))) for _ in range(count)]


def mutate(data: bytes, edits: list[tuple[str, int, int]]) -> bytes:
    buffer = bytearray(data)
    for op, where, value in edits:
        if not buffer:
            break
        where %= len(buffer)
        if op == "flip":
            buffer[where] ^= value
        elif op == "nul":
            buffer[where:where] = b"\x00" * (value % 16 + 1)
        else:
            del buffer[where:]
    return bytes(buffer)


def exercise(data: bytes, name: str) -> None:
    """Sniff with every importer and parse with each: only typed errors may escape."""
    with kit.written(data, name) as source:
        for importer in IMPORTERS:
            importer.sniff(source)
            kit.assert_only_typed_errors(partial(importer.parse, source))


@pytest.mark.parametrize("name", SMALL)
def test_mutated_databases_fail_only_with_typed_errors(name: str) -> None:
    original = shared_path("fixtures", "browser-history", name).read_bytes()

    @settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(edits=mutations(original))
    def check(edits: list[tuple[str, int, int]]) -> None:
        exercise(mutate(original, edits), name)

    check()


@settings(max_examples=50, deadline=None)
@given(data=st.binary(max_size=2048))
def test_random_bytes_named_like_a_database_fail_only_with_typed_errors(data: bytes) -> None:
    exercise(b"SQLite format 3\x00" + data, "History")
    exercise(data, "places.sqlite")
