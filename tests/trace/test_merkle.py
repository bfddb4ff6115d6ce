"""RFC 9162 §2.1 hashing and proofs: every transparency-dev vector, and a reference."""

from __future__ import annotations

import base64
import json
import random
from pathlib import Path
from typing import Any

import pytest

from holoptic.trace import merkle
from holoptic.trace.errors import (
    BadRange,
    EmptyTreeProof,
    LogCorrupted,
    MalformedProof,
    ProofRejected,
    RootMismatch,
)
from tests.conftest import shared_path
from tests.trace.conftest import mth, path, proof

VECTORS = ("fixtures", "merkle-transparency-dev", "testdata")


def probes(kind: str) -> list[Path]:
    return sorted(shared_path(*VECTORS, kind).rglob("*.json"))


def b64(value: str) -> bytes:
    return base64.b64decode(value)


def load(file: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(file.read_text())
    return document


def relative(file: Path) -> str:
    return "/".join(file.parts[-3:])


def tree() -> tuple[list[bytes], list[bytes]]:
    roots = json.loads(shared_path(*VECTORS, "tree-roots.json").read_text())
    leaves = [bytes.fromhex(x) for x in roots["leaf_inputs_hex"]]
    return leaves, [bytes.fromhex(x) for x in roots["root_hashes_hex_by_size"]]


def stored_nodes(entries: list[bytes]) -> dict[merkle.NodeKey, bytes]:
    """What a log stores for these entries: leaf hashes and completed subtrees."""
    border = merkle.CompactRange()
    nodes: dict[merkle.NodeKey, bytes] = {}
    for index, entry in enumerate(entries):
        hashed = merkle.leaf_hash(entry)
        nodes[(0, index)] = hashed
        nodes.update({(level, i): h for level, i, h in border.append(hashed)})
    return nodes


def test_the_vectors_are_all_there() -> None:
    assert len(probes("inclusion")) == 98
    assert len(probes("consistency")) == 98


@pytest.mark.parametrize("size", range(9))
def test_roots_for_sizes_0_to_8(size: int) -> None:
    leaves, roots = tree()
    hashes = [merkle.leaf_hash(leaf) for leaf in leaves[:size]]
    assert merkle.root_of(hashes) == roots[size]
    assert mth(leaves[:size]) == roots[size]  # the reference agrees


def test_every_inclusion_probe() -> None:
    accepted, rejected = 0, 0
    for file in probes("inclusion"):
        v = load(file)
        arguments = (
            b64(v["leafHash"]),
            v["leafIdx"],
            v["treeSize"],
            [b64(p) for p in v["proof"] or []],
            b64(v["root"]),
        )
        if v["wantErr"]:
            with pytest.raises(ProofRejected):
                merkle.verify_inclusion(*arguments)
            rejected += 1
        else:
            merkle.verify_inclusion(*arguments)
            accepted += 1
    assert (accepted, rejected) == (6, 92)


def test_every_consistency_probe() -> None:
    accepted, rejected = 0, 0
    for file in probes("consistency"):
        v = load(file)
        arguments = (
            v["size1"],
            v["size2"],
            [b64(p) for p in v["proof"] or []],
            b64(v["root1"]),
            b64(v["root2"]),
        )
        if v["wantErr"]:
            with pytest.raises(ProofRejected):
                merkle.verify_consistency(*arguments)
            rejected += 1
        else:
            merkle.verify_consistency(*arguments)
            accepted += 1
    assert (accepted, rejected) == (6, 92)


def test_mutated_probes_fail_with_the_error_that_says_why() -> None:
    def error(kind: str, name: str) -> type[ProofRejected]:
        v = load(shared_path(*VECTORS, kind, "1", name))
        try:
            if kind == "inclusion":
                merkle.verify_inclusion(
                    b64(v["leafHash"]),
                    v["leafIdx"],
                    v["treeSize"],
                    [b64(p) for p in v["proof"]],
                    b64(v["root"]),
                )
            else:
                merkle.verify_consistency(
                    v["size1"],
                    v["size2"],
                    [b64(p) for p in v["proof"]],
                    b64(v["root1"]),
                    b64(v["root2"]),
                )
        except ProofRejected as rejected:
            return type(rejected)
        raise AssertionError(f"{kind}/{name} was accepted")

    assert error("inclusion", "wrong-leaf.json") is MalformedProof  # a 9-byte leaf hash
    assert error("inclusion", "modified-proof[1]-bit-@3.json") is RootMismatch
    assert error("inclusion", "removed-component.json") is MalformedProof
    assert error("inclusion", "leafIdx-plus-@1.json") is RootMismatch
    assert error("consistency", "truncated-proof.json") is MalformedProof
    assert error("consistency", "swapped-roots.json") is RootMismatch


def test_generated_proofs_equal_the_happy_paths() -> None:
    leaves, _ = tree()
    nodes = stored_nodes(leaves)
    for file in probes("inclusion"):
        v = load(file)
        if v["wantErr"] or v["treeSize"] > len(leaves):
            continue
        ranges = merkle.inclusion_ranges(v["leafIdx"], v["treeSize"])
        assert merkle.proof_hashes(ranges, nodes) == [b64(p) for p in v["proof"] or []], file
    for file in probes("consistency"):
        v = load(file)
        if v["wantErr"] or v["size2"] > len(leaves) or v["size1"] == v["size2"]:
            continue
        ranges = merkle.consistency_ranges(v["size1"], v["size2"])
        assert merkle.proof_hashes(ranges, nodes) == [b64(p) for p in v["proof"]], file


def test_the_rfc_seven_leaf_example() -> None:
    entries = [bytes([i]) for i in range(7)]
    nodes = stored_nodes(entries)
    lengths = {3: 4, 4: 1, 6: 3}  # PROOF(3,D[7]) = [c,d,g,l], PROOF(4) = [l], PROOF(6) = [i,j,k]
    for first, length in lengths.items():
        hashes = merkle.proof_hashes(merkle.consistency_ranges(first, 7), nodes)
        assert len(hashes) == length
        assert hashes == proof(first, entries)
    assert len(merkle.proof_hashes(merkle.inclusion_ranges(0, 7), nodes)) == 3  # [b,h,l]
    assert len(merkle.proof_hashes(merkle.inclusion_ranges(6, 7), nodes)) == 2  # [i,k]


def test_random_trees_match_the_reference() -> None:
    rng = random.Random(9162)
    for _ in range(60):
        entries = [rng.randbytes(rng.randrange(0, 40)) for _ in range(rng.randrange(1, 130))]
        nodes = stored_nodes(entries)
        for _ in range(8):
            size = rng.randrange(1, len(entries) + 1)
            index = rng.randrange(size)
            root = mth(entries[:size])
            inclusion = merkle.proof_hashes(merkle.inclusion_ranges(index, size), nodes)
            assert inclusion == path(index, entries[:size])
            merkle.verify_inclusion(merkle.leaf_hash(entries[index]), index, size, inclusion, root)
            first = rng.randrange(1, size + 1)
            consistency = merkle.proof_hashes(merkle.consistency_ranges(first, size), nodes)
            assert consistency == (proof(first, entries[:size]) if first < size else [])
            merkle.verify_consistency(first, size, consistency, mth(entries[:first]), root)


def test_any_single_bit_flip_is_rejected() -> None:
    entries = [bytes([i]) * 3 for i in range(21)]
    nodes = stored_nodes(entries)
    root = mth(entries)
    hashes = merkle.proof_hashes(merkle.inclusion_ranges(13, 21), nodes)
    consistency = merkle.proof_hashes(merkle.consistency_ranges(6, 21), nodes)
    for position in range(len(hashes)):
        for bit in (0, 77, 255):
            mutated = [bytearray(h) for h in hashes]
            mutated[position][bit // 8] ^= 1 << (bit % 8)
            with pytest.raises(RootMismatch):
                merkle.verify_inclusion(
                    merkle.leaf_hash(entries[13]), 13, 21, [bytes(m) for m in mutated], root
                )
    for position in range(len(consistency)):
        mutated = [bytearray(h) for h in consistency]
        mutated[position][0] ^= 0x80
        with pytest.raises(RootMismatch):
            merkle.verify_consistency(6, 21, [bytes(m) for m in mutated], mth(entries[:6]), root)


def test_the_empty_tree_rule() -> None:
    """RFC 9162 defines no consistency proof from size 0: we refuse it, even 0 → 0."""
    with pytest.raises(EmptyTreeProof):
        merkle.consistency_ranges(0, 5)
    for second in (0, 1, 5):
        with pytest.raises(EmptyTreeProof):
            merkle.verify_consistency(0, second, [], merkle.EMPTY_ROOT, merkle.EMPTY_ROOT)
    assert merkle.root_of([]) == merkle.EMPTY_ROOT


def test_impossible_ranges() -> None:
    with pytest.raises(BadRange):
        merkle.inclusion_ranges(5, 5)
    with pytest.raises(BadRange):
        merkle.consistency_ranges(6, 5)
    with pytest.raises(BadRange):
        merkle.verify_inclusion(b"\0" * 32, 0, 0, [], merkle.EMPTY_ROOT)
    with pytest.raises(MalformedProof):
        merkle.verify_inclusion(b"\0" * 31, 0, 1, [], b"\0" * 31)


def test_missing_nodes_are_corruption_not_a_crash() -> None:
    nodes = stored_nodes([b"a", b"b", b"c"])
    del nodes[(0, 2)]
    with pytest.raises(LogCorrupted):
        merkle.proof_hashes(merkle.inclusion_ranges(0, 3), nodes)


@pytest.mark.parametrize(("start", "end"), [(0, 1), (0, 8), (4, 7), (8, 13), (0, 1000), (6, 7)])
def test_subtree_keys_cover_the_range_with_aligned_subtrees(start: int, end: int) -> None:
    keys = merkle.subtree_keys(start, end)
    covered = [i for level, index in keys for i in range(index << level, (index + 1) << level)]
    assert covered == list(range(start, end))


def test_proofs_need_a_logarithmic_number_of_stored_nodes() -> None:
    for size in (1, 2, 3, 300, 1_000_000, 2**40 + 12345):
        bound = 2 * max(1, (size - 1).bit_length()) + 1
        for index in {0, size // 3, size // 2, size - 1}:
            assert len(merkle.proof_keys(merkle.inclusion_ranges(index, size))) <= bound
        for first in {1, size // 3 or 1, size // 2 or 1, size}:
            assert len(merkle.proof_keys(merkle.consistency_ranges(first, size))) <= bound


def test_push_returns_the_leaf_hash_and_the_subtrees_each_leaf_completes() -> None:
    """What a log keeps in each leaf's row: node (level, i) sits in the row of its last
    leaf, at position ``level``; a leaf completes one subtree per trailing 1 bit."""
    entries = [bytes([n]) for n in range(37)]
    nodes = stored_nodes(entries)
    border = merkle.CompactRange()
    rows = [border.push(merkle.leaf_hash(entry)) for entry in entries]
    assert border.root() == mth(entries)
    trailing_ones = [len(bin(i)) - len(bin(i).rstrip("1")) for i in range(37)]
    assert [len(row) // 32 - 1 for row in rows] == trailing_ones
    assert trailing_ones[:8] == [0, 1, 0, 2, 0, 1, 0, 3]
    for key, node in nodes.items():
        row, position = merkle.stored_at(key)
        assert rows[row][32 * position : 32 * position + 32] == node, key
    level, index = 3, 2  # leaves 16..23: completed by leaf 23
    assert merkle.stored_at((level, index)) == (23, 3)
    assert nodes[(level, index)] == mth(entries[16:24])
