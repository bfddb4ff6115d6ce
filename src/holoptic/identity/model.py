"""Accounts and API tokens."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class Scope(enum.StrEnum):
    """What an API token may do."""

    PROFILE_READ = "profile:read"
    DATA_READ = "data:read"
    DATA_EXPORT = "data:export"
    USES_REQUEST = "uses:request"  # a consumer asking the gate


@dataclass(frozen=True, slots=True)
class Account:
    """A member's login: an Argon2id hash, never the password."""

    member_id: str
    password_hash: str
    created_at: datetime
    last_login_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ApiToken:
    """A program's credential. Only the SHA-256 of the secret is stored."""

    id: str
    member_id: str | None
    name: str
    token_hash: str
    scopes: frozenset[Scope]
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
    consumer_id: str | None = None  # a consumer's token, not a member's

    def active_at(self, moment: datetime) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or moment < self.expires_at
