"""A file of one kind of entry, streamed as days of canonical lines, chunk by chunk.

The vault stores canonical lines, so a format that can write an entry's line directly
(``LineImporter``) skips building a record dict and encoding it again. Lines are grouped
per UTC day, sorted, and joined into the text an item will hold: a day usually reaches
the vault ready to be sealed, and crosses a process boundary as one string (``workers``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from holoptic.importers.formats._google_common import ITEM_ERRORS, reason
from holoptic.importers.formats._google_json import GuardedReader, json_items
from holoptic.importers.model import LineImporter, SourceFile
from holoptic.vault.records import DayLines, group_lines

CHUNK = 10_000


@dataclass(frozen=True, slots=True)
class LineChunk:
    """What consecutive entries gave: days of lines (a day that may go on in the next
    chunk is held back, unless it is already a chunk long), the entries rejected
    (position and reason), the entries read so far and the lines in this chunk.

    Positions count from the start of the part a worker read.
    """

    days: list[DayLines]
    rejected: list[tuple[int, str]]
    entries: int
    records: int


def line_chunks(
    importer: LineImporter, entries: Iterator[object], reader: GuardedReader, size: int = CHUNK
) -> Iterator[LineChunk]:
    """Chunks of about ``size`` entries; the last one (perhaps empty) ends the stream."""
    line_of = importer.line
    lines: list[str] = []
    times: list[str] = []
    rejected: list[tuple[int, str]] = []
    uniform, held, count = True, None, 0
    for count, entry in enumerate(entries, start=1):
        reader.mark()
        try:
            line, time = line_of(entry)
        except ITEM_ERRORS as exc:
            rejected.append((count - 1, reason(exc)))
        else:
            lines.append(line)
            times.append(time)
            if len(time) != 24:
                uniform = False
        if len(lines) + len(rejected) >= size:
            days, held = _carry(held, group_lines(lines, times, uniform))
            yield LineChunk(days, rejected, count, len(lines))
            lines, times, rejected, uniform = [], [], [], True
    days, last = _carry(held, group_lines(lines, times, uniform))
    yield LineChunk(days if last is None else [*days, last], rejected, count, len(lines))


def _carry(held: DayLines | None, days: list[DayLines]) -> tuple[list[DayLines], DayLines | None]:
    """The days to store now, and the day to hold back: the held day joins its next part."""
    if held is not None:
        if days and days[0].day == held.day:
            days[0] = held.joined(days[0])
        else:
            days.insert(0, held)
    if days and days[-1].count < CHUNK:
        last = days.pop()
        return days, last
    return days, None


def read_lines(importer: LineImporter, source: SourceFile) -> Iterator[LineChunk]:
    """The whole file in this process; errors are ``parse``'s (``MalformedFile``, …)."""
    with json_items(source, f"{importer.array}.item") as (reader, entries):
        yield from line_chunks(importer, entries, reader)
