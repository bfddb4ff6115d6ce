"""Envelope encryption for the vault.

A deployment *master key* wraps one random *data key* per member. Item blobs are
compressed, then sealed with AES-256-GCM under the member's data key, with the item id as
associated data so a blob cannot be moved to another item unnoticed. Destroying the
wrapped data key (crypto-shredding) makes every blob of that member unreadable.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import zlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from holoptic.vault.errors import ItemUnreadable, MasterKeyInvalid, WrongMasterKey

KEY_BYTES = 32
NONCE_BYTES = 12
BLOB_VERSION = b"\x01"
MASTER_KEY_PREFIX = "holoptic-master-key-v1:"
# zlib level 1: about 6x faster than the default on a day of location points, for blobs
# about a fifth larger; imports are dominated by this call otherwise.
COMPRESSION_LEVEL = 1


def _derive(key: bytes, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(key)


@dataclass(frozen=True, slots=True, repr=False)
class MasterKey:
    """The deployment key that wraps member keys. Never logged: ``repr`` hides it."""

    secret: bytes

    @classmethod
    def generate(cls) -> MasterKey:
        return cls(AESGCM.generate_key(bit_length=256))

    @classmethod
    def parse(cls, text: str) -> MasterKey:
        raw = text.strip().removeprefix(MASTER_KEY_PREFIX)
        try:
            secret = base64.urlsafe_b64decode(raw.encode("ascii") + b"==")
        except (ValueError, UnicodeEncodeError):
            raise MasterKeyInvalid("the master key is not valid base64") from None
        if len(secret) != KEY_BYTES:
            raise MasterKeyInvalid(f"the master key must be {KEY_BYTES} bytes, got {len(secret)}")
        return cls(secret)

    def encode(self) -> str:
        return MASTER_KEY_PREFIX + base64.urlsafe_b64encode(self.secret).decode().rstrip("=")

    @property
    def key_id(self) -> str:
        """A short public fingerprint, stored beside each wrapped key."""
        return hashlib.sha256(b"holoptic/key-id:" + self.secret).hexdigest()[:16]

    def wrap(self, member_id: str, data_key: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + AESGCM(self.secret).encrypt(nonce, data_key, _wrap_aad(member_id))

    def unwrap(self, member_id: str, wrapped: bytes) -> bytes:
        try:
            return AESGCM(self.secret).decrypt(
                wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], _wrap_aad(member_id)
            )
        except InvalidTag:
            raise WrongMasterKey(
                "the master key cannot unwrap this member's key: wrong key or tampered row",
                member_id=member_id,
            ) from None

    def email_index(self, email: str) -> str:
        """A blind index so e-mails can be looked up without being stored in clear."""
        key = _derive(self.secret, "holoptic/email-index/v1")
        normalised = email.strip().lower().encode()
        return hmac.new(key, normalised, hashlib.sha256).hexdigest()

    def derive(self, purpose: str) -> bytes:
        """A key for one purpose (e.g. the gate's pseudonyms), derived with HKDF."""
        return _derive(self.secret, purpose)

    def __repr__(self) -> str:
        return f"MasterKey(key_id={self.key_id!r})"


def _wrap_aad(member_id: str) -> bytes:
    return b"holoptic/member-key/v1:" + member_id.encode()


@dataclass(frozen=True, slots=True, repr=False)
class MemberCipher:
    """Seals and opens one member's blobs."""

    data_key: bytes

    @classmethod
    def new_key(cls) -> bytes:
        return AESGCM.generate_key(bit_length=256)

    def seal(self, item_id: str, plaintext: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        compressed = zlib.compress(plaintext, COMPRESSION_LEVEL)
        sealed = AESGCM(self.data_key).encrypt(nonce, compressed, _item_aad(item_id))
        return BLOB_VERSION + nonce + sealed

    def open(self, item_id: str, blob: bytes) -> bytes:
        if blob[:1] != BLOB_VERSION or len(blob) < 1 + NONCE_BYTES + 16:
            raise ItemUnreadable(f"item {item_id} has an unknown blob format", item_id=item_id)
        nonce, sealed = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
        try:
            compressed = AESGCM(self.data_key).decrypt(nonce, sealed, _item_aad(item_id))
        except InvalidTag:
            raise ItemUnreadable(
                f"item {item_id} failed its integrity check (corrupted or tampered)",
                item_id=item_id,
            ) from None
        return zlib.decompress(compressed)

    def seal_text(self, field: str, value: str) -> bytes:
        """Encrypt a profile field (name, e-mail) bound to its field name."""
        return self.seal("field:" + field, value.encode())

    def open_text(self, field: str, blob: bytes) -> str:
        return self.open("field:" + field, blob).decode()

    def content_hash(self, payload: bytes) -> str:
        """A keyed hash: equal content compares equal, yet guesses cannot be confirmed."""
        key = _derive(self.data_key, "holoptic/content-hash/v1")
        return hmac.new(key, payload, hashlib.sha256).hexdigest()


def _item_aad(item_id: str) -> bytes:
    return b"holoptic/item/v1:" + item_id.encode()
