"""usage log: tree hashes in the leaf rows

Each leaf row gets ``hashes``: its leaf hash followed by the hashes of the complete
subtrees its append completed, smallest first, taken from ``log_nodes`` (node
``(level, index)`` had ``node_id = level·2^48 + index``); then ``leaf_hash`` and
``log_nodes`` go. An append writes one row instead of a leaf row and ~1 node row.

The stored hashes are moved, never recomputed: a row changed before the migration is
still caught by ``holoptic log audit`` after it. A node missing from ``log_nodes`` becomes
32 zero bytes, which the audit reports; a node row no leaf completed has nowhere to go.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 05:33:53.317727
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

PAGE = 400  # leaves per step: their ~400 node ids stay under any IN (...) limit
HASH_SIZE = 32
LEVEL_SHIFT = 48
MISSING = bytes(HASH_SIZE)

leaves = sa.table(
    "log_leaves",
    sa.column("leaf_index", sa.BigInteger()),
    sa.column("leaf_hash", sa.LargeBinary()),
    sa.column("hashes", sa.LargeBinary()),
)
nodes = sa.table(
    "log_nodes", sa.column("node_id", sa.BigInteger()), sa.column("hash", sa.LargeBinary())
)


def _completed(index: int) -> Iterator[int]:
    """The node ids of the subtrees leaf ``index`` completed, smallest first."""
    level = 1
    while (index >> (level - 1)) & 1:
        yield (level << LEVEL_SHIFT) | (index >> level)
        level += 1


def _pages(
    connection: sa.Connection, column: sa.ColumnClause[bytes]
) -> Iterator[list[sa.Row[int, bytes]]]:
    c = leaves.c
    after = -1
    while rows := connection.execute(
        sa.select(c.leaf_index, column)
        .where(c.leaf_index > after)
        .order_by(c.leaf_index)
        .limit(PAGE)
    ).all():
        yield list(rows)
        after = rows[-1][0]


def _join_hashes(connection: sa.Connection) -> None:
    set_hashes = (
        sa.update(leaves)
        .where(leaves.c.leaf_index == sa.bindparam("index"))
        .values(hashes=sa.bindparam("joined"))
    )
    for rows in _pages(connection, leaves.c.leaf_hash):
        wanted = {index: list(_completed(index)) for index, _ in rows}
        ids = [node_id for completed in wanted.values() for node_id in completed]
        stored = dict(
            connection.execute(
                sa.select(nodes.c.node_id, nodes.c.hash).where(nodes.c.node_id.in_(ids))
            ).all()
        )
        joined = [
            {
                "index": index,
                "joined": bytes(leaf_hash)
                + b"".join(bytes(stored.get(n, MISSING)) for n in wanted[index]),
            }
            for index, leaf_hash in rows
        ]
        connection.execute(set_hashes, joined)


def _split_hashes(connection: sa.Connection) -> None:
    set_leaf_hash = (
        sa.update(leaves)
        .where(leaves.c.leaf_index == sa.bindparam("index"))
        .values(leaf_hash=sa.bindparam("leaf"))
    )
    for rows in _pages(connection, leaves.c.hashes):
        connection.execute(
            set_leaf_hash, [{"index": i, "leaf": bytes(h[:HASH_SIZE])} for i, h in rows]
        )
        split = [
            {"node_id": node_id, "hash": bytes(h[at * HASH_SIZE : (at + 1) * HASH_SIZE])}
            for i, h in rows
            for at, node_id in enumerate(_completed(i), 1)
            if len(h) >= (at + 1) * HASH_SIZE
        ]
        if split:
            connection.execute(sa.insert(nodes), split)


def upgrade() -> None:
    with op.batch_alter_table("log_leaves", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hashes", sa.LargeBinary(), nullable=True))
    _join_hashes(op.get_bind())
    with op.batch_alter_table("log_leaves", schema=None) as batch_op:
        batch_op.alter_column("hashes", existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column("leaf_hash")
    op.drop_table("log_nodes")


def downgrade() -> None:
    op.create_table(
        "log_nodes",
        sa.Column(
            "node_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("node_id", name=op.f("pk_log_nodes")),
    )
    with op.batch_alter_table("log_leaves", schema=None) as batch_op:
        batch_op.add_column(sa.Column("leaf_hash", sa.LargeBinary(length=32), nullable=True))
    _split_hashes(op.get_bind())
    with op.batch_alter_table("log_leaves", schema=None) as batch_op:
        batch_op.alter_column("leaf_hash", existing_type=sa.LargeBinary(length=32), nullable=False)
        batch_op.drop_column("hashes")
