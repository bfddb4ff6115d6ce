"""Rows of the usage log: leaves, complete-subtree nodes, checkpoints and the state row.

The state row is the append lock. ``lock`` writes it first thing: on PostgreSQL that
takes its row lock until the transaction ends; on SQLite any write takes the database's
write lock (units of work that append open with ``BEGIN IMMEDIATE``, see ``db.engine``),
so appenders queue up instead of forking the tree.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Insert, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from holoptic.db import schema as t
from holoptic.db.repos.vault import must_utc
from holoptic.trace.errors import DuplicateUse
from holoptic.trace.merkle import HASH_SIZE, NodeKey, NodeRow
from holoptic.trace.model import LogState, StoredCheckpoint, StoredLeaf

STATE_ID = 1
CHUNK = 400  # keys per IN (...): well under every backend's parameter limit
LEVEL_SHIFT = 48  # node_id = level·2^48 + index
LEAF_COLUMNS = ("leaf_index", "leaf_hash", "leaf_bytes", "use_id", "created_at")


def node_id(level: int, index: int) -> int:
    return (level << LEVEL_SHIFT) | index


def node_key(value: int) -> NodeKey:
    return value >> LEVEL_SHIFT, value & ((1 << LEVEL_SHIFT) - 1)


def _leaf(row: Mapping[Any, Any]) -> StoredLeaf:
    return StoredLeaf(
        row["leaf_index"],
        bytes(row["leaf_hash"]),
        bytes(row["leaf_bytes"]),
        row["use_id"],
        must_utc(row["created_at"]),
    )


def _checkpoint(row: Mapping[Any, Any]) -> StoredCheckpoint:
    return StoredCheckpoint(
        row["tree_size"], bytes(row["root_hash"]), row["note"], must_utc(row["created_at"])
    )


def _state(size: int, peaks: bytes) -> LogState:
    return LogState(size, tuple(peaks[i : i + HASH_SIZE] for i in range(0, len(peaks), HASH_SIZE)))


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


class SqlTraceRepository:
    """Implements ``holoptic.trace.ports.TraceRepository``."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def lock(self) -> LogState:
        touch = (  # a write that changes nothing, to take the lock, returning the state
            f"UPDATE log_state SET size = size WHERE id = {STATE_ID} RETURNING size, peaks"  # noqa: S608
        )
        row = self._c.exec_driver_sql(touch).first()
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
        query = f"SELECT size, peaks FROM log_state WHERE id = {STATE_ID}"  # noqa: S608
        row = self._c.exec_driver_sql(query).first()
        return LogState(0, ()) if row is None else _state(row[0], bytes(row[1]))

    def save_state(self, state: LogState) -> None:
        mark = self._marks(1)
        query = f"UPDATE log_state SET size = {mark}, peaks = {mark} WHERE id = {STATE_ID}"  # noqa: S608
        self._c.exec_driver_sql(query, (state.size, b"".join(state.peaks)))

    def add_leaves(self, leaves: Sequence[StoredLeaf]) -> None:
        """One raw ``executemany``: the append path's cost is mostly per-row overhead."""
        if not leaves:
            return
        stamp = self._stamp(leaves[0].created_at)
        rows = [
            (
                leaf.index,
                leaf.leaf_hash,
                leaf.leaf_bytes,
                leaf.use_id,
                stamp if leaf.created_at is leaves[0].created_at else self._stamp(leaf.created_at),
            )
            for leaf in leaves
        ]
        try:
            self._c.exec_driver_sql(self._insert("log_leaves", LEAF_COLUMNS), rows)
        except IntegrityError as error:
            if "use_id" not in str(error.orig):
                raise
            raise DuplicateUse("a use id is already in the log (each use is logged once)") from None

    def add_nodes(self, nodes: Sequence[NodeRow]) -> None:
        if nodes:
            rows = [((level << LEVEL_SHIFT) | index, node) for level, index, node in nodes]
            self._c.exec_driver_sql(self._insert("log_nodes", ("node_id", "hash")), rows)

    def _insert(self, table: str, columns: Sequence[str]) -> str:
        names = ", ".join(columns)  # constant names, never input
        return f"INSERT INTO {table} ({names}) VALUES ({self._marks(len(columns))})"  # noqa: S608

    def _stamp(self, value: datetime) -> Any:
        """A time as the dialect binds it (SQLAlchemy's DateTime processing, done once)."""
        kind = t.log_leaves.c.created_at.type.dialect_impl(self._c.dialect)
        process = kind.bind_processor(self._c.dialect)
        return process(value) if process else value

    def nodes(self, keys: Collection[NodeKey]) -> dict[NodeKey, bytes]:
        """One raw query per chunk of keys: proofs are hot, and SQLAlchemy's statement
        building would cost more than the lookups themselves."""
        found: dict[NodeKey, bytes] = {}
        wanted = sorted((level, index) for level, index in keys)
        for chunk in _chunks(wanted):
            leaves = [index for level, index in chunk if level == 0]
            inner = [node_id(level, index) for level, index in chunk if level > 0]
            parts = []
            if leaves:
                parts.append(
                    "SELECT 0, leaf_index, leaf_hash FROM log_leaves "  # noqa: S608
                    f"WHERE leaf_index IN ({self._marks(len(leaves))})"
                )
            if inner:
                parts.append(
                    "SELECT 1, node_id, hash FROM log_nodes "  # noqa: S608
                    f"WHERE node_id IN ({self._marks(len(inner))})"
                )
            rows = self._c.exec_driver_sql(" UNION ALL ".join(parts), (*leaves, *inner))
            for inner_node, key, value in rows:
                found[node_key(key) if inner_node else (0, key)] = bytes(value)
        return found

    def _marks(self, count: int) -> str:
        mark = "?" if self._c.dialect.paramstyle == "qmark" else "%s"
        return ", ".join([mark] * count)

    def leaves(self, start: int, end: int) -> list[StoredLeaf]:
        c = t.log_leaves.c
        query = (
            select(t.log_leaves)
            .where(c.leaf_index >= start, c.leaf_index < end)
            .order_by(c.leaf_index)
        )
        return [_leaf(row) for row in self._c.execute(query).mappings()]

    def leaf_by_use(self, use_id: str) -> StoredLeaf | None:
        query = select(t.log_leaves).where(t.log_leaves.c.use_id == use_id)
        row = self._c.execute(query).mappings().first()
        return _leaf(row) if row else None

    def node_count(self) -> int:
        return self._c.execute(select(func.count()).select_from(t.log_nodes)).scalar_one()

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
