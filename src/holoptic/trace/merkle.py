"""RFC 9162 §2.1 Merkle trees over SHA-256: hashes, proofs from stored nodes, verification.

Everything here is pure. A tree of ``n`` leaves has a fixed shape: its root splits at the
largest power of two below ``n``. Every subtree the proofs need is either *complete* (a
power of two of leaves, aligned on its size) or the right edge of such a split, which is
the fold of a few complete subtrees. A log therefore stores each complete subtree's hash
once, under its key ``(level, index)`` (it covers leaves ``index·2^level`` up to
``(index+1)·2^level``), and any proof needs O(log n) of them: ``proof_keys`` names them,
``proof_hashes`` folds them. The leaf whose append completes a subtree is its last one, so
a log can keep the subtree's hash in that leaf's row (``stored_at``, ``CompactRange.push``).

Verification follows RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency) step by
step, plus the checks the RFC leaves to implementations: every hash is 32 bytes, and a
consistency proof from the empty tree is refused (see ``EmptyTreeProof``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from hashlib import sha256

from holoptic.trace.errors import (
    BadRange,
    EmptyTreeProof,
    LogCorrupted,
    MalformedProof,
    RootMismatch,
)

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = sha256(b"").digest()

NodeKey = tuple[int, int]  # (level, index): the complete subtree of 2**level leaves
Range = tuple[int, int]  # leaves [start, end)
NodeRow = tuple[int, int, bytes]  # (level, index, hash) of a complete subtree


def leaf_hash(data: bytes) -> bytes:
    """``HASH(0x00 || d)``: the 0x00 prefix keeps a leaf from passing for a node."""
    return sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``HASH(0x01 || left || right)``."""
    return sha256(NODE_PREFIX + left + right).digest()


def split(n: int) -> int:
    """The largest power of two strictly below ``n`` (``n ≥ 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


def fold(hashes: Sequence[bytes]) -> bytes:
    """The hash of adjacent complete subtrees, largest first, as RFC 9162 pairs them."""
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def stored_at(key: NodeKey) -> tuple[int, int]:
    """Where a log keeps node ``key``: the index of the leaf that completed it (its last
    leaf) and its position among that leaf's hashes (0 is the leaf hash itself)."""
    level, index = key
    return ((index + 1) << level) - 1, level


def subtree_keys(start: int, end: int) -> list[NodeKey]:
    """The complete subtrees that make up leaves ``[start, end)``, left to right."""
    size = end - start
    if size > 0 and not size & (size - 1) and not start & (size - 1):  # one, as proofs mostly ask
        level = size.bit_length() - 1
        return [(level, start >> level)]
    keys: list[NodeKey] = []
    while start < end:
        level = (end - start).bit_length() - 1
        if start:
            level = min(level, (start & -start).bit_length() - 1)
        keys.append((level, start >> level))
        start += 1 << level
    return keys


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """The subtrees whose hashes make ``PATH(index, D[size])``, leaf level first."""
    if not 0 <= index < size:
        raise BadRange(f"leaf {index} is not in a tree of {size} leaves", index=index, size=size)
    ranges: list[Range] = []
    start, end = 0, size
    while end - start > 1:
        middle = start + split(end - start)
        if index < middle:
            ranges.append((middle, end))
            end = middle
        else:
            ranges.append((start, middle))
            start = middle
    return ranges[::-1]


def consistency_ranges(first: int, second: int) -> list[Range]:
    """The subtrees whose hashes make ``PROOF(first, D[second])`` (RFC 9162 §2.1.4.1)."""
    _check_sizes(first, second)
    ranges: list[Range] = []
    start, end, whole = 0, second, True
    remaining = first
    while remaining != end - start:
        middle = split(end - start)
        if remaining <= middle:
            ranges.append((start + middle, end))
            end = start + middle
        else:
            ranges.append((start, start + middle))
            start, remaining, whole = start + middle, remaining - middle, False
    if not whole:
        ranges.append((start, end))
    return ranges[::-1]


def _check_sizes(first: int, second: int) -> None:
    if first == 0:
        raise EmptyTreeProof(
            "there is no consistency proof from the empty tree: every tree extends it",
            first=first,
            second=second,
        )
    if not 0 < first <= second:
        raise BadRange(
            f"no consistency proof from {first} to {second} leaves", first=first, second=second
        )


def proof_keys(ranges: Iterable[Range]) -> set[NodeKey]:
    """Every stored node a proof over ``ranges`` reads."""
    return {key for start, end in ranges for key in subtree_keys(start, end)}


def proof_hashes(ranges: Sequence[Range], nodes: Mapping[NodeKey, bytes]) -> list[bytes]:
    """The proof itself: one hash per range, folded from the stored nodes."""
    try:
        return [fold([nodes[key] for key in subtree_keys(start, end)]) for start, end in ranges]
    except KeyError as missing:
        raise LogCorrupted(f"the log lacks the stored node {missing.args[0]}") from None


def prove(
    ranges: Sequence[Range], fetch: Callable[[set[NodeKey]], Mapping[NodeKey, bytes]]
) -> list[bytes]:
    """``proof_hashes`` with one ``fetch`` of every node the ranges need."""
    plan = [subtree_keys(start, end) for start, end in ranges]
    nodes = fetch({key for keys in plan for key in keys})
    try:
        return [
            nodes[keys[0]] if len(keys) == 1 else fold([nodes[k] for k in keys]) for keys in plan
        ]
    except KeyError as missing:
        raise LogCorrupted(f"the log lacks the stored node {missing.args[0]}") from None


