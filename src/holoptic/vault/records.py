"""Pure helpers on records: canonical form, grouping per day, periods.

Records are JSON objects. Their canonical form (sorted keys, no spaces, UTF-8) is what
makes storage content-addressed: the same record always serialises to the same bytes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from holoptic.vault.errors import InvalidRecords

TIME_FIELD = "time"


_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def canonical(record: Mapping[str, Any]) -> str:
    """One record as one canonical JSON line (one shared encoder: this is a hot path)."""
    try:
        return _ENCODER.encode(record)
    except (TypeError, ValueError) as exc:
        raise InvalidRecords(f"record is not plain JSON: {exc}") from None


def parse_time(value: object) -> datetime:
    """Read a record's ISO 8601 time; naive times are refused, not guessed."""
    if not isinstance(value, str):
        raise InvalidRecords(f"record time must be an ISO 8601 string, got {value!r}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidRecords(f"record time {value!r} is not ISO 8601") from None
    if moment.tzinfo is None:
        raise InvalidRecords(f"record time {value!r} has no timezone")
    return moment if moment.tzinfo is UTC else moment.astimezone(UTC)


Span = tuple[datetime, datetime]


def group_by_day(records: Iterable[Mapping[str, Any]]) -> dict[date, dict[str, Span]]:
    """Canonical lines per UTC day of their ``time``, each with its span; no duplicates."""
    days: dict[date, dict[str, Span]] = defaultdict(dict)
    for record in records:
        if not isinstance(record, Mapping):
            raise InvalidRecords(f"a record must be a JSON object, got {type(record).__name__}")
        if TIME_FIELD not in record:
            raise InvalidRecords(f"a time-series record needs a {TIME_FIELD!r} field")
        start = parse_time(record[TIME_FIELD])
        end = record.get("end")
        finish = parse_time(end) if isinstance(end, str) else start
        days[start.date()][canonical(record)] = (start, max(start, finish))
    return days


def span_of(spans: Iterable[Span]) -> tuple[datetime | None, datetime | None]:
    """Earliest start and latest end of some spans."""
    start: datetime | None = None
    end: datetime | None = None
    for first, last in spans:
        start = first if start is None or first < start else start
        end = last if end is None or last > end else end
    return start, end


def period_of(lines: Iterable[str]) -> tuple[datetime | None, datetime | None]:
    """Earliest and latest ``time`` (or ``start``/``end``) among canonical lines."""
    start: datetime | None = None
    end: datetime | None = None
    for line in lines:
        record = json.loads(line)
        for field in (TIME_FIELD, "start", "end"):
            if isinstance(record.get(field), str):
                moment = parse_time(record[field])
                start = moment if start is None or moment < start else start
                end = moment if end is None or moment > end else end
    return start, end


def encode_lines(lines: Iterable[str]) -> bytes:
    return "".join(line + "\n" for line in lines).encode()


def decode_lines(payload: bytes) -> list[dict[str, Any]]:
    """The records of a blob: one ``json.loads`` of the lines as an array (fast), or line
    by line when that fails, so the error names the line that is broken."""
    lines = [line for line in payload.decode().splitlines() if line]
    try:
        decoded = json.loads("[" + ",".join(lines) + "]")
    except json.JSONDecodeError:
        decoded = [json.loads(line) for line in lines]
    return decoded if isinstance(decoded, list) else [decoded]
