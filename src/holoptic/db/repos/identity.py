"""Rows of accounts and API tokens."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from holoptic.db import schema as t
from holoptic.db.repos.vault import must_utc, utc
from holoptic.identity.model import Account, ApiToken, Scope


def _token(row: Mapping[Any, Any]) -> ApiToken:
    return ApiToken(
        id=row["id"],
        member_id=row["member_id"],
        name=row["name"],
        token_hash=row["token_hash"],
        scopes=frozenset(Scope(s) for s in row["scopes"].split() if s),
        created_at=must_utc(row["created_at"]),
        expires_at=utc(row["expires_at"]),
        revoked_at=utc(row["revoked_at"]),
        last_used_at=utc(row["last_used_at"]),
        consumer_id=row["consumer_id"],
    )


class SqlIdentityRepository:
    """Implements ``holoptic.identity.ports.IdentityRepository``."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add_account(self, account: Account) -> None:
        self._c.execute(
            insert(t.accounts).values(
                member_id=account.member_id,
                password_hash=account.password_hash,
                created_at=account.created_at,
                last_login_at=account.last_login_at,
            )
        )

    def get_account(self, member_id: str) -> Account | None:
        row = (
            self._c.execute(select(t.accounts).where(t.accounts.c.member_id == member_id))
            .mappings()
            .first()
        )
        if row is None:
            return None
        return Account(
            row["member_id"],
            row["password_hash"],
            must_utc(row["created_at"]),
            utc(row["last_login_at"]),
        )

    def set_password_hash(self, member_id: str, password_hash: str) -> None:
        self._c.execute(
            update(t.accounts)
            .where(t.accounts.c.member_id == member_id)
            .values(password_hash=password_hash)
        )

    def touch_login(self, member_id: str, moment: datetime) -> None:
        self._c.execute(
            update(t.accounts)
            .where(t.accounts.c.member_id == member_id)
            .values(last_login_at=moment)
        )

    def add_token(self, token: ApiToken) -> None:
        self._c.execute(
            insert(t.api_tokens).values(
                id=token.id,
                member_id=token.member_id,
                consumer_id=token.consumer_id,
                name=token.name,
                token_hash=token.token_hash,
                scopes=" ".join(sorted(s.value for s in token.scopes)),
                created_at=token.created_at,
                expires_at=token.expires_at,
                revoked_at=token.revoked_at,
                last_used_at=token.last_used_at,
            )
        )

    def find_token(self, token_hash: str) -> ApiToken | None:
        row = (
            self._c.execute(select(t.api_tokens).where(t.api_tokens.c.token_hash == token_hash))
            .mappings()
            .first()
        )
        return _token(row) if row else None

    def list_tokens(self, member_id: str) -> list[ApiToken]:
        query = (
            select(t.api_tokens)
            .where(t.api_tokens.c.member_id == member_id)
            .order_by(t.api_tokens.c.created_at)
        )
        return [_token(row) for row in self._c.execute(query).mappings()]

    def consumer_tokens(self, consumer_id: str) -> list[ApiToken]:
        query = (
            select(t.api_tokens)
            .where(t.api_tokens.c.consumer_id == consumer_id)
            .order_by(t.api_tokens.c.created_at)
        )
        return [_token(row) for row in self._c.execute(query).mappings()]

    def revoke_token(self, token_id: str, moment: datetime) -> None:
        self._c.execute(
            update(t.api_tokens).where(t.api_tokens.c.id == token_id).values(revoked_at=moment)
        )

    def touch_token(self, token_id: str, moment: datetime) -> None:
        self._c.execute(
            update(t.api_tokens).where(t.api_tokens.c.id == token_id).values(last_used_at=moment)
        )