@dataclass
class CompactRange:
    """The right border of a tree: one complete subtree per set bit of its size.

    Appending a leaf merges equal-sized subtrees like a binary counter carries, and
    reports the complete subtrees it finished, so a log can store them as it grows.
    """

    size: int = 0
    peaks: list[bytes] = field(default_factory=list)

    def append(self, hashed_leaf: bytes, completed: list[NodeRow] | None = None) -> list[NodeRow]:
        """Add a leaf hash; return the ``(level, index, hash)`` of the nodes it completed
        (added to ``completed`` when given: appending many leaves builds one list)."""
        index, current, level = self.size, hashed_leaf, 0
        found: list[NodeRow] = [] if completed is None else completed
        peaks = self.peaks
        while (index >> level) & 1:
            current = sha256(NODE_PREFIX + peaks.pop() + current).digest()
            level += 1
            found.append((level, index >> level, current))
        peaks.append(current)
        self.size += 1
        return found

    def push(self, hashed_leaf: bytes) -> bytes:
        """Add a leaf hash; return it followed by the hashes of the subtrees it completed,
        smallest first (what a log stores in the leaf's row). The append hot path."""
        index = self.size
        self.size = index + 1
        if not index & 1:  # half of all leaves complete nothing
            self.peaks.append(hashed_leaf)
            return hashed_leaf
        return self._carry(index, hashed_leaf)

    def push_many(self, hashed_leaves: Iterable[bytes]) -> list[bytes]:
        """``push`` for each leaf hash in order, in one loop with its names held locally:
        a batch append's rows. A quarter of the leaves complete exactly one subtree, and
        are written without building a list."""
        index, peaks = self.size, self.peaks
        rows: list[bytes] = []
        add_row, add_peak, pop = rows.append, peaks.append, peaks.pop
        for hashed in hashed_leaves:
            if not index & 1:
                add_peak(hashed)
                add_row(hashed)
            elif not index & 2:
                node = sha256(NODE_PREFIX + pop() + hashed).digest()
                add_peak(node)
                add_row(hashed + node)
            else:
                add_row(self._carry(index, hashed))
            index += 1
        self.size = index
        return rows

    def _carry(self, index: int, hashed: bytes) -> bytes:
        """The row of a leaf at an odd ``index``: it and the subtrees it completes."""
        peaks, current, found = self.peaks, hashed, [hashed]
        while index & 1:
            current = sha256(NODE_PREFIX + peaks.pop() + current).digest()
            found.append(current)
            index >>= 1
        peaks.append(current)
        return b"".join(found)

    def root(self) -> bytes:
        return fold(self.peaks) if self.peaks else EMPTY_ROOT

    def keys(self) -> list[NodeKey]:
        """The stored-node keys of the peaks, largest first."""
        return subtree_keys(0, self.size)


def root_of(leaf_hashes: Iterable[bytes]) -> bytes:
    """``MTH`` of a whole list of leaf hashes."""
    border = CompactRange()
    for hashed in leaf_hashes:
        border.append(hashed)
    return border.root()


def _check_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise MalformedProof(f"{what} has {len(value)} bytes, not {HASH_SIZE}")


def root_from_inclusion(index: int, size: int, hashed_leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root a leaf's inclusion proof leads to (RFC 9162 §2.1.3.2, steps 1–4)."""
    if not 0 <= index < size:
        raise BadRange(f"leaf {index} is not in a tree of {size} leaves", index=index, size=size)
    _check_hash(hashed_leaf, "the leaf hash")
    fn, sn, result = index, size - 1, hashed_leaf
    for element in proof:
        _check_hash(element, "a proof hash")
        if sn == 0:
            raise MalformedProof("the inclusion proof is too long")
        if fn & 1 or fn == sn:
            result = node_hash(element, result)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            result = node_hash(result, element)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise MalformedProof("the inclusion proof is too short")
    return result


def verify_inclusion(
    hashed_leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Succeed silently, or raise a ``ProofRejected`` saying why (§2.1.3.2, step 5)."""
    if root_from_inclusion(index, size, hashed_leaf, proof) != root:
        raise RootMismatch("the inclusion proof does not lead to the signed root")


def verify_consistency(
    first: int, second: int, proof: Sequence[bytes], first_root: bytes, second_root: bytes
) -> None:
    """Succeed silently, or raise a ``ProofRejected`` saying why (RFC 9162 §2.1.4.2)."""
    _check_sizes(first, second)
    if first == second:
        if proof:
            raise MalformedProof("trees of equal size need an empty consistency proof")
        if first_root != second_root:
            raise RootMismatch("two different roots for the same tree size")
        return
    if not proof:
        raise MalformedProof("the consistency proof is empty")
    for element in proof:
        _check_hash(element, "a proof hash")
    old, new = _consistency_roots(first, second, first_root, [*proof])
    if old != first_root or new != second_root:
        raise RootMismatch("the consistency proof does not join the two roots")


def _consistency_roots(
    first: int, second: int, first_root: bytes, path: list[bytes]
) -> tuple[bytes, bytes]:
    if first & (first - 1) == 0:  # an exact power of two: its root starts the path
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    old = new = path[0]
    for element in path[1:]:
        if sn == 0:
            raise MalformedProof("the consistency proof is too long")
        if fn & 1 or fn == sn:
            old, new = node_hash(element, old), node_hash(element, new)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            new = node_hash(new, element)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise MalformedProof("the consistency proof is too short")
    return old, new
