"""Recompute the usage log from its stored leaves and compare every stored hash.

This is what detects a row changed directly in the database: each leaf's bytes are
hashed again, the tree is rebuilt leaf by leaf (a compact range: O(log n) memory), and
every hash each leaf row holds (its leaf hash and the nodes its append completed), the
state row and every published checkpoint (its signature and its root at its size) are
compared with the recomputation.
"""

from __future__ import annotations

from collections.abc import Iterator

from holoptic.trace import merkle
from holoptic.trace.checkpoint import Verifier, verify_checkpoint
from holoptic.trace.errors import ProofRejected
from holoptic.trace.merkle import HASH_SIZE
from holoptic.trace.model import AuditProblem, AuditReport, StoredCheckpoint
from holoptic.trace.ports import TraceRepository

PAGE = 2000
MAX_LISTED = 100


class _Audit:
    def __init__(self, repo: TraceRepository, verifier: Verifier) -> None:
        self.repo = repo
        self.verifier = verifier
        self.border = merkle.CompactRange()
        self.problems: list[AuditProblem] = []
        self.checked = 0
        self.pending: Iterator[StoredCheckpoint] = self.published()
        self.next_checkpoint = next(self.pending, None)

    def published(self) -> Iterator[StoredCheckpoint]:
        """Every published checkpoint, smallest first, a page at a time."""
        after = -1
        while page := self.repo.checkpoints(after, PAGE):
            yield from page
            after = page[-1].tree_size

    def flag(self, kind: str, position: int, level: int = 0) -> None:
        self.problems.append(AuditProblem(kind, position, level))

    def run(self) -> AuditReport:
        state = self.repo.state()
        self.checkpoints_reached()
        while self.border.size < state.size and self.page(state.size):
            pass
        if self.border.size == state.size and tuple(self.border.peaks) != state.peaks:
            self.flag("state", state.size)
        if self.repo.leaves(state.size, state.size + 1):
            self.flag("extra_leaves", state.size)
        while self.next_checkpoint is not None:
            self.flag("checkpoint_beyond", self.next_checkpoint.tree_size)
            self.next_checkpoint = next(self.pending, None)
        listed = tuple(self.problems[:MAX_LISTED])
        return AuditReport(
            self.border.size,
            self.border.root(),
            self.checked,
            listed,
            len(self.problems) - len(listed),
        )

    def page(self, size: int) -> bool:
        """Recompute one page of leaves; False when a gap stops the recomputation."""
        end = min(self.border.size + PAGE, size)
        page = self.repo.leaf_columns(self.border.size, end)
        for index, stored, data in zip(page.indexes, page.hashes, page.leaf_bytes, strict=True):
            if index != self.border.size:
                break
            hashed = merkle.leaf_hash(data)
            if stored[:HASH_SIZE] != hashed:
                self.flag("leaf_hash", index)
            expected = self.border.push(hashed)
            if stored[HASH_SIZE:] != expected[HASH_SIZE:]:
                self.compare_nodes(index, stored, expected)
            self.checkpoints_reached()
        if self.border.size < end:
            self.flag("leaf_missing", self.border.size)
            return False
        return True

    def compare_nodes(self, index: int, stored: bytes, expected: bytes) -> None:
        """Flag each node of the row that differs; a row holding more than its nodes
        makes the count of stored nodes wrong at that size."""
        for level in range(1, len(expected) // HASH_SIZE):
            at = level * HASH_SIZE
            if stored[at : at + HASH_SIZE] != expected[at : at + HASH_SIZE]:
                self.flag("node", index >> level, level)
        if len(stored) > len(expected):
            self.flag("node_count", index + 1)

    def checkpoints_reached(self) -> None:
        while self.next_checkpoint is not None and self.next_checkpoint.tree_size <= (
            self.border.size
        ):
            self.check(self.next_checkpoint)
            self.next_checkpoint = next(self.pending, None)

    def check(self, published: StoredCheckpoint) -> None:
        self.checked += 1
        size = published.tree_size
        if published.root_hash != self.border.root():
            self.flag("checkpoint_root", size)
        try:
            signed = verify_checkpoint(published.note, self.verifier)
        except ProofRejected:
            self.flag("checkpoint_note", size)
            return
        if (signed.size, signed.root_hash) != (size, published.root_hash):
            self.flag("checkpoint_note", size)


def audit_log(repo: TraceRepository, verifier: Verifier) -> AuditReport:
    """Everything the stored log gets wrong (an empty list when it is intact)."""
    return _Audit(repo, verifier).run()
