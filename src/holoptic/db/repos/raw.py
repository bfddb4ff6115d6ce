"""Driver-level SQL for the gate's hot statements: SQLAlchemy's per-statement work
(building, cache keys, parameter processing) costs more than SQLite's own execution
for these small single-row statements, so they bypass it. Names are constants."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from holoptic.db import schema as t


def insert_sql(connection: Connection, table: str, columns: Sequence[str]) -> str:
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    names = ", ".join(columns)
    return f"INSERT INTO {table} ({names}) VALUES ({', '.join([mark] * len(columns))})"  # noqa: S608


def stamp(connection: Connection, value: datetime) -> Any:
    """A time as the dialect binds it (SQLAlchemy's DateTime processing, done by hand)."""
    kind = t.uses.c.created_at.type.dialect_impl(connection.dialect)
    process = kind.bind_processor(connection.dialect)
    return process(value) if process else value
