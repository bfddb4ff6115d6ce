"""Rows of consumers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from holoptic.consumers.model import Consumer, ConsumerStatus
from holoptic.db import schema as t
from holoptic.db.repos.identity import _token
from holoptic.db.repos.vault import must_utc, utc
from holoptic.identity.model import ApiToken
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


# Built once: the gate runs this on every request (SQLAlchemy then skips re-building it).
_BY_TOKEN = (
    select(t.api_tokens, *[c.label("c__" + c.name) for c in t.consumers.c])
    .join(t.consumers, t.consumers.c.id == t.api_tokens.c.consumer_id)
    .where(t.api_tokens.c.token_hash == bindparam("token_hash"))
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
        row = self._c.execute(_BY_TOKEN, {"token_hash": token_hash}).mappings().first()
        if row is None:
            return None
        prefix = "c__"
        consumer = {k[len(prefix) :]: v for k, v in row.items() if k.startswith(prefix)}
        return _token(row), _consumer(consumer)

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
