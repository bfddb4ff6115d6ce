"""SQLite's write-ahead log is copied into the database file by a thread, not by commits.

A commit in WAL mode appends pages to the ``-wal`` file; a checkpoint later copies them
into the database file. By default the commit that takes the WAL past 1,000 pages runs
that checkpoint itself, so one caller in a few hundred waits for it: at a million usage
log leaves it was 12 % of the append time (py-spy, ``pwrite`` in ``sqlite3WalCheckpoint``).

Here commits only say that they happened. A thread per database file, started by the
first commit, then runs a PASSIVE checkpoint at most every ``interval`` seconds: it copies
what no reader still needs and never waits for, nor blocks, a reader or a writer. The
driver releases the GIL while SQLite works, so on a machine with a spare core the copy
costs commits nothing. Commits still checkpoint themselves past ``BACKSTOP_PAGES``, should
the thread fall behind or stop.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

BACKSTOP_PAGES = 10_000  # wal_autocheckpoint for every connection (40 MB at 4 KiB pages)
INTERVAL = 0.1  # seconds between two checkpoints, at most one per interval

log = logging.getLogger(__name__)


class Checkpointer:
    """Background PASSIVE checkpoints of one SQLite database file."""

    def __init__(self, database: str, interval: float = INTERVAL) -> None:
        self._database = database
        self._interval = interval
        self._committed = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()  # the running thread's own: a new one gets a new one
        self.checkpoints = 0  # how many ran (for tests and diagnostics)

    def committed(self) -> None:
        """Called after each commit (cheap): wake the thread, starting it if needed."""
        self._committed.set()
        if self._thread is None:
            self._start()

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._stop = threading.Event()
                name = "holoptic-checkpointer"
                self._thread = threading.Thread(
                    target=self._run, args=(self._stop,), name=name, daemon=True
                )
                self._thread.start()

    def stop(self) -> None:
        """Stop the thread (after the checkpoint it may be running); a later commit
        starts another."""
        with self._lock:
            thread, self._thread = self._thread, None
            stop = self._stop
        stop.set()  # before waking it: a thread that wakes finds it set
        self._committed.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def _run(self, stop: threading.Event) -> None:
        connection = sqlite3.connect(self._database, isolation_level=None)
        try:
            while self._committed.wait() and not stop.wait(self._interval):
                self._committed.clear()
                if stop.is_set():  # stopped after the wait: its wake-up may be cleared
                    return
                self._checkpoint(connection)
        finally:
            connection.close()

    def _checkpoint(self, connection: sqlite3.Connection) -> None:
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            self.checkpoints += 1
        except sqlite3.Error as error:  # the commits' own checkpoints remain
            log.warning("checkpoint of %s failed: %s", self._database, error)
