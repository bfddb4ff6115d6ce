"""Migration 0009 drops the leaf rows' ``use_id`` and ``created_at`` (the leaf bytes hold
both) on both backends, keeps every hash, and puts both columns back on downgrade."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import Engine

from holoptic.db.migrate import alembic_config, upgrade
from holoptic.settings import Settings
from holoptic.trace import merkle
from holoptic.trace.canonical import canonical
from tests.conftest import BACKENDS
from tests.trace.conftest import mth
from tests.trace.test_migration import engine_at, log_on, state

TIME = "2026-05-01T12:00:00.000000Z"
LEAVES = [
    {"use_id": "solo", "time": TIME, "v": 1},
    {"use_id": "pair", "part": 0, "parts": 2, "time": TIME, "v": 1},
    {"use_id": "pair", "part": 1, "parts": 2, "time": TIME, "v": 1},
    {"note": "a leaf with neither a use nor a time"},
]
ENTRIES = [canonical(leaf) for leaf in LEAVES]
leaves_0008 = sa.table(
    "log_leaves",
    sa.column("leaf_index", sa.BigInteger()),
    sa.column("leaf_bytes", sa.LargeBinary()),
    sa.column("use_id", sa.String()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("hashes", sa.LargeBinary()),
)


@pytest.fixture(params=BACKENDS)
def engine_at_0008(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database at 0008 holding a log whose rows still name their uses."""
    for engine in engine_at(request.param, tmp_path, "0008"):
        border = merkle.CompactRange()
        rows = [
            {
                "leaf_index": index,
                "leaf_bytes": entry,
                "use_id": ["solo", "pair#0", "pair#1", None][index],
                "created_at": datetime(2026, 5, 1, 12, tzinfo=UTC),
                "hashes": border.push(merkle.leaf_hash(entry)),
            }
            for index, entry in enumerate(ENTRIES)
        ]
        peaks = b"".join(border.peaks)
        with engine.begin() as connection:
            connection.execute(leaves_0008.insert(), rows)
            connection.execute(state.insert(), [{"id": 1, "size": len(rows), "peaks": peaks}])
        yield engine


def columns(engine: Engine) -> set[str]:
    return {column["name"] for column in sa.inspect(engine).get_columns("log_leaves")}


def test_upgrade_drops_the_columns_and_keeps_the_tree(
    engine_at_0008: Engine, settings: Settings
) -> None:
    upgrade(engine_at_0008)
    assert columns(engine_at_0008) == {"leaf_index", "leaf_bytes", "hashes"}
    log = log_on(engine_at_0008, settings).log
    assert log.root() == mth(ENTRIES) and log.audit().ok
    assert [leaf.leaf_bytes for leaf in log.leaves(0, 10)] == ENTRIES
    again = log.append({"use_id": "solo", "time": TIME, "v": 1})  # the gate's uses refuse it
    assert again.index == len(ENTRIES) and log.audit().ok


def test_downgrade_reads_the_columns_back_from_the_leaves(engine_at_0008: Engine) -> None:
    upgrade(engine_at_0008)
    config = alembic_config(engine_at_0008.url.render_as_string(hide_password=False))
    before = datetime.now(UTC)
    with engine_at_0008.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0008")
    c = leaves_0008.c
    with engine_at_0008.connect() as connection:
        rows = connection.execute(
            sa.select(c.use_id, c.created_at, c.hashes).order_by(c.leaf_index)
        ).all()
    assert [row.use_id for row in rows] == ["solo", "pair#0", "pair#1", None]
    times = [row.created_at.replace(tzinfo=row.created_at.tzinfo or UTC) for row in rows]
    assert times[:3] == [datetime(2026, 5, 1, 12, tzinfo=UTC)] * 3
    assert times[3] >= before.replace(microsecond=0)
    assert merkle.root_of(bytes(row.hashes[:32]) for row in rows) == mth(ENTRIES)
    with pytest.raises(sa.exc.IntegrityError), engine_at_0008.begin() as connection:
        connection.execute(leaves_0008.insert(), [{**rows_like(4), "use_id": "solo"}])


def rows_like(index: int) -> dict[str, object]:
    entry = canonical({"n": index})
    return {
        "leaf_index": index,
        "leaf_bytes": entry,
        "created_at": datetime(2026, 5, 2, tzinfo=UTC),
        "hashes": merkle.leaf_hash(entry),
    }
