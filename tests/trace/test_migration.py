"""Migration 0006 moves each stored node into the row of the leaf that completed it, and
back, on both backends: hashes are moved, never recomputed, so tampering survives it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import Engine

from holoptic.bootstrap import Services
from holoptic.clock import FixedClock
from holoptic.db.engine import build_engine
from holoptic.db.migrate import alembic_config, upgrade
from holoptic.settings import Settings
from holoptic.trace import merkle
from holoptic.trace.keys import create_log_key
from tests.conftest import BACKENDS, POSTGRES_URL, _drop_schema, _postgres_engine
from tests.trace.conftest import mth, path, proof

SIZE = 900  # three pages of the migration's
ENTRIES = [b'{"use_id":"use-%d"}' % n for n in range(SIZE)]

old_leaves = sa.table(
    "log_leaves",
    sa.column("leaf_index", sa.BigInteger()),
    sa.column("leaf_hash", sa.LargeBinary()),
    sa.column("leaf_bytes", sa.LargeBinary()),
    sa.column("use_id", sa.String()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
old_nodes = sa.table(
    "log_nodes", sa.column("node_id", sa.BigInteger()), sa.column("hash", sa.LargeBinary())
)
state = sa.table(
    "log_state",
    sa.column("id", sa.Integer()),
    sa.column("size", sa.Integer()),
    sa.column("peaks", sa.LargeBinary()),
)


@pytest.fixture(params=BACKENDS)
def engine_at_0005(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database migrated to 0005 only, holding a log in the old layout."""
    yield from engine_at(request.param, tmp_path, "0005")


def engine_at(backend: str, tmp_path: Path, revision: str) -> Iterator[Engine]:
    """A new database on ``backend`` migrated to ``revision`` only (dropped afterwards)."""
    if backend == "sqlite":
        engine = build_engine(f"sqlite:///{tmp_path / 'holoptic.db'}")
        upgrade(engine, revision)
        yield engine
        engine.dispose()
        return
    schema = f"holoptic_migration_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        engine = _postgres_engine(schema)
    except Exception as exc:  # no server here
        message = f"PostgreSQL unreachable at {POSTGRES_URL}: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI=true requires PostgreSQL)", pytrace=False)
        pytest.skip(f"!!! POSTGRESQL HALF SKIPPED: {message}")
    upgrade(engine, revision)
    yield engine
    engine.dispose()
    _drop_schema(schema)


def old_layout() -> tuple[list[dict[str, object]], list[dict[str, object]], bytes]:
    """Leaf rows, node rows (``node_id = level·2^48 + index``) and peaks, as 0004 stored them."""
    border = merkle.CompactRange()
    leaves, nodes = [], []
    for index, entry in enumerate(ENTRIES):
        hashed = merkle.leaf_hash(entry)
        leaves.append(
            {
                "leaf_index": index,
                "leaf_hash": hashed,
                "leaf_bytes": entry,
                "use_id": f"use-{index}",
                "created_at": datetime(2026, 5, 1, tzinfo=UTC),
            }
        )
        for level, node_index, node in border.append(hashed):
            nodes.append({"node_id": level << 48 | node_index, "hash": node})
    return leaves, nodes, b"".join(border.peaks)


def store_old_log(
    engine: Engine, tamper: bool = False
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    leaves, nodes, peaks = old_layout()
    if tamper:  # node (1, 4) changed, node (2, 1) lost: the audit must still see both
        nodes = [
            {**row, "hash": bytes(32)} if row["node_id"] == 1 << 48 | 4 else row
            for row in nodes
            if row["node_id"] != 2 << 48 | 1
        ]
    with engine.begin() as connection:
        connection.execute(old_leaves.insert(), leaves)
        connection.execute(old_nodes.insert(), nodes)
        connection.execute(state.insert(), [{"id": 1, "size": SIZE, "peaks": peaks}])
    return leaves, nodes


def log_on(engine: Engine, settings: Settings) -> Services:
    create_log_key(settings.keys_dir, "test.example/log")
    return Services(settings, FixedClock(), engine_override=engine)


def test_upgrade_moves_the_nodes_into_the_leaf_rows(
    engine_at_0005: Engine, settings: Settings
) -> None:
    store_old_log(engine_at_0005)
    upgrade(engine_at_0005)
    assert not sa.inspect(engine_at_0005).has_table("log_nodes")
    log = log_on(engine_at_0005, settings).log
    assert log.root() == mth(ENTRIES)
    for index, size in [(0, 1), (17, 30), (450, SIZE), (SIZE - 1, SIZE)]:
        assert list(log.inclusion_proof(index, size).hashes) == path(index, ENTRIES[:size])
    for first, second in [(13, 30), (1, SIZE), (401, SIZE), (799, 801)]:
        assert list(log.consistency_proof(first, second).hashes) == proof(first, ENTRIES[:second])
    assert log.leaves(9, 10)[0].leaf_bytes == ENTRIES[9]
    assert log.audit().ok
    receipt = log.append({"use_id": "after the migration"})
    assert receipt.index == SIZE and log.audit().ok


def test_nodes_are_moved_not_recomputed(engine_at_0005: Engine, settings: Settings) -> None:
    store_old_log(engine_at_0005, tamper=True)
    upgrade(engine_at_0005)
    found = {
        (p.kind, p.position, p.level) for p in log_on(engine_at_0005, settings).log.audit().problems
    }
    assert found == {("node", 4, 1), ("node", 1, 2)}


def test_downgrade_restores_the_old_layout(engine_at_0005: Engine) -> None:
    leaves, nodes = store_old_log(engine_at_0005)
    upgrade(engine_at_0005)
    config = alembic_config(engine_at_0005.url.render_as_string(hide_password=False))
    with engine_at_0005.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")
    with engine_at_0005.connect() as connection:
        c = old_leaves.c
        stored_leaves = connection.execute(
            sa.select(c.leaf_index, c.leaf_hash, c.use_id).order_by(c.leaf_index)
        ).all()
        stored_nodes = connection.execute(sa.select(old_nodes.c.node_id, old_nodes.c.hash)).all()
    assert [(i, bytes(h), u) for i, h, u in stored_leaves] == [
        (r["leaf_index"], r["leaf_hash"], r["use_id"]) for r in leaves
    ]
    assert sorted((i, bytes(h)) for i, h in stored_nodes) == sorted(
        (r["node_id"], r["hash"]) for r in nodes
    )
