"""Engines for SQLite (the embedded default) and PostgreSQL.

SQLite gets WAL, foreign keys and ``secure_delete`` (deleted rows are zeroed on disk, one
more guard behind encryption) on every connection, and a database file gets a background
checkpointer (``checkpointer``): commits no longer copy the WAL into the file themselves.
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from holoptic.db.checkpointer import BACKSTOP_PAGES, Checkpointer
from holoptic.errors import ConfigurationError


def build_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` with the pragmas Holoptic relies on."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigurationError(f"HOLOPTIC_DATABASE_URL is not a database URL: {url!r}") from None
    if parsed.get_backend_name() == "sqlite":
        return _sqlite(url, parsed.database, **kwargs)
    if parsed.get_backend_name() == "postgresql":
        return _postgresql(url, **kwargs)
    raise ConfigurationError(
        f"unsupported database {parsed.get_backend_name()!r}: use sqlite or postgresql"
    )


def _postgresql(url: str, **kwargs: Any) -> Engine:
    engine = create_engine(url, pool_pre_ping=True, **kwargs)

    @event.listens_for(engine, "connect")
    def _plans(dbapi_connection: Any, _record: Any) -> None:
        # Plan each statement for its own parameters. The driver prepares a statement
        # run five times, and PostgreSQL then may keep one generic plan, costed with the
        # statistics of that moment: for a table that was small then (a new deployment,
        # a ledger's transfers), it stays a sequential scan as the table grows, until
        # autovacuum analyses it. The idempotency lookup of a payment batch cost 3.4 ms so
        # at 12,000 transfers instead of 0.2 ms (docs/architecture.md).
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET plan_cache_mode = force_custom_plan")
        dbapi_connection.commit()

    return engine


def _sqlite(url: str, database: str | None, **kwargs: Any) -> Engine:
    in_memory = database == ":memory:" or url.startswith("sqlite:///file:")
    file = None if in_memory else database  # a file of its own: its WAL needs checkpoints
    if file:
        Path(file).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
    if file:
        _checkpoint_in_background(engine, file)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, say when transactions begin (savepoints work).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # A unit of work that will write says so (``holoptic_write``) and takes the write
        # lock up front: upgrading a read transaction later fails at once, instead of
        # waiting, when another writer committed in between.
        write = connection.get_execution_options().get("holoptic_write", False)
        cursor = connection.connection.cursor()  # on the driver: every transaction pays it
        cursor.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        cursor.close()

    return engine


def _checkpoint_in_background(engine: Engine, database: str) -> None:
    """Commits wake the engine's checkpointer; disposing of the engine (or losing it)
    stops its thread."""
    checkpointer = Checkpointer(database)

    @event.listens_for(engine, "commit")
    def _committed(_connection: Any) -> None:
        checkpointer.committed()

    @event.listens_for(engine, "engine_disposed")
    def _disposed(_engine: Any) -> None:
        checkpointer.stop()

    weakref.finalize(engine, checkpointer.stop)
