"""The usage log service: append uses, publish checkpoints, serve proofs, audit.

Appends go into the caller's transaction (``append_in``): the gate appends the use it
releases data for in the same transaction as the release, so a release without its leaf
cannot be committed. Checkpoints are signed tree heads; the log never signs a head that
does not extend the last one it published (checked with a consistency proof computed
from the stored nodes, and refused with ``InconsistentHead`` otherwise).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from hashlib import sha256
from typing import Any

from holoptic.clock import Clock
from holoptic.trace import merkle
from holoptic.trace.audit import audit_log
from holoptic.trace.canonical import canonical
from holoptic.trace.checkpoint import Checkpoint, Signer, Verifier, sign_checkpoint
from holoptic.trace.errors import (
    BadRange,
    BeyondLog,
    InconsistentHead,
    InvalidLeaf,
    LogCorrupted,
    ProofRejected,
    UseNotLogged,
)
from holoptic.trace.merkle import LEAF_PREFIX
from holoptic.trace.model import (
    MAX_LEAF_BYTES,
    AuditReport,
    ConsistencyProof,
    InclusionProof,
    LeafColumns,
    LeafReceipt,
    LeafReceipts,
    LogState,
    StoredCheckpoint,
    StoredLeaf,
    UseProof,
)
from holoptic.trace.ports import TraceRepository, TraceUnitOfWorkFactory

MAX_PAGE = 1000  # leaves per read: the API pages through longer ranges


class UsageLog:
    """The append-only, publicly verifiable log of every use of members' data."""

    def __init__(
        self, uow: TraceUnitOfWorkFactory, signer: Callable[[], Signer], clock: Clock
    ) -> None:
        self._uow = uow
        self._signer = signer
        self._clock = clock

    # --- appending ------------------------------------------------------------------------

    def append_in(self, repo: TraceRepository, leaf: Mapping[str, Any]) -> LeafReceipt:
        """Append one leaf inside the caller's transaction (it holds the log until commit).

        On SQLite the caller's unit of work must be opened for writing (``write=True``),
        or it may fail to take the write lock after having read.
        """
        return self.append_many_in(repo, [leaf])[0]

    def append_many_in(
        self, repo: TraceRepository, leaves: Iterable[Mapping[str, Any]]
    ) -> LeafReceipts:
        """Append leaves in order, inside the caller's transaction: one row per leaf,
        holding the hashes of the subtrees it completes, and the state row."""
        data, hashed = _encode(leaves)  # before locking: keep the lock short
        state = repo.lock()
        border = merkle.CompactRange(state.size, list(state.peaks))
        indexes = range(state.size, state.size + len(data))
        repo.add_leaves(LeafColumns(indexes, border.push_many(hashed), data))
        repo.save_state(LogState(border.size, tuple(border.peaks)))
        return LeafReceipts(state.size, hashed)

    def append(self, leaf: Mapping[str, Any]) -> LeafReceipt:
        """Append one leaf in its own transaction."""
        with self._uow(write=True) as uow:
            return self.append_in(uow.trace, leaf)

    def append_many(self, leaves: Iterable[Mapping[str, Any]]) -> LeafReceipts:
        with self._uow(write=True) as uow:
            return self.append_many_in(uow.trace, leaves)

    # --- reading --------------------------------------------------------------------------

    def state(self) -> LogState:
        with self._uow() as uow:
            return uow.trace.state()

    def root(self) -> bytes:
        state = self.state()
        return merkle.CompactRange(state.size, list(state.peaks)).root()

    def leaves(self, start: int, end: int) -> list[StoredLeaf]:
        """Leaves ``[start, end)``, at most ``MAX_PAGE`` of them (none from the end on)."""
        if start < 0 or end <= start:
            raise BadRange(f"no leaves from {start} to {end}", start=start, end=end)
        with self._uow() as uow:
            size = uow.trace.state().size
            if start > size:
                raise BeyondLog(f"the log has {size} leaves", size=size)
            return uow.trace.leaves(start, min(end, start + MAX_PAGE, size))

    def leaf_for_use(self, use_id: str) -> StoredLeaf:
        """The first leaf of a use, or with ``use#n`` the leaf of its part ``n``."""
        name, _, part = use_id.partition("#")
        with self._uow() as uow:
            found = uow.trace.use_leaves(name)
            offset = int(part) if part.isdigit() else -1 if part else 0
            if found is None or not 0 <= offset < found[1]:
                raise UseNotLogged(f"no leaf of the log is for use {use_id}", use_id=use_id)
            return uow.trace.leaves(found[0] + offset, found[0] + offset + 1)[0]

    def inclusion_proof(self, index: int, size: int | None = None) -> InclusionProof:
        with self._uow() as uow:
            if size is None:
                size = uow.trace.state().size
            ranges = merkle.inclusion_ranges(index, size)
            hashes = _prove(uow.trace, ranges, size)
        return InclusionProof(index, size, tuple(hashes))

    def consistency_proof(self, first: int, second: int | None = None) -> ConsistencyProof:
        with self._uow() as uow:
            if second is None:
                second = uow.trace.state().size
            ranges = merkle.consistency_ranges(first, second)
            hashes = _prove(uow.trace, ranges, second)
        return ConsistencyProof(first, second, tuple(hashes))

    # --- checkpoints ----------------------------------------------------------------------

    def verifier(self) -> Verifier:
        return self._signer().verifier()

    def checkpoint(self) -> str:
        """The signed note of the current tree head (signed now if it is new)."""
        return self.publish().note

    def publish(self) -> StoredCheckpoint:
        """Sign and store the current tree head, unless it already is."""
        signer = self._signer()
        with self._uow(write=True) as uow:
            repo = uow.trace
            state = repo.lock()
            root = merkle.CompactRange(state.size, list(state.peaks)).root()
            last = repo.last_checkpoint()
            if last is not None and (last.tree_size, last.root_hash) == (state.size, root):
                return last
            if last is not None:
                _check_extends(repo, last, state.size, root)
            body = Checkpoint(signer.name, state.size, root)
            published = StoredCheckpoint(
                state.size, root, sign_checkpoint(body, signer), self._clock.now()
            )
            repo.add_checkpoint(published)
            return published

    def checkpoint_note(self, tree_size: int) -> str | None:
        """The note published for ``tree_size``, if the log published one."""
        with self._uow() as uow:
            found = uow.trace.checkpoint_at(tree_size)
        return found.note if found else None

    def proof_for_use(self, use_id: str) -> UseProof:
        return self.proof_for_index(self.leaf_for_use(use_id).index)

    def proof_for_index(self, index: int) -> UseProof:
        """A leaf, its inclusion proof and the signed checkpoint the proof leads to."""
        published = self.publish()
        if not 0 <= index < published.tree_size:
            raise BeyondLog(f"the log has {published.tree_size} leaves", size=published.tree_size)
        proof = self.inclusion_proof(index, published.tree_size)
        with self._uow() as uow:
            (leaf,) = uow.trace.leaves(index, index + 1)
        return UseProof(leaf, proof, published.note)

    def audit(self) -> AuditReport:
        """Recompute the whole tree from the stored leaves and compare everything."""
        verifier = self.verifier()
        with self._uow() as uow:
            return audit_log(uow.trace, verifier)


