"""Fixtures for the usage log: a keyed log on each backend, and an RFC 9162 reference.

The reference is written straight from RFC 9162 §2.1's recursive definitions (MTH, PATH,
PROOF/SUBPROOF), independently of ``holoptic.trace.merkle``'s stored-node algorithms.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pytest

from holoptic.bootstrap import Services
from holoptic.trace.keys import create_log_key
from holoptic.trace.log import UsageLog
from tests.e2e.conftest import cli, database_url, ready  # noqa: F401  (CLI fixtures)


@pytest.fixture
def log(services: Services) -> UsageLog:
    create_log_key(services.settings.keys_dir, "test.example/log")
    return services.log


def _h(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(entries: Sequence[bytes]) -> bytes:
    """MTH(D[n]) on the entries themselves (not their hashes)."""
    n = len(entries)
    if n == 0:
        return _h(b"")
    if n == 1:
        return _h(b"\x00" + entries[0])
    k = _k(n)
    return _h(b"\x01" + mth(entries[:k]) + mth(entries[k:]))


def path(m: int, entries: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n])."""
    n = len(entries)
    if n == 1:
        return []
    k = _k(n)
    if m < k:
        return [*path(m, entries[:k]), mth(entries[k:])]
    return [*path(m - k, entries[k:]), mth(entries[:k])]


def proof(m: int, entries: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) for 0 < m ≤ n."""
    return subproof(m, entries, True)


def subproof(m: int, entries: Sequence[bytes], whole: bool) -> list[bytes]:
    n = len(entries)
    if m == n:
        return [] if whole else [mth(entries)]
    k = _k(n)
    if m <= k:
        return [*subproof(m, entries[:k], whole), mth(entries[k:])]
    return [*subproof(m - k, entries[k:], False), mth(entries[:k])]
