"""The engine's per-connection settings, on each database."""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text

from holoptic.db.checkpointer import BACKSTOP_PAGES, Checkpointer
from holoptic.db.engine import build_engine
from tests.e2e.conftest import database_url  # noqa: F401  (the fixture, both databases)


def test_connections_carry_the_settings_holoptic_relies_on(database_url: str) -> None:  # noqa: F811
    engine = build_engine(database_url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
                assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
            else:  # a plan for each statement's own parameters, never a stale generic one
                mode = conn.execute(text("SHOW plan_cache_mode")).scalar_one()
                assert mode == "force_custom_plan"
            conn.rollback()
    finally:
        engine.dispose()


def checkpointers() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if thread.name == "holoptic-checkpointer"}


def wait_for(condition: Callable[[], bool]) -> bool:
    """Poll a condition for up to 20 s (a wait for the thread, not a timing)."""
    deadline = time.monotonic() + 20
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_a_thread_copies_the_wal_into_the_sqlite_file(tmp_path: Path) -> None:
    """Committed pages reach the database file with no commit checkpointing: the WAL
    holds 2 MB, far below the commits' own threshold (``BACKSTOP_PAGES``)."""
    database = tmp_path / "holoptic.db"
    others = checkpointers()  # other tests' engines may still have theirs
    engine = build_engine(f"sqlite:///{database}")
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB)"))
        with engine.begin() as conn:
            rows = [{"data": bytes(1000)} for _ in range(2000)]
            conn.execute(text("INSERT INTO blobs (data) VALUES (:data)"), rows)
        assert BACKSTOP_PAGES * 4096 > 2_000_000
        assert wait_for(lambda: database.stat().st_size > 2_000_000)
        (mine,) = checkpointers() - others
    finally:
        engine.dispose()
    assert not mine.is_alive()  # stopped and joined
    with engine.begin() as conn:  # a disposed engine still works, and checkpoints again
        conn.execute(text("INSERT INTO blobs (data) VALUES (x'00')"))
    (again,) = checkpointers() - others
    engine.dispose()
    assert not again.is_alive()


def test_the_backstop_is_set_on_every_connection(tmp_path: Path) -> None:
    engine = build_engine(f"sqlite:///{tmp_path / 'holoptic.db'}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA wal_autocheckpoint")).scalar_one() == BACKSTOP_PAGES
            conn.rollback()
    finally:
        engine.dispose()


def test_a_stop_between_waking_and_clearing_still_ends_the_thread(tmp_path: Path) -> None:
    """The race made certain: the thread, woken by a commit, is about to clear its
    wake-up when ``stop()`` sets it again. The thread must still end (it used to clear
    the stop's wake-up and wait for a commit for ever, and ``stop()`` with it)."""
    database = tmp_path / "holoptic.db"
    sqlite3.connect(database).execute("PRAGMA journal_mode=WAL").close()
    checkpointer = Checkpointer(str(database), interval=0)
    stopper = threading.Thread(target=checkpointer.stop, daemon=True)

    class StopLandsBeforeClear(threading.Event):
        def clear(self) -> None:
            if not stopper.is_alive() and stopper.ident is None:
                stopper.start()
                time.sleep(0.2)  # sequencing, not timing: stop() is now joining
            super().clear()

    checkpointer._committed = StopLandsBeforeClear()
    checkpointer.committed()
    assert wait_for(lambda: stopper.ident is not None)
    stopper.join(timeout=20)
    assert not stopper.is_alive(), "stop() hung"


def test_stops_at_random_points_never_hang(tmp_path: Path) -> None:
    database = tmp_path / "holoptic.db"
    sqlite3.connect(database).execute("PRAGMA journal_mode=WAL").close()
    checkpointer = Checkpointer(str(database), interval=0)
    for _ in range(200):
        checkpointer.committed()
        time.sleep(random.random() / 2000)
        stopper = threading.Thread(target=checkpointer.stop, daemon=True)
        stopper.start()
        stopper.join(timeout=10)
        assert not stopper.is_alive(), "stop() hung"
    assert checkpointer.checkpoints > 0
