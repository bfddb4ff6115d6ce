"""What the usage log needs from storage (implemented in ``holoptic.db.repos.trace``).

Appends run inside the caller's unit of work: the gate appends a use in the same
transaction as the release it records, so there is no release without its leaf.
"""

from __future__ import annotations

from collections.abc import Collection
from types import TracebackType
from typing import Protocol

from holoptic.trace.merkle import NodeKey
from holoptic.trace.model import LeafColumns, LogState, StoredCheckpoint, StoredLeaf


class TraceRepository(Protocol):
    """Rows of the log. Every method runs inside the caller's unit of work."""

    def lock(self) -> LogState:
        """Take the log's append lock for this transaction, and read its state.

        Until the transaction ends, no other transaction can append or publish a
        checkpoint: that is what keeps two leaves from sharing an index.
        """
        ...

    def state(self) -> LogState:
        """The committed state, without locking (readers never wait for appenders)."""
        ...

    def save_state(self, state: LogState) -> None: ...
    def add_leaves(self, leaves: LeafColumns) -> None:
        """Insert leaves with their hashes."""
        ...

    def nodes(self, keys: Collection[NodeKey]) -> dict[NodeKey, bytes]:
        """Stored hashes of complete subtrees (level 0: leaf hashes), read from the rows
        of the leaves that completed them (``merkle.stored_at``)."""
        ...

    def state_and_nodes(self, keys: Collection[NodeKey]) -> tuple[LogState, dict[NodeKey, bytes]]:
        """``state()`` and ``nodes(keys)`` in one read: what a proof of a given size needs."""
        ...

    def leaves(self, start: int, end: int) -> list[StoredLeaf]: ...
    def leaf_columns(self, start: int, end: int) -> LeafColumns:
        """Leaves ``[start, end)`` with every hash their rows hold (for the audit)."""
        ...

    def use_leaves(self, use_id: str) -> tuple[int, int] | None:
        """The first leaf and the number of leaves of a use, from the index of uses the
        gate writes in the same transaction as their leaves (the log's rows name no use:
        the use id is inside the leaf bytes)."""
        ...

    def add_checkpoint(self, checkpoint: StoredCheckpoint) -> None: ...
    def last_checkpoint(self) -> StoredCheckpoint | None: ...
    def checkpoint_at(self, tree_size: int) -> StoredCheckpoint | None: ...
    def checkpoints(self, after: int, limit: int) -> list[StoredCheckpoint]:
        """Published checkpoints of size > ``after``, smallest first."""
        ...


class TraceUnitOfWork(Protocol):
    """One transaction: commit on success, roll back on any error."""

    @property
    def trace(self) -> TraceRepository: ...

    def __enter__(self) -> TraceUnitOfWork: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class TraceUnitOfWorkFactory(Protocol):
    """Opens a unit of work; ``write=True`` when it will append (SQLite: BEGIN IMMEDIATE)."""

    def __call__(self, write: bool = False) -> TraceUnitOfWork: ...
