"""Argon2id password hashing (argon2-cffi, RFC 9106 low-memory profile)."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from holoptic.identity.errors import WeakPassword

MIN_LENGTH = 10
_hasher = PasswordHasher()  # argon2id, t=3, m=64 MiB, p=4: the library's vetted default


@cache
def _dummy_hash() -> str:
    """A real hash to verify against when the e-mail is unknown, so timing reveals nothing."""
    return _hasher.hash("holoptic-dummy-password")


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > 1024:
        raise WeakPassword("a password may not exceed 1024 characters")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return (
            _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
        )
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
