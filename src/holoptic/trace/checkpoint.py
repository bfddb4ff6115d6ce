"""C2SP tlog-checkpoint bodies in C2SP signed notes, signed with Ed25519.

A checkpoint body is three lines, ``origin``, the tree size in decimal, and the base64
root hash, each ending in a newline (extension lines may follow). The signed note adds a
blank line and one line per signature: ``— <key name> <base64(key hash ‖ signature)>``.
The key hash is the first 4 bytes of ``SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)`` (0x01:
Ed25519). Keys travel in the signed-note text forms:

* verifier key: ``<name>+<key hash, 8 hex digits>+<base64(0x01 ‖ public key)>``
* signer key: ``PRIVATE+KEY+<name>+<key hash>+<base64(0x01 ‖ 32-byte seed)>``

Verification ignores signatures by other keys (witness cosignatures), as C2SP requires,
and refuses a note whose origin is not the verifier key's name.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from hashlib import sha256

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from holoptic.trace.errors import BadSignature, MalformedCheckpoint, MalformedKey
from holoptic.trace.merkle import HASH_SIZE

ED25519 = 0x01
SIGNATURE_PREFIX = "\u2014 "  # em dash, space
MAX_SIGNATURES = 100
_SIZE = re.compile(r"0|[1-9][0-9]{0,19}")


def valid_name(name: str) -> bool:
    """Key names (and so origins) are non-empty, with no spaces and no ``+``."""
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def key_hash(name: str, public_key: bytes) -> bytes:
    return sha256(name.encode() + b"\n" + bytes([ED25519]) + public_key).digest()[:4]


@dataclass(frozen=True, slots=True)
class Verifier:
    """The log's public key, as auditors hold it."""

    name: str
    public_key: bytes

    @property
    def key_hash(self) -> bytes:
        return key_hash(self.name, self.public_key)

    def encode(self) -> str:
        key = base64.b64encode(bytes([ED25519]) + self.public_key).decode()
        return f"{self.name}+{self.key_hash.hex()}+{key}"

    @classmethod
    def parse(cls, text: str) -> Verifier:
        name, hash_hex, key = _key_parts(text.strip(), "verifier")
        if len(key) != 32 or key_hash(name, key).hex() != hash_hex:
            raise MalformedKey("the verifier key's hash does not match its name and key")
        return cls(name, key)

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True, slots=True)
class Signer:
    """The log's private key: it signs checkpoints and nothing else."""

    name: str
    seed: bytes

    @classmethod
    def generate(cls, name: str) -> Signer:
        if not valid_name(name):
            raise MalformedKey(f"{name!r} cannot name a key: no spaces, no '+'")
        return cls(name, Ed25519PrivateKey.generate().private_bytes_raw())

    @classmethod
    def parse(cls, text: str) -> Signer:
        text = text.strip()
        if not text.startswith("PRIVATE+KEY+"):
            raise MalformedKey("a signer key starts with PRIVATE+KEY+")
        name, hash_hex, seed = _key_parts(text.removeprefix("PRIVATE+KEY+"), "signer")
        if len(seed) != 32:
            raise MalformedKey("an Ed25519 signer key holds a 32-byte seed")
        signer = cls(name, seed)
        if signer.verifier().key_hash.hex() != hash_hex:
            raise MalformedKey("the signer key's hash does not match its name and key")
        return signer

    def encode(self) -> str:
        key = base64.b64encode(bytes([ED25519]) + self.seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier().key_hash.hex()}+{key}"

    def verifier(self) -> Verifier:
        public = self._private().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return Verifier(self.name, public)

    def sign_note(self, text: str) -> str:
        """``text`` followed by its signature line: a signed note."""
        _check_text(text)
        signature = self._private().sign(text.encode())
        blob = base64.b64encode(self.verifier().key_hash + signature).decode()
        return f"{text}\n{SIGNATURE_PREFIX}{self.name} {blob}\n"

    def _private(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.seed)