def _encode(leaves: Iterable[Mapping[str, Any]]) -> tuple[list[bytes], list[bytes]]:
    """The leaves' canonical bytes and leaf hashes, column by column (each column in one
    comprehension: this is the append's hot path)."""
    leaves = list(leaves)
    for leaf in leaves:
        if type(leaf) is not dict and not isinstance(leaf, Mapping):  # dict: no ABC check
            raise InvalidLeaf("a leaf is a JSON object")
    data = [canonical(leaf) for leaf in leaves]
    largest = max(map(len, data), default=0)
    if largest > MAX_LEAF_BYTES:
        raise InvalidLeaf(f"a leaf holds at most {MAX_LEAF_BYTES} bytes, not {largest}")
    hashed = [sha256(LEAF_PREFIX + encoded).digest() for encoded in data]
    return data, hashed


def _prove(repo: TraceRepository, ranges: Sequence[merkle.Range], size: int) -> list[bytes]:
    """The proof's hashes for a tree of ``size`` leaves, from one query (proofs are hot).

    The query reads the log's state with the nodes: when ``size`` is the log's size, the
    subtrees on the tree's right edge are the state's peaks and need no row of their own.
    """
    edge = merkle.subtree_keys(0, size)

    def fetch(keys: set[merkle.NodeKey]) -> dict[merkle.NodeKey, bytes]:
        on_edge = keys.intersection(edge)
        state, nodes = repo.state_and_nodes(keys - on_edge)
        if size > state.size:
            raise BeyondLog(f"the log has {state.size} leaves, not {size}", size=state.size)
        if on_edge and size == state.size:
            nodes.update(zip(edge, state.peaks, strict=True))
        elif on_edge:
            nodes.update(repo.nodes(on_edge))
        return nodes

    return merkle.prove(ranges, fetch)


def _check_extends(repo: TraceRepository, last: StoredCheckpoint, size: int, root: bytes) -> None:
    """Refuse to sign a head that does not extend the last published one."""
    try:
        if size < last.tree_size:
            raise BadRange(f"the log shrank from {last.tree_size} to {size} leaves")
        if last.tree_size == 0:
            if last.root_hash != merkle.EMPTY_ROOT:
                raise BadRange("the published empty tree has a root that is not empty")
            return
        proof = _prove(repo, merkle.consistency_ranges(last.tree_size, size), size)
        merkle.verify_consistency(last.tree_size, size, proof, last.root_hash, root)
    except (ProofRejected, LogCorrupted) as error:
        raise InconsistentHead(
            f"refusing to sign: the tree of {size} leaves does not extend the checkpoint of "
            f"{last.tree_size} leaves ({error})",
            size=size,
            published=last.tree_size,
        ) from None
