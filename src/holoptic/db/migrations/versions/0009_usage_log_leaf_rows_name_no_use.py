"""usage log: leaf rows name no use

``log_leaves`` loses ``use_id`` (and its unique index) and ``created_at``. Both repeated
what the leaf bytes already hold, where the tree covers them; neither was. Which leaves a
use got is in ``uses.first_leaf`` and ``uses.leaf_count``, written in the same
transaction, and ``uses.id`` is what keeps a use from being logged twice. An append now
writes one index entry per leaf instead of two.

Downgrading puts both columns back, read from each leaf's bytes (``use_id`` with
``#part`` for the parts of a use, ``time``); a leaf with no time gets the downgrade's.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 22:30:00
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

PAGE = 1000
leaves = sa.table(
    "log_leaves",
    sa.column("leaf_index", sa.BigInteger()),
    sa.column("leaf_bytes", sa.LargeBinary()),
    sa.column("use_id", sa.String()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    with op.batch_alter_table("log_leaves", schema=None) as batch_op:
        batch_op.drop_constraint("uq_log_leaves_use_id", type_="unique")
        batch_op.drop_column("use_id")
        batch_op.drop_column("created_at")


def downgrade() -> None:
    with op.batch_alter_table("log_leaves", schema=None) as batch_op:
        batch_op.add_column(sa.Column("use_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))
    _fill_from_leaves(op.get_bind(), datetime.now(UTC))
    with op.batch_alter_table("log_leaves", schema=None) as batch_op:
        batch_op.alter_column(
            "created_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )
        batch_op.create_unique_constraint("uq_log_leaves_use_id", ["use_id"])


def _fill_from_leaves(connection: sa.Connection, now: datetime) -> None:
    c = leaves.c
    fill = (
        sa.update(leaves)
        .where(c.leaf_index == sa.bindparam("index"))
        .values(use_id=sa.bindparam("use"), created_at=sa.bindparam("at"))
    )
    after = -1
    while rows := connection.execute(
        sa.select(c.leaf_index, c.leaf_bytes)
        .where(c.leaf_index > after)
        .order_by(c.leaf_index)
        .limit(PAGE)
    ).all():
        values = [_columns(index, bytes(data), now) for index, data in rows]
        connection.execute(fill, values)
        after = rows[-1][0]


def _columns(index: int, data: bytes, now: datetime) -> dict[str, Any]:
    """The use id and time a leaf row carried before this revision, from its bytes."""
    leaf = json.loads(data)
    use, part, time = leaf.get("use_id"), leaf.get("part"), leaf.get("time")
    if isinstance(use, str) and isinstance(part, int) and not isinstance(part, bool):
        use = f"{use}#{part}"
    try:
        at = datetime.fromisoformat(time) if isinstance(time, str) else now
    except ValueError:
        at = now
    at = at if at.utcoffset() is not None else at.replace(tzinfo=UTC)
    return {"index": index, "use": use if isinstance(use, str) else None, "at": at}
