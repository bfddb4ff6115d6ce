"""Rows of grants: the consent a member gave a consumer, with its event history."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from holoptic.consent.model import ConsentEvent, ConsentEventKind, Grant, Party
from holoptic.db import schema as t
from holoptic.db.repos.vault import must_utc, utc
from holoptic.rules.model import Aggregation, ConsumerType

CHUNK = 400
_OF_ONE = (
    select(t.grants)
    .where(
        t.grants.c.consumer_id == bindparam("consumer"), t.grants.c.member_id == bindparam("member")
    )
    .order_by(t.grants.c.given_at, t.grants.c.id)
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
    body = json.loads(row["body"])
    return Grant(
        id=row["id"],
        member_id=row["member_id"],
        consumer_id=row["consumer_id"],
        consumer=Party(**body["consumer"]),
        consumer_type=ConsumerType(body["consumer_type"]),
        purpose=row["purpose"],
        categories=tuple(body["categories"]),
        aggregation=Aggregation(row["aggregation"]),
        rule_ids=tuple(body["rule_ids"]),
        given_at=must_utc(row["given_at"]),
        expires_at=utc(row["expires_at"]),
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
        self._c.execute(
            insert(t.grants).values(
                id=grant.id,
                member_id=grant.member_id,
                consumer_id=grant.consumer_id,
                purpose=grant.purpose,
                aggregation=grant.aggregation.value,
                body=_body(grant),
                given_at=grant.given_at,
                expires_at=grant.expires_at,
                withdrawn_at=_withdrawn_at(grant),
            )
        )

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

    def of_consumer(self, consumer_id: str, member_ids: Collection[str]) -> dict[str, list[Grant]]:
        c = t.grants.c
        found: dict[str, list[Grant]] = defaultdict(list)
        ids = sorted(set(member_ids))
        if len(ids) == 1:
            params = {"consumer": consumer_id, "member": ids[0]}
            grants = [_grant(row) for row in self._c.execute(_OF_ONE, params).mappings()]
            return {ids[0]: grants} if grants else {}
        for start in range(0, len(ids), CHUNK):
            query = (
                select(t.grants)
                .where(c.consumer_id == consumer_id, c.member_id.in_(ids[start : start + CHUNK]))
                .order_by(c.given_at, c.id)
            )
            for row in self._c.execute(query).mappings():
                found[row["member_id"]].append(_grant(row))
        return dict(found)
