"""Driver-level SQL for the gate's hot statements.

For these small indexed statements SQLAlchemy's per-statement work (building, cache
keys, parameter processing: about 20 µs, compiled or ``exec_driver_sql``) costs several
times SQLite's own execution, so they go straight to the DB-API cursor of the unit of
work's connection, inside its transaction. The SQL is constant text marked with ``?``
(converted for PostgreSQL's driver); values are always bound, and times are converted
exactly as SQLAlchemy's ``DateTime`` type stores them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Dialect

from holoptic.db import schema as t
from holoptic.db.repos.vault import utc

_NAIVE_TEXT = len("2026-01-02 03:04:05.123456")  # SQLAlchemy's SQLite DATETIME text


def driver_rows(connection: Connection, sql: str, params: Sequence[Any]) -> list[Any]:
    """The rows of one constant ``?``-marked statement, read through the DB-API cursor
    of ``connection`` (in its transaction)."""
    cursor = connection.connection.cursor()
    try:
        cursor.execute(driver_sql(connection.dialect.paramstyle, sql), params)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def driver_write(connection: Connection, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """Run one constant ``?``-marked statement once per row of parameters."""
    cursor = connection.connection.cursor()
    try:
        statement = driver_sql(connection.dialect.paramstyle, sql)
        if len(rows) == 1:
            cursor.execute(statement, rows[0])
        else:
            cursor.executemany(statement, rows)
    finally:
        cursor.close()


def driver_count(connection: Connection, sql: str, params: Sequence[Any]) -> int:
    """Run one constant ``?``-marked statement once; the rows it changed."""
    cursor = connection.connection.cursor()
    try:
        cursor.execute(driver_sql(connection.dialect.paramstyle, sql), params)
        return int(cursor.rowcount)
    finally:
        cursor.close()


@lru_cache(maxsize=256)
def driver_sql(paramstyle: str, sql: str) -> str:
    """``sql`` with its ``?`` marks in the driver's style (no statement holds a literal
    ``?`` or ``%``)."""
    return sql if paramstyle == "qmark" else sql.replace("?", "%s")


def marks(count: int) -> str:
    return ", ".join(["?"] * count)


def stored_time(value: Any) -> datetime | None:
    """A time column as the driver hands it: SQLite gives SQLAlchemy's text of the UTC
    time without an offset (read here as UTC in one call: ``replace`` costs four times
    the parse), PostgreSQL a datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        if len(value) <= _NAIVE_TEXT:
            return datetime.fromisoformat(value + "+00:00")
        return utc(datetime.fromisoformat(value))
    return utc(value)


def stored_day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


@lru_cache(maxsize=8)
def _time_binder(dialect: Dialect) -> Any:
    kind = t.uses.c.created_at.type.dialect_impl(dialect)
    return kind.bind_processor(dialect)


def bound_time(connection: Connection, value: datetime | None) -> Any:
    """A time as SQLAlchemy's DateTime type binds it for the connection's dialect."""
    process = _time_binder(connection.dialect)
    return process(value) if process and value is not None else value
