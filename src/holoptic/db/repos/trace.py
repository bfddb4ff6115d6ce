"""Rows of the usage log: leaves (with their tree hashes), checkpoints and the state row.

The state row is the append lock. ``lock`` writes it first thing: on PostgreSQL that
takes its row lock until the transaction ends; on SQLite any write takes the database's
write lock (units of work that append open with ``BEGIN IMMEDIATE``, see ``db.engine``),
so appenders queue up instead of forking the tree.

Each leaf is one row: its bytes and ``hashes``, the leaf hash followed by the
hashes of the complete subtrees its append completed (node ``(level, index)`` lives in
the row of leaf ``(index+1)·2^level − 1``, see ``merkle.stored_at``). The append and proof
paths use raw driver SQL (multi-row INSERTs, one ``IN (...)`` query that also reads the
state): at a million leaves their cost is per-row overhead, which SQLAlchemy's statement
building would multiply. Everything else goes through SQLAlchemy Core.

A leaf row names no use: the use id and time are inside its bytes. Which leaves a use
got is in the gate's ``uses`` table, written in the same transaction (``use_leaves``);
its primary key is what keeps a use from being logged twice.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from functools import lru_cache
from itertools import chain
from typing import Any

from sqlalchemy import Connection, Insert, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from holoptic.db import schema as t
from holoptic.db.repos.raw import driver_rows, driver_write, marks
from holoptic.db.repos.vault import must_utc
from holoptic.trace.merkle import HASH_SIZE, NodeKey
from holoptic.trace.model import LeafColumns, LogState, StoredCheckpoint, StoredLeaf

STATE_ID = 1
CHUNK = 400  # leaf indexes per IN (...): well under every backend's parameter limit
ROWS_PER_INSERT = 300  # 900 parameters: under SQLite's oldest limit (999)
LEAF_COLUMNS = ("leaf_index", "hashes", "leaf_bytes")
READ_STATE = f"SELECT 0, size, peaks FROM log_state WHERE id = {STATE_ID}"  # noqa: S608
READ_HASHES = "SELECT 1, leaf_index, hashes FROM log_leaves WHERE leaf_index IN ({marks})"
Found = dict[NodeKey, bytes]


@lru_cache(maxsize=ROWS_PER_INSERT)
def _insert_leaves(count: int) -> str:
    """The INSERT of ``count`` leaf rows, ``?``-marked (constant names, never input)."""
    row = f"({marks(len(LEAF_COLUMNS))})"
    names = ", ".join(LEAF_COLUMNS)
    return f"INSERT INTO log_leaves ({names}) VALUES {', '.join([row] * count)}"  # noqa: S608


def _leaf(row: Mapping[Any, Any]) -> StoredLeaf:
    return StoredLeaf(
        row["leaf_index"],
        bytes(row["hashes"][:HASH_SIZE]),
        bytes(row["leaf_bytes"]),
    )


def _checkpoint(row: Mapping[Any, Any]) -> StoredCheckpoint:
    return StoredCheckpoint(
        row["tree_size"], bytes(row["root_hash"]), row["note"], must_utc(row["created_at"])
    )


def _state(size: int, peaks: bytes) -> LogState:
    return LogState(size, tuple(peaks[i : i + HASH_SIZE] for i in range(0, len(peaks), HASH_SIZE)))


class SqlTraceRepository:
    """Implements ``holoptic.trace.ports.TraceRepository``."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection
        self._mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"

    def lock(self) -> LogState:
        touch = (  # a write that changes nothing, to take the lock, returning the state
            f"UPDATE log_state SET size = size WHERE id = {STATE_ID} RETURNING size, peaks"  # noqa: S608
        )
        rows = driver_rows(self._c, touch, ())  # on the cursor: each gate request pays it
        row = rows[0] if rows else None
        if row is None:  # a new log: create the row (or wait for whoever is creating it)
            self._c.execute(self._create_state())
            row = self._c.exec_driver_sql(touch).first()
        assert row is not None
        return _state(row[0], bytes(row[1]))

    def _create_state(self) -> Insert:
        values = {"id": STATE_ID, "size": 0, "peaks": b""}
        if self._c.dialect.name == "postgresql":
            return postgresql.insert(t.log_state).values(values).on_conflict_do_nothing()
        return sqlite.insert(t.log_state).values(values).on_conflict_do_nothing()

    def state(self) -> LogState:
        row = self._c.exec_driver_sql(READ_STATE).first()
        return LogState(0, ()) if row is None else _state(row[1], bytes(row[2]))

    def save_state(self, state: LogState) -> None:
        mark = self._marks(1)
        query = f"UPDATE log_state SET size = {mark}, peaks = {mark} WHERE id = {STATE_ID}"  # noqa: S608
        driver_write(self._c, query, [(state.size, b"".join(state.peaks))])

    def add_leaves(self, leaves: LeafColumns) -> None:
        """Multi-row INSERTs of ``ROWS_PER_INSERT`` leaves (a leaf's nodes ride along in its
        ``hashes``): on SQLite a quarter less CPU per leaf than ``executemany``."""
        count = len(leaves.indexes)
        columns = (leaves.indexes, leaves.hashes, leaves.leaf_bytes)
        for start in range(0, count, ROWS_PER_INSERT):
            chunk = [column[start : start + ROWS_PER_INSERT] for column in columns]
            values = tuple(chain.from_iterable(zip(*chunk, strict=True)))
            driver_write(self._c, _insert_leaves(len(chunk[0])), [values])

    def nodes(self, keys: Collection[NodeKey]) -> Found:
        return self._read(keys, with_state=False)[1]

    def state_and_nodes(self, keys: Collection[NodeKey]) -> tuple[LogState, Found]:
        state, found = self._read(keys, with_state=True)
        assert state is not None
        return state, found

    def _read(self, keys: Collection[NodeKey], with_state: bool) -> tuple[LogState | None, Found]:
        """One query per chunk of rows (the first also reads the state when asked), then
        each key's hash cut from its row. Proofs are hot: the row arithmetic of
        ``merkle.stored_at`` is written inline."""
        rows = sorted({((index + 1) << level) - 1 for level, index in keys})
        state: LogState | None = None
        held: dict[int, bytes] = {}
        for start in range(0, max(len(rows), 1), CHUNK):
            chunk = tuple(rows[start : start + CHUNK])
            for kind, index, value in self._fetch(chunk, with_state and not start):
                if kind:
                    held[index] = value
                else:
                    state = _state(index, bytes(value))
        if with_state and state is None:  # a log with no state row yet is empty
            state = LogState(0, ())
        found: Found = {}
        for key in keys:
            level, index = key
            node = held.get(((index + 1) << level) - 1, b"")[level * HASH_SIZE :][:HASH_SIZE]
            if len(node) == HASH_SIZE:  # a row too short lacks the node
                found[key] = bytes(node)
        return state, found

    def _fetch(self, rows: tuple[int, ...], with_state: bool) -> Sequence[Any]:
        """On the DB-API cursor: SQLAlchemy's per-statement work cost a third of a
        consistency proof (``raw``)."""
        parts = [READ_STATE] if with_state else []
        if rows:
            parts.append(READ_HASHES.format(marks=marks(len(rows))))
        if not parts:
            return ()
        return driver_rows(self._c, " UNION ALL ".join(parts), rows)

    def _marks(self, count: int) -> str:
        return ", ".join([self._mark] * count)

    def leaves(self, start: int, end: int) -> list[StoredLeaf]:
        c = t.log_leaves.c
        query = (
            select(t.log_leaves)
            .where(c.leaf_index >= start, c.leaf_index < end)
            .order_by(c.leaf_index)
        )
        return [_leaf(row) for row in self._c.execute(query).mappings()]

    def leaf_columns(self, start: int, end: int) -> LeafColumns:
        c = t.log_leaves.c
        query = (
            select(c.leaf_index, c.hashes, c.leaf_bytes)
            .where(c.leaf_index >= start, c.leaf_index < end)
            .order_by(c.leaf_index)
        )
        rows = self._c.execute(query).all()
        return LeafColumns(
            [row[0] for row in rows],
            [bytes(row[1]) for row in rows],
            [bytes(row[2]) for row in rows],
        )

    def use_leaves(self, use_id: str) -> tuple[int, int] | None:
        query = select(t.uses.c.first_leaf, t.uses.c.leaf_count).where(t.uses.c.id == use_id)
        row = self._c.execute(query).first()
        return (row[0], row[1]) if row else None

    def add_checkpoint(self, checkpoint: StoredCheckpoint) -> None:
        self._c.execute(
            insert(t.log_checkpoints).values(
                tree_size=checkpoint.tree_size,
                root_hash=checkpoint.root_hash,
                note=checkpoint.note,
                created_at=checkpoint.created_at,
            )
        )

    def last_checkpoint(self) -> StoredCheckpoint | None:
        c = t.log_checkpoints.c
        query = select(t.log_checkpoints).order_by(c.tree_size.desc()).limit(1)
        row = self._c.execute(query).mappings().first()
        return _checkpoint(row) if row else None

    def checkpoint_at(self, tree_size: int) -> StoredCheckpoint | None:
        c = t.log_checkpoints.c
        query = select(t.log_checkpoints).where(c.tree_size == tree_size)
        row = self._c.execute(query).mappings().first()
        return _checkpoint(row) if row else None

    def checkpoints(self, after: int, limit: int) -> list[StoredCheckpoint]:
        c = t.log_checkpoints.c
        query = (
            select(t.log_checkpoints).where(c.tree_size > after).order_by(c.tree_size).limit(limit)
        )
        return [_checkpoint(row) for row in self._c.execute(query).mappings()]
