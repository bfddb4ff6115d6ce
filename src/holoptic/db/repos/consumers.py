"""Rows of consumers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from holoptic.consumers.model import Consumer, ConsumerStatus
from holoptic.db import schema as t
from holoptic.db.repos.raw import driver_rows, stored_time
from holoptic.db.repos.vault import must_utc, utc
from holoptic.identity.model import ApiToken, Scope
from holoptic.rules.model import ConsumerType


def _consumer(row: Mapping[Any, Any]) -> Consumer:
    return Consumer(
        id=row["id"],
        name=row["name"],
        type=ConsumerType(row["type"]),
        status=ConsumerStatus(row["status"]),
        created_at=must_utc(row["created_at"]),
        contact_email=row["contact_email"],
        website=row["website"],
        address=row["address"],
        approved_at=utc(row["approved_at"]),
    )


def _must(value: object) -> datetime:
    moment = stored_time(value)
    assert moment is not None
    return moment


@lru_cache(maxsize=64)
def _scopes(text: str) -> frozenset[Scope]:
    """A token's scopes from their stored text (pure parsing, so it is kept)."""
    return frozenset(Scope(s) for s in text.split() if s)


def _hashed_token(row: Sequence[Any], token_hash: str) -> ApiToken:
    token_id, member, name, scopes, created, expires, revoked, used, consumer_id = row[:9]
    return ApiToken(
        id=token_id,
        member_id=member,
        name=name,
        token_hash=token_hash,
        scopes=_scopes(scopes),
        created_at=_must(created),
        expires_at=stored_time(expires),
        revoked_at=stored_time(revoked),
        last_used_at=stored_time(used),
        consumer_id=consumer_id,
    )


def _token_consumer(row: Sequence[Any]) -> Consumer:
    consumer_id, name, kind, status, since, email, website, address, approved = row[8:]
    return Consumer(
        id=consumer_id,
        name=name,
        type=ConsumerType(kind),
        status=ConsumerStatus(status),
        created_at=_must(since),
        contact_email=email,
        website=website,
        address=address,
        approved_at=stored_time(approved),
    )


# The gate's first read, on every request: straight to the driver (see ``uses``).
_BY_HASH = (
    "SELECT t.id, t.member_id, t.name, t.scopes, t.created_at, t.expires_at, t.revoked_at, "
    "t.last_used_at, t.consumer_id, c.name, c.type, c.status, c.created_at, "
    "c.contact_email, c.website, c.address, c.approved_at "
    "FROM api_tokens t JOIN consumers c ON c.id = t.consumer_id WHERE t.token_hash = ?"
)
_BY_ID = select(t.consumers).where(t.consumers.c.id == bindparam("consumer_id"))


class SqlConsumerRepository:
    """Implements ``holoptic.consumers.ports.ConsumerRepository``."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, consumer: Consumer) -> None:
        self._c.execute(
            insert(t.consumers).values(
                id=consumer.id,
                name=consumer.name,
                type=consumer.type.value,
                status=consumer.status.value,
                contact_email=consumer.contact_email,
                website=consumer.website,
                address=consumer.address,
                created_at=consumer.created_at,
                approved_at=consumer.approved_at,
            )
        )

    def get(self, consumer_id: str) -> Consumer | None:
        row = self._c.execute(_BY_ID, {"consumer_id": consumer_id}).mappings().first()
        return _consumer(row) if row else None

    def by_token(self, token_hash: str) -> tuple[ApiToken, Consumer] | None:
        """A consumer's token and the consumer, in one query (the gate's first read)."""
        rows = driver_rows(self._c, _BY_HASH, (token_hash,))
        return (_hashed_token(rows[0], token_hash), _token_consumer(rows[0])) if rows else None

    def list(self, status: ConsumerStatus | None = None) -> list[Consumer]:
        query = select(t.consumers).order_by(t.consumers.c.name, t.consumers.c.id)
        if status is not None:
            query = query.where(t.consumers.c.status == status.value)
        return [_consumer(row) for row in self._c.execute(query).mappings()]

    def set_status(self, consumer_id: str, status: ConsumerStatus, at: datetime | None) -> None:
        values: dict[str, Any] = {"status": status.value}
        if status is ConsumerStatus.APPROVED:
            values["approved_at"] = at
        self._c.execute(update(t.consumers).where(t.consumers.c.id == consumer_id).values(values))
