"""Imports started from the web page, run in background threads and watched by the page.

The registry lives in the process's memory: a job is keyed by an unguessable id, belongs
to one member (anyone else is told it does not exist), and is forgotten a few hours after
it ends; what it imported stays in the vault and its batches are listed for good.

Uploaded files are plaintext personal data. A job's upload folder is deleted as soon as
its import ends, whether it succeeded or failed, before the page may say it is finished.
Folders left behind by a process that died mid-import are swept when a later job starts.
A crash in the background thread marks the job failed; it never reaches the server.
"""

from __future__ import annotations

import enum
import logging
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from holoptic.clock import Clock
from holoptic.errors import HolopticError
from holoptic.importers.model import FileReport, ImportReport
from holoptic.importers.service import Progress
from holoptic.web.errors import ImportJobNotFound

log = logging.getLogger("holoptic.web.jobs")
JOB_TTL = timedelta(hours=6)
RUNNING_AT_ONCE = 2  # imports are disk- and CPU-heavy; later ones wait their turn
CRASHED = "web.internal_error"

Runner = Callable[[Progress], ImportReport]


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Job:
    """A snapshot of one import job, safe to read while its thread goes on."""

    id: str
    member_id: str
    uploads: tuple[str, ...]
    created_at: datetime
    state: JobState = JobState.QUEUED
    files: tuple[FileReport, ...] = ()
    current: str | None = None
    current_records: int = 0
    finished_at: datetime | None = None
    report: ImportReport | None = None
    error_code: str | None = None
    error_detail: str | None = None
    uploads_deleted: bool = False

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def files_done(self) -> int:
        return len(self.files)

    @property
    def files_seen(self) -> int:
        """Files met so far: archives are opened as the import goes, so the total grows."""
        return self.files_done + (1 if self.current is not None else 0)

    @property
    def records_added(self) -> int:
        return sum(f.records_added for f in self.files)

    def elapsed(self, now: datetime) -> timedelta:
        return max((self.finished_at or now) - self.created_at, timedelta(0))


@dataclass
class _Entry:
    job: Job
    folder: Path
    lock: threading.Lock = field(default_factory=threading.Lock)


class _JobProgress(Progress):
    """Feeds the import service's progress hooks into the job's snapshot."""

    def __init__(self, registry: JobRegistry, job_id: str) -> None:
        self._registry, self._id = registry, job_id

    def file_started(self, name: str, size: int) -> None:
        self._registry._update(self._id, current=name, current_records=0)

    def records(self, name: str, count: int) -> None:
        self._registry._update(self._id, current=name, current_records=count)

    def file_done(self, report: FileReport) -> None:
        self._registry._add_file(self._id, report)


class JobRegistry:
    """Thread-safe, in-memory: every import job of this process."""

    def __init__(self, clock: Clock, uploads: Path, ttl: timedelta = JOB_TTL) -> None:
        self._clock, self._uploads, self._ttl = clock, uploads, ttl
        self._jobs: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(RUNNING_AT_ONCE)

    @staticmethod
    def new_id() -> str:
        return secrets.token_urlsafe(24)

    def folder(self, job_id: str) -> Path:
        """Where a job's uploads go: ``$HOLOPTIC_HOME/uploads/<job-id>/``."""
        return self._uploads / job_id

    def start(self, job_id: str, member_id: str, uploads: list[str], run: Runner) -> Job:
        """Register the job and run ``run`` in a background thread."""
        self._sweep()
        job = Job(job_id, member_id, tuple(uploads), self._clock.now())
        with self._lock:
            self._jobs[job_id] = _Entry(job, self.folder(job_id))
        worker = threading.Thread(
            target=self._work, args=(job_id, run), name=f"import-{job_id[:8]}", daemon=True
        )
        worker.start()
        return job

    def get(self, job_id: str, member_id: str) -> Job:
        """The member's job, or ``ImportJobNotFound`` (also for another member's job)."""
        self._forget_old()
        with self._lock:
            entry = self._jobs.get(job_id)
        if entry is None or entry.job.member_id != member_id:
            raise ImportJobNotFound("no such import job for this member")
        with entry.lock:
            return entry.job

    def jobs_of(self, member_id: str) -> list[Job]:
        """The member's jobs still remembered, newest first."""
        self._forget_old()
        with self._lock:
            entries = list(self._jobs.values())
        jobs = [e.job for e in entries if e.job.member_id == member_id]
        return sorted(jobs, key=lambda job: job.created_at, reverse=True)

    def _work(self, job_id: str, run: Runner) -> None:
        code: str | None = None
        detail: str | None = None
        report: ImportReport | None = None
        try:
            with self._slots:
                self._update(job_id, state=JobState.RUNNING)
                report = run(_JobProgress(self, job_id))
        except HolopticError as exc:
            log.warning("import job %s failed: %s (%s)", job_id, exc.message, exc.code)
            code, detail = exc.code, exc.message
        except Exception:
            log.exception("import job %s crashed", job_id)
            code, detail = CRASHED, "the import stopped unexpectedly; it has been logged"
        finally:
            deleted = _delete(self.folder(job_id))
        state = JobState.DONE if report is not None else JobState.FAILED
        files = report.files if report is not None else None
        self._finish(job_id, state, report, files, code, detail, deleted)

    def _finish(
        self,
        job_id: str,
        state: JobState,
        report: ImportReport | None,
        files: tuple[FileReport, ...] | None,
        code: str | None,
        detail: str | None,
        deleted: bool,
    ) -> None:
        entry = self._entry(job_id)
        with entry.lock:
            entry.job = replace(
                entry.job,
                state=state,
                report=report,
                files=entry.job.files if files is None else files,
                current=None,
                finished_at=self._clock.now(),
                error_code=code,
                error_detail=detail,
                uploads_deleted=deleted,
            )

    def _update(self, job_id: str, **changes: object) -> None:
        entry = self._entry(job_id)
        with entry.lock:
            entry.job = replace(entry.job, **changes)  # type: ignore[arg-type]

    def _add_file(self, job_id: str, report: FileReport) -> None:
        entry = self._entry(job_id)
        with entry.lock:
            entry.job = replace(entry.job, files=(*entry.job.files, report), current=None)

    def _entry(self, job_id: str) -> _Entry:
        with self._lock:
            return self._jobs[job_id]

    def _forget_old(self) -> None:
        horizon = self._clock.now() - self._ttl
        with self._lock:
            old = [
                key
                for key, entry in self._jobs.items()
                if entry.job.finished_at is not None and entry.job.finished_at < horizon
            ]
            for key in old:
                del self._jobs[key]

    def _sweep(self) -> None:
        """Delete upload folders no live job owns and nobody touched for ``ttl``.

        They are what a process killed mid-import leaves behind. The age test keeps the
        folders of uploads still arriving, or of another worker process, out of reach.
        """
        if not self._uploads.is_dir():
            return
        with self._lock:
            live = set(self._jobs)
        cutoff = time.time() - self._ttl.total_seconds()
        for folder in self._uploads.iterdir():
            if folder.name not in live and folder.is_dir() and folder.stat().st_mtime < cutoff:
                log.warning("deleting the leftover upload folder %s", folder.name)
                _delete(folder)


def _delete(folder: Path) -> bool:
    """Remove an upload folder; say whether it is gone (failures are logged, not raised)."""

    def report(function: object, path: str, error: object) -> None:
        log.error("could not delete %s: %s", path, error)

    if folder.exists():
        shutil.rmtree(folder, onerror=report)  # onexc needs Python 3.12
    return not folder.exists()
