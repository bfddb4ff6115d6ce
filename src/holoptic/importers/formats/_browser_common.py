"""What the browser history importers share: turning browser clocks into UTC, visits
into records, and the shape of an importer that reads visits from a database.

Each browser keeps one row per visit; each visit becomes one ``browsing.visit`` record
(never a per-URL visit count, which would double on a later, overlapping import).
Records are content-addressed, so the same visit read again stores nothing new.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta

from holoptic.importers.errors import MalformedFile
from holoptic.importers.formats._browser_sqlite import (
    SQLITE_ERRORS,
    Row,
    Schema,
    binary_named,
    malformed,
    open_database,
    read_schema,
    rows,
    schema_of,
)
from holoptic.importers.model import Emit, ParseEvent, Rejected, SourceFile

KIND = "browsing.visit"
MAX_URL = 32_768  # longer URLs are skipped: a flush holds thousands of records in memory
MAX_TITLE = 4_096  # Firefox's own cap; longer titles are cut

# Microseconds since the Unix epoch of the plausible range for a browser visit.
EARLIEST_US = 631_152_000_000_000  # 1990-01-01: before the web, a time is a broken clock
LATEST_US = 4_102_444_800_000_000  # 2100-01-01
CHROME_EPOCH_US = 11_644_473_600_000_000  # 1601-01-01 to 1970-01-01
COCOA_EPOCH_S = 978_307_200  # 1970-01-01 to 2001-01-01
_UNIX = datetime(1970, 1, 1)  # naive on purpose: formatted with a "Z" below
OUT_OF_RANGE = "visit time missing or out of range (before 1990 or after 2100)"


# --- time -----------------------------------------------------------------------------


def iso_from_unix_us(micros: object) -> str | None:
    """UTC ISO 8601 with a ``Z`` for microseconds since 1970, or None if implausible."""
    if type(micros) is not int or not EARLIEST_US <= micros < LATEST_US:
        return None
    return (_UNIX + timedelta(microseconds=micros)).isoformat() + "Z"


def unix_us_from_seconds(seconds: object, epoch_s: int = 0) -> int | None:
    """Seconds (integer or real) since ``epoch_s`` as whole microseconds since 1970."""
    if type(seconds) is int:
        return (seconds + epoch_s) * 1_000_000
    if type(seconds) is float and math.isfinite(seconds) and abs(seconds) < 1e13:
        return round(seconds * 1_000_000) + epoch_s * 1_000_000
    return None


def scaled(value: object, factor: int, offset: int = 0) -> int | None:
    """An integer time in some unit, as microseconds since 1970 (None if not an integer)."""
    if type(value) is not int:
        return None
    return value * factor - offset


# --- records --------------------------------------------------------------------------


def visit_event(
    location: str,
    micros: int | None,
    url: object,
    title: object,
    browser: str,
    extra: Mapping[str, object] | None = None,
) -> ParseEvent:
    """One visit as a record, or the reason it is skipped."""
    if not isinstance(url, str) or not url:
        return Rejected(location, "the visit has no URL")
    if len(url) > MAX_URL:
        return Rejected(location, f"URL longer than {MAX_URL} characters")
    time = iso_from_unix_us(micros)
    if time is None:
        return Rejected(location, OUT_OF_RANGE)
    record: dict[str, object] = {"time": time, "url": url, "browser": browser}
    if isinstance(title, str) and title:
        record["title"] = title[:MAX_TITLE]
    if extra:
        record.update(extra)
    return Emit(KIND, record)


class VisitsImporter:
    """A browser database read as visits; subclasses say which tables and how."""

    format = "browser.unknown"
    version = "1"
    file_names: frozenset[str] = frozenset()

    def recognises(self, schema: Schema) -> bool:
        raise NotImplementedError

    def reader(self, schema: Schema) -> tuple[str, Callable[[Row], ParseEvent]]:
        """The query to run and how each of its rows becomes an event."""
        raise NotImplementedError

    def sniff(self, source: SourceFile) -> bool:
        schema = schema_of(source)
        if schema is None:
            return binary_named(source, self.file_names)
        return self.recognises(schema)

    def parse(self, source: SourceFile) -> Iterator[ParseEvent]:
        with open_database(source) as conn:
            try:
                schema = read_schema(conn)
            except SQLITE_ERRORS as exc:
                raise malformed(source.name, exc) from None
            if not self.recognises(schema):
                raise MalformedFile(f"{source.name}: the history tables are missing or damaged")
            sql, convert = self.reader(schema)
            for row in rows(conn, sql, source.name):
                yield convert(row)
