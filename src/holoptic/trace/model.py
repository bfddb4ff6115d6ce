"""The usage log's immutable values: leaves as stored, proofs, checkpoints, audit results."""

from __future__ import annotations

from base64 import b64encode
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, overload

from holoptic.trace.errors import InvalidLeaf

LEAF_VERSION = 1
MAX_LEAF_BYTES = 64 * 1024  # a use record names items by hash: it stays small


@dataclass(frozen=True, slots=True)
class LeafReceipt:
    """Where a leaf went: its index in the log and its RFC 9162 leaf hash."""

    index: int
    leaf_hash: bytes


class LeafReceipts(Sequence[LeafReceipt]):
    """The receipts of leaves appended together, made when read: a batch append returns
    them without building an object per leaf that its caller may never look at."""

    __slots__ = ("_first", "_leaf_hashes")

    def __init__(self, first: int, leaf_hashes: Sequence[bytes]) -> None:
        self._first = first
        self._leaf_hashes = leaf_hashes

    def __len__(self) -> int:
        return len(self._leaf_hashes)

    @overload
    def __getitem__(self, position: int) -> LeafReceipt: ...
    @overload
    def __getitem__(self, position: slice) -> list[LeafReceipt]: ...
    def __getitem__(self, position: int | slice) -> LeafReceipt | list[LeafReceipt]:
        if isinstance(position, slice):
            return [self[n] for n in range(len(self))[position]]
        leaf_hash = self._leaf_hashes[position]  # IndexError past either end
        return LeafReceipt(self._first + position % len(self), leaf_hash)


@dataclass(frozen=True, slots=True)
class StoredLeaf:
    """One leaf as the log keeps it: the canonical bytes are what is hashed. Its use id
    and time are in those bytes, where they are covered by the tree."""

    index: int
    leaf_hash: bytes
    leaf_bytes: bytes


@dataclass(frozen=True, slots=True)
class LeafColumns:
    """Leaves as the log writes and audits them, column by column (appending a million
    leaves builds a few lists per batch, not a tuple per leaf). ``hashes[i]`` is leaf
    ``indexes[i]``'s hash followed by the hashes of the subtrees its append completed,
    smallest first (``merkle.CompactRange.push``)."""

    indexes: Sequence[int]  # a range when appending
    hashes: Sequence[bytes]
    leaf_bytes: Sequence[bytes]


@dataclass(frozen=True, slots=True)
class LogState:
    """The log's size and right border (the peaks of its complete subtrees, largest first).

    Kept in one row so an append reads no node and the root costs O(log n) hashing.
    """

    size: int
    peaks: tuple[bytes, ...]


@dataclass(frozen=True, slots=True)
class StoredCheckpoint:
    """A signed tree head the log published: never two inconsistent ones."""

    tree_size: int
    root_hash: bytes
    note: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class InclusionProof:
    leaf_index: int
    tree_size: int
    hashes: tuple[bytes, ...]


@dataclass(frozen=True, slots=True)
class ConsistencyProof:
    first: int
    second: int
    hashes: tuple[bytes, ...]


@dataclass(frozen=True, slots=True)
class UseProof:
    """Everything an auditor needs to check, offline, that a use is in the log."""

    leaf: StoredLeaf
    proof: InclusionProof
    checkpoint: str  # the signed note of the tree the proof is for

    def document(self) -> dict[str, Any]:
        """The JSON proof file that ``holoptic log verify --proof`` reads."""
        return {
            "leaf_index": self.proof.leaf_index,
            "tree_size": self.proof.tree_size,
            "leaf": b64encode(self.leaf.leaf_bytes).decode("ascii"),
            "proof": [element.hex() for element in self.proof.hashes],
            "checkpoint": self.checkpoint,
        }


@dataclass(frozen=True, slots=True)
class AuditProblem:
    """One thing the stored log gets wrong. ``position`` is a leaf index for ``leaf_*``
    kinds, a node index (at ``level``) for ``node``, and a tree size otherwise."""

    kind: str  # leaf_missing, leaf_hash, node, checkpoint_root, checkpoint_note,
    # checkpoint_beyond, state, extra_leaves, node_count
    position: int
    level: int = 0


@dataclass(frozen=True, slots=True)
class AuditReport:
    """The result of recomputing the whole tree from the stored leaves."""

    size: int
    root_hash: bytes
    checkpoints: int
    problems: tuple[AuditProblem, ...]
    more_problems: int = 0  # found beyond the ones listed

    @property
    def ok(self) -> bool:
        return not self.problems


def use_leaf(
    use_id: str,
    time: datetime,
    consumer: str,
    purpose: str,
    decision: str,
    rules: Iterable[str] = (),
    grant: str | None = None,
    items: Iterable[str] = (),
    **extra: Any,
) -> dict[str, Any]:
    """The leaf of one use (or refusal): what the gate appends, ready for ``append_in``.

    ``items`` are the content hashes of the data items used, never their content: the
    log is public. ``time`` must be timezone-aware; it is written in UTC with a ``Z``.
    """
    if time.utcoffset() is None:
        raise InvalidLeaf("the time of a use must be timezone-aware")
    leaf: dict[str, Any] = {
        "v": LEAF_VERSION,
        "use_id": use_id,
        "time": time.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z"),
        "consumer": consumer,
        "purpose": purpose,
        "decision": decision,
        "rules": sorted(rules),
        "grant": grant,
        "items": sorted(items),
    }
    leaf.update(extra)
    return leaf
