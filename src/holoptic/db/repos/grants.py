"""Rows of grants: the consent a member gave a consumer, with its event history."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, select, update

from holoptic.consent.model import ConsentEvent, ConsentEventKind, Grant, Party
from holoptic.db import schema as t
from holoptic.db.repos.raw import bound_time, driver_rows, driver_write, marks, stored_time
from holoptic.db.repos.vault import must_utc
from holoptic.rules.model import Aggregation, ConsumerType

CHUNK = 400
GRANT_COLUMNS = "id, member_id, consumer_id, purpose, aggregation, body, given_at, expires_at"
_INSERT = f"INSERT INTO grants ({GRANT_COLUMNS}, withdrawn_at) VALUES ({marks(9)})"  # noqa: S608
# The gate's read, on every request (straight to the driver, see ``uses``): only the
# grants it can use, withdrawn ones (they block) and those it could reuse.
_FOR_USE = (
    f"SELECT {GRANT_COLUMNS} FROM grants WHERE consumer_id = ? "  # noqa: S608 (constant)
    "AND member_id IN ({members}) "
    "AND (withdrawn_at IS NOT NULL OR (purpose = ? AND aggregation = ?)) "
    "ORDER BY given_at, id"
)


def _body(grant: Grant) -> str:
    party = grant.consumer
    return json.dumps(
        {
            "categories": list(grant.categories),
            "rule_ids": list(grant.rule_ids),
            "consumer_type": grant.consumer_type.value,
            "consumer": {
                "name": party.name,
                "contact_email": party.contact_email,
                "address": party.address,
                "phone": party.phone,
                "website": party.website,
            },
            "events": [
                {"kind": e.kind.value, "at": e.at.isoformat(), "by": e.by} for e in grant.events
            ],
        },
        sort_keys=True,
    )


def _grant(row: Mapping[Any, Any]) -> Grant:
    return parsed_grant(*(row[name] for name in GRANT_COLUMNS.split(", ")))


@lru_cache(maxsize=4096)
def parsed_grant(
    grant_id: str,
    member_id: str,
    consumer_id: str,
    purpose: str,
    aggregation: str,
    body_text: str,
    given_at: Any,
    expires_at: Any,
) -> Grant:
    """A stored grant, parsed. The key is the whole row as read (a withdrawal rewrites
    the body), so this keeps parsing only: the grants are read afresh on every request."""
    body = json.loads(body_text)
    given = stored_time(given_at)
    assert given is not None
    return Grant(
        id=grant_id,
        member_id=member_id,
        consumer_id=consumer_id,
        consumer=Party(**body["consumer"]),
        consumer_type=ConsumerType(body["consumer_type"]),
        purpose=purpose,
        categories=tuple(body["categories"]),
        aggregation=Aggregation(aggregation),
        rule_ids=tuple(body["rule_ids"]),
        given_at=given,
        expires_at=stored_time(expires_at),
        events=tuple(
            ConsentEvent(ConsentEventKind(e["kind"]), _time(e["at"]), e["by"])
            for e in body["events"]
        ),
    )


def _time(text: str) -> datetime:
    return must_utc(datetime.fromisoformat(text))


def _withdrawn_at(grant: Grant) -> datetime | None:
    ending = grant.ending
    return ending.at if ending and ending.kind is ConsentEventKind.WITHDRAWN else None


class SqlGrantRepository:
    """Implements ``holoptic.gate.ports.GrantRepository``."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, grant: Grant) -> None:
        """One row; through the driver, as the gate adds the grants rules stand for."""
        row = (
            grant.id,
            grant.member_id,
            grant.consumer_id,
            grant.purpose,
            grant.aggregation.value,
            _body(grant),
            *(bound_time(self._c, at) for at in (grant.given_at, grant.expires_at)),
            bound_time(self._c, _withdrawn_at(grant)),
        )
        driver_write(self._c, _INSERT, [row])

    def save(self, grant: Grant) -> None:
        self._c.execute(
            update(t.grants)
            .where(t.grants.c.id == grant.id)
            .values(body=_body(grant), withdrawn_at=_withdrawn_at(grant))
        )

    def get(self, grant_id: str) -> Grant | None:
        row = self._c.execute(select(t.grants).where(t.grants.c.id == grant_id)).mappings().first()
        return _grant(row) if row else None

    def for_member(self, member_id: str) -> list[Grant]:
        query = (
            select(t.grants)
            .where(t.grants.c.member_id == member_id)
            .order_by(t.grants.c.given_at.desc(), t.grants.c.id)
        )
        return [_grant(row) for row in self._c.execute(query).mappings()]

    def for_consumer(self, consumer_id: str) -> list[Grant]:
        query = (
            select(t.grants)
            .where(t.grants.c.consumer_id == consumer_id)
            .order_by(t.grants.c.given_at, t.grants.c.id)
        )
        return [_grant(row) for row in self._c.execute(query).mappings()]

    def for_use(
        self, consumer_id: str, member_ids: Collection[str], purpose: str, aggregation: str
    ) -> dict[str, list[Grant]]:
        found: dict[str, list[Grant]] = {}
        ids = sorted(set(member_ids))
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            sql = _FOR_USE.format(members=marks(len(chunk)))
            for row in driver_rows(self._c, sql, [consumer_id, *chunk, purpose, aggregation]):
                found.setdefault(row[1], []).append(parsed_grant(*row))
        return found
