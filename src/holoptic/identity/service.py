"""Sign-up, login and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime

from holoptic.clock import Clock
from holoptic.identity.errors import InsufficientScope, InvalidCredentials, InvalidToken
from holoptic.identity.model import Account, ApiToken, Scope
from holoptic.identity.passwords import (
    check_strength,
    hash_password,
    needs_rehash,
    verify_password,
)
from holoptic.identity.ports import IdentityUnitOfWork
from holoptic.vault.model import Member, Role
from holoptic.vault.service import DEFAULT_COMMUNITY, VaultService, new_id

TOKEN_PREFIX = "hol_"  # noqa: S105 (a marker, not a secret)


def hash_token(secret: str) -> str:
    """Tokens are long and random, so a plain SHA-256 suffices (no password stretching)."""
    return hashlib.sha256(secret.encode()).hexdigest()


class IdentityService:
    def __init__(
        self, uow: Callable[[], IdentityUnitOfWork], vault: VaultService, clock: Clock
    ) -> None:
        self._uow = uow
        self._vault = vault
        self._clock = clock

    def sign_up(
        self,
        name: str,
        email: str,
        password: str,
        lang: str = "fr",
        community: str = DEFAULT_COMMUNITY,
        role: Role = Role.MEMBER,
    ) -> Member:
        """Create a member and their login in one transaction."""
        check_strength(password)
        password_hash = hash_password(password)
        with self._uow() as uow:
            member = self._vault.add_member_in(uow.vault, name, email, community, role, lang)
            uow.identity.add_account(Account(member.id, password_hash, self._clock.now()))
        return member

    def set_password(self, member_id: str, password: str) -> None:
        check_strength(password)
        password_hash = hash_password(password)
        with self._uow() as uow:
            if uow.identity.get_account(member_id) is None:
                uow.identity.add_account(Account(member_id, password_hash, self._clock.now()))
            else:
                uow.identity.set_password_hash(member_id, password_hash)

    def authenticate(self, email: str, password: str) -> Member:
        member = self._vault.find_by_email(email)
        with self._uow() as uow:
            account = uow.identity.get_account(member.id) if member else None
            stored = account.password_hash if account else None
            if member is None or not verify_password(stored, password):
                raise InvalidCredentials("wrong e-mail address or password")
            assert stored is not None
            if needs_rehash(stored):
                uow.identity.set_password_hash(member.id, hash_password(password))
            uow.identity.touch_login(member.id, self._clock.now())
        return member

    def create_token(
        self,
        member_id: str | None,
        name: str,
        scopes: Iterable[Scope],
        expires_at: datetime | None = None,
    ) -> tuple[ApiToken, str]:
        """A new token and its secret, shown once and never stored."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken(
            id=new_id(),
            member_id=member_id,
            name=name.strip()[:120] or "token",
            token_hash=hash_token(secret),
            scopes=frozenset(scopes),
            created_at=self._clock.now(),
            expires_at=expires_at,
        )
        with self._uow() as uow:
            uow.identity.add_token(token)
        return token, secret

    def verify_token(self, secret: str, needed: Scope | None = None) -> ApiToken:
        now = self._clock.now()
        with self._uow() as uow:
            token = uow.identity.find_token(hash_token(secret))
            if token is None or not token.active_at(now):
                raise InvalidToken("the API token is unknown, expired or revoked")
            if needed is not None and needed not in token.scopes:
                raise InsufficientScope(f"this token lacks the {needed.value!r} scope")
            uow.identity.touch_token(token.id, now)
        return token

    def tokens(self, member_id: str) -> list[ApiToken]:
        with self._uow() as uow:
            return uow.identity.list_tokens(member_id)

    def revoke_token(self, member_id: str, token_id: str) -> None:
        with self._uow() as uow:
            owned = {token.id for token in uow.identity.list_tokens(member_id)}
            if token_id not in owned:
                raise InvalidToken("no such token for this member")
            uow.identity.revoke_token(token_id, self._clock.now())
