"""The offline verifier: checkpoints, inclusion and consistency proofs, whole-log replays.

An auditor needs only what this module reads: the log's verifier key, a checkpoint note
they trust (fetched once, kept, or cosigned by witnesses), and a proof file from the log
(``holoptic log proof --json``, ``/api/v1/log/proof/...``) or its leaves
(``/api/v1/log/leaves``). No database, no ``HOLOPTIC_HOME``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from holoptic.trace import merkle
from holoptic.trace.checkpoint import Checkpoint, Verifier, verify_checkpoint
from holoptic.trace.errors import BadRange, MalformedKey, MalformedProof, RootMismatch


@dataclass(frozen=True, slots=True)
class Included:
    """A leaf proven to be in a signed tree."""

    checkpoint: Checkpoint
    leaf_index: int
    leaf: bytes


@dataclass(frozen=True, slots=True)
class Extended:
    """A signed tree proven to extend an older signed tree."""

    old: Checkpoint
    new: Checkpoint


def parse_verifier(text: str) -> Verifier:
    """A verifier key given as text (the first non-empty line of a key file)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise MalformedKey("the verifier key is empty")
    return Verifier.parse(lines[0])


def verify_inclusion_document(
    note: str, verifier: Verifier, document: Mapping[str, Any]
) -> Included:
    """Check a proof file (``holoptic log proof --json``) against a trusted checkpoint."""
    checkpoint = verify_checkpoint(note, verifier)
    index = _integer(document, "leaf_index")
    size = _integer(document, "tree_size")
    leaf = _base64(document.get("leaf"), "leaf")
    proof = _hashes(document.get("proof"))
    if size != checkpoint.size:
        raise BadRange(
            f"the proof is for a tree of {size} leaves, the checkpoint for {checkpoint.size}: "
            "ask the log for a proof at the checkpoint's size",
            size=size,
            checkpoint_size=checkpoint.size,
        )
    merkle.verify_inclusion(merkle.leaf_hash(leaf), index, size, proof, checkpoint.root_hash)
    return Included(checkpoint, index, leaf)


def verify_consistency_document(
    note: str, old_note: str, verifier: Verifier, document: Mapping[str, Any]
) -> Extended:
    """Check that the checkpoint ``note`` extends ``old_note`` with a consistency proof."""
    new = verify_checkpoint(note, verifier)
    old = verify_checkpoint(old_note, verifier)
    first, second = _integer(document, "from"), _integer(document, "to")
    if (first, second) != (old.size, new.size):
        raise BadRange(
            f"the proof goes from {first} to {second} leaves, the checkpoints from "
            f"{old.size} to {new.size}",
            first=first,
            second=second,
        )
    proof = _hashes(document.get("proof"))
    merkle.verify_consistency(old.size, new.size, proof, old.root_hash, new.root_hash)
    return Extended(old, new)


def verify_leaves(note: str, verifier: Verifier, leaves: Iterable[Mapping[str, Any]]) -> Checkpoint:
    """Rebuild the tree from its leaves (API leaf objects, in order) and compare roots."""
    checkpoint = verify_checkpoint(note, verifier)
    border = merkle.CompactRange()
    for item in leaves:
        if border.size == checkpoint.size:
            break
        if _integer(item, "index") != border.size:
            raise MalformedProof(f"leaf {border.size} is missing from the leaves")
        hashed = merkle.leaf_hash(_base64(item.get("leaf"), "leaf"))
        if "leaf_hash" in item and item["leaf_hash"] != hashed.hex():
            raise RootMismatch(f"leaf {border.size}: its hash does not match its bytes")
        border.append(hashed)
    if border.size < checkpoint.size:
        raise MalformedProof(
            f"the checkpoint covers {checkpoint.size} leaves, the file holds {border.size}"
        )
    if border.root() != checkpoint.root_hash:
        raise RootMismatch("the leaves do not rebuild the signed root: the log was rewritten")
    return checkpoint


def read_leaves(text: str) -> list[Mapping[str, Any]]:
    """Leaves from a file: one ``/api/v1/log/leaves`` page, a list, or JSON lines."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        document = None
    if isinstance(document, Mapping) and isinstance(document.get("leaves"), list):
        document = document["leaves"]
    if document is None:
        try:
            document = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError:
            raise MalformedProof("the leaves file is neither JSON nor JSON lines") from None
    if not isinstance(document, list) or not all(isinstance(i, Mapping) for i in document):
        raise MalformedProof("the leaves file holds a list of leaf objects")
    return document


def read_document(text: str) -> Mapping[str, Any]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        raise MalformedProof("the proof file is not JSON") from None
    if not isinstance(document, Mapping):
        raise MalformedProof("the proof file holds a JSON object")
    return document


def _integer(document: Mapping[str, Any], name: str) -> int:
    value = document.get(name)
    if type(value) is not int or value < 0:
        raise MalformedProof(f"{name!r} must be a whole number")
    return value


def _base64(value: Any, name: str) -> bytes:
    if not isinstance(value, str):
        raise MalformedProof(f"{name!r} must be base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise MalformedProof(f"{name!r} is not base64") from None


def _hashes(value: Any) -> list[bytes]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise MalformedProof("'proof' must be a list of hex hashes")
    try:
        return [bytes.fromhex(item) for item in value]
    except ValueError:
        raise MalformedProof("'proof' holds a hash that is not hex") from None
