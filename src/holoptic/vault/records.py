"""Pure helpers on records: canonical form, grouping per day, periods, and the cache of
the records a file's transaction has seen per day.

Records are JSON objects. Their canonical form (sorted keys, no spaces, UTF-8) is what
makes storage content-addressed: the same record always serialises to the same bytes.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import orjson

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


@dataclass(frozen=True, slots=True)
class DayLines:
    """The canonical lines of one UTC day, each once, sorted, as one text (a newline
    after each: a blob's plain text), their count and the period their times cover."""

    day: date
    text: str
    count: int
    start: datetime
    end: datetime

    def lines(self) -> list[str]:
        return self.text.split("\n")[:-1]

    def joined(self, other: DayLines) -> DayLines:
        """This day and more lines of it, as one."""
        lines = sorted(set(self.lines()).union(other.lines()))
        start, end = min(self.start, other.start), max(self.end, other.end)
        return DayLines(self.day, encode_text(lines), len(lines), start, end)


def group_lines(lines: list[str], times: list[str], uniform: bool) -> list[DayLines]:
    """Lines per UTC day, in day order, given each one's time as UTC text of one of two
    fixed forms: ``…SS.mmmZ`` (24 characters; ``uniform`` when all are) or
    ``…SS.ffffffZ`` (27). Text order is then time order, so the usual chunk (already in
    time order) is cut into days by bisection, with no work per line in Python."""
    if not uniform:
        if any(len(time) not in (24, 27) for time in times):
            raise InvalidRecords("a line's time is not in a sortable UTC form")
        times = [time if len(time) == 27 else time[:23] + "000Z" for time in times]
    if times != sorted(times):
        pairs = sorted(zip(times, lines, strict=True))
        times, lines = [time for time, _ in pairs], [line for _, line in pairs]
    days: list[DayLines] = []
    first = 0
    while first < len(times):
        day = times[first][:10]
        end = bisect_left(times, day + "U", first)  # every time of the day is day + "T…"
        unique = sorted(set(lines[first:end]))
        start, last = parse_time(times[first]), parse_time(times[end - 1])
        days.append(
            DayLines(date.fromisoformat(day), encode_text(unique), len(unique), start, last)
        )
        first = end
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


def encode_text(lines: list[str]) -> str:
    """Lines as a blob's plain text, each followed by a newline."""
    return "\n".join(lines) + "\n" if lines else ""


def encode_lines(lines: Iterable[str]) -> bytes:
    return encode_text(lines if isinstance(lines, list) else list(lines)).encode()


_AS_ZEROS = bytes.maketrans(b"123456789", b"000000000")  # then one C find, not a regex
_LONG_NUMBER = b"0" * 19


def decode_lines(payload: bytes) -> list[dict[str, Any]]:
    """The records of a blob: one ``orjson.loads`` of the lines as an array (the gate's
    hot path: a raw release decodes every record it hands over). Lines end at ``\n``
    only: canonical JSON writes U+2028 and U+2029 raw, and ``splitlines`` would cut a
    record there. orjson reads an integer beyond 64 bits as a float, so a blob with 19
    digits in a row (rare: a long number, maybe in a string) goes the standard library's
    way, line by line, as does what orjson refuses (NaN, a lone surrogate escape, a
    broken line: the error then names the line)."""
    body = payload.rstrip(b"\n")
    if not body:
        return []
    if _LONG_NUMBER not in body.translate(_AS_ZEROS):
        try:
            decoded: list[dict[str, Any]] = orjson.loads(b"[" + body.replace(b"\n", b",") + b"]")
            return decoded
        except orjson.JSONDecodeError:
            pass
    return [json.loads(line) for line in payload.decode().split("\n") if line]


_ASK_FIRST = 32  # days looked up one by one before the kind's span is asked for


class BucketCache:
    """The record identities of recently touched days, for one file's transaction.

    Identities are kept as text (the canonical line itself for most kinds): comparing
    them is exact and costs no hashing beyond Python's own. A day just written whole is
    kept as its blob's text, made a set only if the day comes again (rarely: a file in
    time order comes back to a day only where its parts meet). Bounded by the number of
    identities held; the least recently used days are forgotten first and simply read
    again if needed.
    """

    def __init__(self, capacity: int = 20_000, ask_first: int = _ASK_FIRST) -> None:
        self._capacity, self._ask_first = capacity, ask_first
        self._days: OrderedDict[tuple[str, date], set[str] | DayLines] = OrderedDict()
        # each day's size when it was put: the writer grows a day's set in place before
        # putting it back, so the set's own size then would count the growth out
        self._counted: dict[tuple[str, date], int] = {}
        self._size = 0
        self._before: dict[str, tuple[date, date] | None] = {}
        self._written: set[tuple[str, date]] = set()
        self._asked = 0

    def may_hold(
        self, bucket: tuple[str, date], before: Callable[[], tuple[date, date] | None]
    ) -> bool:
        """Whether the day may have items: it had some when the transaction began (its kind
        then spanned the days ``before()`` gives) or was written since. ``before`` is asked
        once per kind, and only once ``ask_first`` days were asked about (it may scan the
        member's items): a large first import then asks nothing of the database, day after
        day. Asked later, the span covers the days written since too, which is only safe: a
        file read in parts, whose days come out of order, asks it first (``ask_first=0``),
        before it writes anything, or every day between its parts would be read again."""
        kind, day = bucket
        if kind not in self._before:
            self._asked += 1
            if self._asked <= self._ask_first:
                return True
            self._before[kind] = before()
        span = self._before[kind]
        return bucket in self._written or (span is not None and span[0] <= day <= span[1])

    def wrote(self, bucket: tuple[str, date]) -> None:
        self._written.add(bucket)

    def get(self, bucket: tuple[str, date]) -> set[str] | None:
        found = self._days.get(bucket)
        if found is None:
            return None
        self._days.move_to_end(bucket)
        if isinstance(found, DayLines):
            found = self._days[bucket] = set(found.lines())
        return found

    def put(self, bucket: tuple[str, date], identities: set[str] | DayLines) -> None:
        """Keep a day's identities: a set, or the whole-line identities of a day's text."""
        self._days.pop(bucket, None)
        self._size -= self._counted.pop(bucket, 0)
        self._days[bucket] = identities
        self._counted[bucket] = _size(identities)
        self._size += self._counted[bucket]
        while self._size > self._capacity and len(self._days) > 1:
            evicted, _ = self._days.popitem(last=False)
            self._size -= self._counted.pop(evicted)

    @property
    def size(self) -> int:
        """The identities held (what the capacity bounds)."""
        return sum(map(_size, self._days.values()))


def _size(identities: set[str] | DayLines) -> int:
    return identities.count if isinstance(identities, DayLines) else len(identities)
