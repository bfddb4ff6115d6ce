"""Running an import: detect each file, store it in its own transaction, report.

All-or-nothing per file: the batch row and every item of a file are written in one
transaction, so a file that fails (or a process killed half-way) leaves nothing of it
behind, and running the import again completes it. A file whose exact bytes were already
imported for this member is recognised by its SHA-256 and not parsed again.

A format that writes canonical lines itself (``LineImporter``) takes the fast lane
(``line_store``); a large file of one is read in worker processes, and should they fail
(a bad cut, a broken file), it is imported again in this process alone.
"""

from __future__ import annotations

import gc
import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

from holoptic.clock import Clock
from holoptic.errors import HolopticError
from holoptic.importers.errors import ImportFileError
from holoptic.importers.line_store import REJECTED_KEPT, Counts, Parallel, started, store_lines
from holoptic.importers.model import (
    Emit,
    FileError,
    FileReport,
    Importer,
    ImportReport,
    LineImporter,
    Record,
    Rejected,
    SourceFile,
)
from holoptic.importers.registry import detect
from holoptic.importers.sources import Limits, Problem, walk
from holoptic.importers.workers import Workers, WorkersFailed
from holoptic.vault.model import BatchStatus, ImportBatch
from holoptic.vault.ports import VaultRepository, VaultUnitOfWork
from holoptic.vault.records import BucketCache
from holoptic.vault.service import VaultService, new_id
from holoptic.vault.store import ItemStore

log = logging.getLogger(__name__)
FLUSH_EVERY = 20_000


class Progress:
    """Hooks for progress bars; the default does nothing."""

    def file_started(self, name: str, size: int) -> None:
        return None

    def records(self, name: str, count: int) -> None:
        return None

    def file_done(self, report: FileReport) -> None:
        return None


