"""Storing a ``LineImporter``'s file: chunks of canonical lines, grouped per day.

The chunks come from this process for a small file, from worker processes (``workers``)
for a large one on a machine with cores to spare; either way they are stored here, in
the caller's transaction, so a file is still imported whole or not at all. Rejected
entries are numbered from the file's start whichever part they were found in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from holoptic.importers.lines import LineChunk, read_lines
from holoptic.importers.model import Importer, LineImporter, Rejected, SourceFile
from holoptic.importers.sources import DiskFile, ZipMember
from holoptic.importers.workers import MIN_BYTES, Workers, plan, worker_count
from holoptic.vault.model import StoreResult
from holoptic.vault.ports import VaultRepository
from holoptic.vault.records import BucketCache, DayLines
from holoptic.vault.store import ItemStore

REJECTED_KEPT = 100

Chunks = Iterator[tuple[int, LineChunk]]


@dataclass(frozen=True, slots=True)
class Parallel:
    """When a file is read in worker processes: from ``min_bytes``, with ``workers``
    processes (fewer than two: never)."""

    min_bytes: int = MIN_BYTES
    workers: int = field(default_factory=worker_count)


@dataclass
class Counts:
    added: int = 0
    duplicate: int = 0
    items: int = 0

    def add(self, result: StoreResult) -> None:
        self.added += result.records_added
        self.duplicate += result.records_duplicate
        self.items += result.items_added


@dataclass
class _Rejections:
    """The first rejections of each part (positions within the part) and their count."""

    kept: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    total: int = 0

    def note(self, part: int, rejected: list[tuple[int, str]]) -> None:
        self.total += len(rejected)
        kept = self.kept.setdefault(part, [])
        kept.extend(rejected[: max(0, REJECTED_KEPT - len(kept))])

    def report(self, array: str, starts: list[int]) -> list[Rejected]:
        found = [
            Rejected(f"{array}[{starts[part] + position}]", reason)
            for part in sorted(self.kept)
            for position, reason in self.kept[part]
        ]
        return found[:REJECTED_KEPT]


@contextmanager
def started(
    importer: Importer, source: SourceFile, parallel: Parallel | None
) -> Iterator[Workers | None]:
    """Workers reading the file already, when it is worth it (started before the file is
    hashed, which they overlap), else None: the file is read in this process."""
    if (
        not isinstance(importer, LineImporter)
        or parallel is None
        or parallel.workers < 2
        or source.size < parallel.min_bytes
        or not isinstance(source, DiskFile | ZipMember)
    ):
        yield None
        return
    with _on_disk(source) as path:
        parts = plan(path, importer.array, parallel.workers)
        if not parts:
            yield None
            return
        with Workers(importer, path, source.name, parts) as workers:
            yield workers


def store_lines(
    items: ItemStore,
    repo: VaultRepository,
    member_id: str,
    batch_id: str,
    importer: LineImporter,
    source: SourceFile,
    on_records: Callable[[int], None],
    workers: Workers | None,
) -> tuple[Counts, list[Rejected], int]:
    """Store the file's records, read by ``workers`` or here; ``WorkersFailed`` if the
    workers could not read it."""
    counts, rejections = Counts(), _Rejections()
    # Parts come interleaved: the vault's span for the kind is asked before any day is
    # written (see BucketCache.may_hold), not after 32 days, when it spans the parts too.
    cache = BucketCache() if workers is None else BucketCache(ask_first=0)
    entries = [0] if workers is None else workers.entries
    chunks = _alone(importer, source, entries) if workers is None else workers.chunks()
    days = _days(chunks, rejections, on_records)
    # One store call for the whole file: the member's key is read once, not once a chunk,
    # and items are written 64 at a time, not a chunk's few at a time.
    counts.add(items.store_lines_in(repo, member_id, importer.kind, days, batch_id, cache))
    starts = [sum(entries[:part]) for part in range(len(entries))]
    return counts, rejections.report(importer.array, starts), rejections.total


def _days(
    chunks: Chunks, rejections: _Rejections, on_records: Callable[[int], None]
) -> Iterator[DayLines]:
    """The chunks' days; once a chunk's days are stored, its rejections are noted and the
    records seen so far reported."""
    seen = 0
    for part, chunk in chunks:
        yield from chunk.days
        rejections.note(part, chunk.rejected)
        seen += chunk.records
        on_records(seen)


def _alone(importer: LineImporter, source: SourceFile, entries: list[int]) -> Chunks:
    for chunk in read_lines(importer, source):
        entries[0] = chunk.entries
        yield 0, chunk


@contextmanager
def _on_disk(source: DiskFile | ZipMember) -> Iterator[Path]:
    """The file's path: an archive member is copied out first (workers seek in it)."""
    if isinstance(source, DiskFile):
        yield source.path
    else:
        with source.local_path() as path:
            yield path