def _key_parts(text: str, what: str) -> tuple[str, str, bytes]:
    parts = text.split("+", 2)  # base64 may itself hold "+"
    if len(parts) != 3 or not valid_name(parts[0]) or not re.fullmatch(r"[0-9a-f]{8}", parts[1]):
        raise MalformedKey(f"a {what} key reads name+hash+key (8 hex digits of hash)")
    raw = _b64(parts[2], MalformedKey(f"the {what} key is not base64"))
    if not raw or raw[0] != ED25519:
        raise MalformedKey(f"the {what} key is not an Ed25519 key (type byte 0x01)")
    return parts[0], parts[1], raw[1:]


def _b64(text: str, error: Exception) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise error from None


def _check_text(text: str) -> None:
    if not text.endswith("\n") or "\n\n" in text:
        raise MalformedCheckpoint("a note's text ends with a newline and has no blank line")
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise MalformedCheckpoint("a note's text holds no control characters")


def open_note(note: str, verifier: Verifier) -> str:
    """The text of a signed note, once a signature by ``verifier`` checks out."""
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise MalformedCheckpoint("not a signed note: no blank line before the signatures")
    text, lines = note[: split + 1], note[split + 2 :].splitlines()
    _check_text(text)
    if not lines or len(lines) > MAX_SIGNATURES:
        raise MalformedCheckpoint("a signed note carries 1 to 100 signature lines")
    verified = False
    for line in lines:
        name, signature = _signature_line(line)
        if name != verifier.name or signature[:4] != verifier.key_hash:
            continue  # another key's signature (a witness): not ours to judge
        if not verifier.verify(text.encode(), signature[4:]):
            raise BadSignature(f"the signature by {name} does not verify")
        verified = True
    if not verified:
        raise BadSignature(f"the note carries no signature by {verifier.name}")
    return text


def _signature_line(line: str) -> tuple[str, bytes]:
    if not line.startswith(SIGNATURE_PREFIX):
        raise MalformedCheckpoint("a signature line starts with an em dash and a space")
    name, _, blob = line.removeprefix(SIGNATURE_PREFIX).partition(" ")
    signature = _b64(blob, MalformedCheckpoint("a signature is not base64"))
    if not valid_name(name) or len(signature) < 5:
        raise MalformedCheckpoint("a signature line names a key and carries its signature")
    return name, signature


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A tree head: which log, how many leaves, which root."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def body(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root_hash).decode()]
        return "".join(f"{line}\n" for line in [*lines, *self.extensions])

    @classmethod
    def parse(cls, body: str) -> Checkpoint:
        lines = body.split("\n")
        if len(lines) < 4 or lines[-1] != "" or any(not line for line in lines[:-1]):
            raise MalformedCheckpoint("a checkpoint has an origin, a size and a root hash")
        origin, size, root = lines[0], lines[1], lines[2]
        if not _SIZE.fullmatch(size) or int(size) >= 2**64:
            raise MalformedCheckpoint(f"{size!r} is not a tree size")
        root_hash = _b64(root, MalformedCheckpoint("the root hash is not base64"))
        if len(root_hash) != HASH_SIZE:
            raise MalformedCheckpoint(f"the root hash has {len(root_hash)} bytes, not 32")
        return cls(origin, int(size), root_hash, tuple(lines[3:-1]))


def sign_checkpoint(checkpoint: Checkpoint, signer: Signer) -> str:
    if checkpoint.origin != signer.name:
        raise MalformedCheckpoint("a log signs checkpoints under its own name as origin")
    return signer.sign_note(checkpoint.body())


def verify_checkpoint(note: str, verifier: Verifier) -> Checkpoint:
    """The checkpoint a note carries, once its signature and origin check out."""
    checkpoint = Checkpoint.parse(open_note(note, verifier))
    if checkpoint.origin != verifier.name:
        raise BadSignature(
            f"the checkpoint is for log {checkpoint.origin!r}, the key is {verifier.name!r}"
        )
    return checkpoint