class ImportService:
    def __init__(
        self,
        uow: Callable[[], VaultUnitOfWork],
        vault: VaultService,
        items: ItemStore,
        importers: Sequence[Importer],
        clock: Clock,
        parallel: Parallel | None = None,
    ) -> None:
        self._uow, self._vault, self._items = uow, vault, items
        self._importers, self._clock = tuple(importers), clock
        self._parallel = parallel or Parallel()

    def run(
        self,
        member_id: str,
        paths: Iterable[Path],
        limits: Limits | None = None,
        progress: Progress | None = None,
    ) -> ImportReport:
        """Import every file under ``paths`` for ``member_id``."""
        self._vault.member(member_id)  # a clear error before touching any file
        progress = progress or Progress()
        import_id = new_id()
        reports: list[FileReport] = []
        with ExitStack() as stack, _relaxed_gc():
            for item in walk(list(paths), limits or Limits(), stack):
                if isinstance(item, Problem):
                    report = FileReport(item.name, None, error=_error(item.error))
                else:
                    report = self._one(member_id, import_id, item, progress)
                progress.file_done(report)
                reports.append(report)
        return ImportReport(import_id, tuple(reports))

    def _one(
        self, member_id: str, import_id: str, source: SourceFile, progress: Progress
    ) -> FileReport:
        try:
            importer = detect(source, self._importers)
        except (ImportFileError, OSError) as exc:
            return FileReport(source.name, None, error=_error(exc))
        if importer is None:
            return FileReport(source.name, None)
        progress.file_started(source.name, source.size)
        file, digest = (member_id, import_id, source, importer, progress), ""
        try:
            try:
                with started(importer, source, self._parallel) as workers:
                    digest = _sha256(source)
                    return self._store_file(*file, digest, workers)
            except WorkersFailed as failure:  # rolled back: read it again, in this process
                log.info("reading %s in this process: %s", source.name, failure)
                return self._store_file(*file, digest or _sha256(source), None)
        except HolopticError as exc:
            return self._failed(member_id, import_id, source, importer, exc)
        except Exception as exc:  # a parser bug must not stop the other files
            log.exception("importer %s crashed on %s", importer.format, source.name)
            crash = ImportFileError(f"{source.name}: the importer failed ({type(exc).__name__})")
            return self._failed(member_id, import_id, source, importer, crash)

    def _store_file(
        self,
        member_id: str,
        import_id: str,
        source: SourceFile,
        importer: Importer,
        progress: Progress,
        digest: str,
        workers: Workers | None,
    ) -> FileReport:
        batch = ImportBatch(
            id=new_id(),
            member_id=member_id,
            file_name=source.name[-500:],
            sha256=digest,
            format=importer.format,
            importer_version=importer.version,
            status=BatchStatus.RUNNING,
            records_added=0,
            records_duplicate=0,
            items_added=0,
            started_at=self._clock.now(),
            finished_at=None,
            import_id=import_id,
        )
        with self._uow() as uow:
            earlier = _done_before(uow.vault, member_id, digest, importer)
            if earlier is not None:
                return FileReport(
                    source.name,
                    importer.format,
                    records_duplicate=earlier.records_added + earlier.records_duplicate,
                    batch_id=earlier.id,
                )
            uow.vault.add_batch(batch)
            if isinstance(importer, LineImporter):
                counts, rejected, rejected_total = store_lines(
                    self._items,
                    uow.vault,
                    member_id,
                    batch.id,
                    importer,
                    source,
                    lambda seen: progress.records(source.name, seen),
                    workers,
                )
            else:
                counts, rejected, rejected_total = self._pump(
                    uow.vault, member_id, batch, importer, source, progress
                )
            uow.vault.finish_batch(
                batch.id,
                BatchStatus.DONE,
                (counts.added, counts.duplicate, counts.items),
                self._clock.now(),
            )
        return FileReport(
            source.name,
            importer.format,
            counts.added,
            counts.duplicate,
            counts.items,
            tuple(rejected),
            rejected_total,
            batch_id=batch.id,
        )

    def _pump(
        self,
        repo: VaultRepository,
        member_id: str,
        batch: ImportBatch,
        importer: Importer,
        source: SourceFile,
        progress: Progress,
    ) -> tuple[Counts, list[Rejected], int]:
        counts, rejected_total = Counts(), 0
        rejected: list[Rejected] = []
        buffers: dict[str, list[Record]] = defaultdict(list)
        cache = BucketCache()
        seen = 0
        for event in importer.parse(source):
            if isinstance(event, Emit):
                buffers[event.kind].append(event.record)
                seen += 1
                if seen % FLUSH_EVERY == 0:
                    self._flush(repo, member_id, batch.id, buffers, counts, cache)
                    progress.records(source.name, seen)
            else:
                rejected_total += 1
                if len(rejected) < REJECTED_KEPT:
                    rejected.append(event)
        self._flush(repo, member_id, batch.id, buffers, counts, cache)
        progress.records(source.name, seen)
        return counts, rejected, rejected_total

    def _flush(
        self,
        repo: VaultRepository,
        member_id: str,
        batch_id: str,
        buffers: dict[str, list[Record]],
        counts: Counts,
        cache: BucketCache,
    ) -> None:
        for kind, records in buffers.items():
            if records:
                counts.add(self._items.store_in(repo, member_id, kind, records, batch_id, cache))
        buffers.clear()

    def _failed(
        self,
        member_id: str,
        import_id: str,
        source: SourceFile,
        importer: Importer,
        error: HolopticError,
    ) -> FileReport:
        """Record the failure in its own transaction (the file's records were rolled back)."""
        now = self._clock.now()
        with self._uow() as uow:
            batch = ImportBatch(
                new_id(),
                member_id,
                source.name[-500:],
                "",
                importer.format,
                importer.version,
                BatchStatus.FAILED,
                0,
                0,
                0,
                now,
                now,
                error.code,
                import_id,
            )
            uow.vault.add_batch(batch)
        return FileReport(source.name, importer.format, error=_error(error), batch_id=batch.id)


@contextmanager
def _relaxed_gc() -> Iterator[None]:
    """Collect cycles less often during an import: parsing allocates millions of
    short-lived, acyclic records, and the default thresholds spend a tenth of the time
    scanning them. It covers detection too, where a file's head, parsed into thousands of
    small objects, would otherwise set off a full collection of everything the process
    holds (about 40 ms once the application is loaded), before the workers could start."""
    previous = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def _done_before(
    repo: VaultRepository, member_id: str, digest: str, importer: Importer
) -> ImportBatch | None:
    for batch in repo.find_batches(member_id, digest):
        same = batch.format == importer.format and batch.importer_version == importer.version
        if same and batch.status is BatchStatus.DONE:
            return batch
    return None


def _sha256(source: SourceFile) -> str:
    digest = hashlib.sha256()
    with source.open() as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _error(exc: BaseException) -> FileError:
    if isinstance(exc, HolopticError):
        return FileError(exc.code, exc.message)
    return FileError("import.unreadable_input", str(exc))
