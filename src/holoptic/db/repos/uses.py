"""Rows of uses, of each member's part in them, and of the items the gate reads.

The gate's hot statements (this module's item, blob and use rows, and the token, rule
and grant reads of their repositories) go through ``raw``: straight to the DB-API cursor
of the unit of work's connection, inside its transaction.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, or_, select

from holoptic.db import schema as t
from holoptic.db.repos.raw import (
    bound_time,
    driver_rows,
    driver_write,
    marks,
    stored_day,
    stored_time,
)
from holoptic.db.repos.vault import _item, must_utc
from holoptic.gate.model import MemberUse
from holoptic.gate.ports import StoredUse
from holoptic.rules.model import Outcome, Period
from holoptic.trace.errors import DuplicateUse
from holoptic.vault.model import DataItem, WrappedKey

CHUNK = 400
_JSON_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS
USE_COLUMNS = (
    "id",
    "consumer_id",
    "purpose",
    "aggregation",
    "decision",
    "request",
    "first_leaf",
    "leaf_count",
    "created_at",
)
PART_COLUMNS = (
    "use_id",
    "member_id",
    "decision",
    "grant_id",
    "leaf_index",
    "body",
    "created_at",
)
_INSERT_USE = (
    f"INSERT INTO uses ({', '.join(USE_COLUMNS)}) "  # noqa: S608 (constant names)
    f"VALUES ({', '.join(['?'] * len(USE_COLUMNS))})"
)
_INSERT_PART = (
    f"INSERT INTO use_members ({', '.join(PART_COLUMNS)}) "  # noqa: S608 (constant names)
    f"VALUES ({', '.join(['?'] * len(PART_COLUMNS))})"
)
ITEM_COLUMNS = (
    "id, member_id, kind, category, day, period_start, period_end, record_count, "
    "content_hash, batch_id, created_at"
)
_ITEMS = (  # the gate's usual read: members' items in some categories, any time
    f"SELECT {ITEM_COLUMNS} FROM data_items WHERE member_id IN ({{members}}) "  # noqa: S608
    "AND category IN ({categories}) ORDER BY member_id, kind, period_start, id"
)
_SEALED = (
    "SELECT b.item_id, b.ciphertext, i.member_id, k.master_key_id, k.wrapped "
    "FROM item_blobs b JOIN data_items i ON i.id = b.item_id "
    "JOIN member_keys k ON k.member_id = i.member_id WHERE b.item_id IN ({ids})"
)


def _driver_item(row: Sequence[Any]) -> DataItem:
    created = stored_time(row[10])
    assert created is not None
    return DataItem(
        row[0],
        row[1],
        row[2],
        row[3],
        stored_day(row[4]),
        stored_time(row[5]),
        stored_time(row[6]),
        row[7],
        row[8],
        row[9],
        created,
    )


def _use(row: Mapping[Any, Any]) -> StoredUse:
    return StoredUse(
        id=row["id"],
        consumer_id=row["consumer_id"],
        purpose=row["purpose"],
        aggregation=row["aggregation"],
        decision=row["decision"],
        request=json.loads(row["request"]),
        first_leaf=int(row["first_leaf"]),
        leaf_count=int(row["leaf_count"]),
        created_at=must_utc(row["created_at"]),
    )


def _member_use(row: Mapping[Any, Any]) -> MemberUse:
    body = json.loads(row["body"])
    return MemberUse(
        member_id=row["member_id"],
        outcome=Outcome(row["decision"]),
        leaf_index=int(row["leaf_index"]),
        grant_id=row["grant_id"],
        rules=tuple(body["rules"]),
        explanation=body["explanation"],
        items=tuple(body["items"]),
        categories=tuple(body["categories"]),
        duties=body.get("duties", []),
    )


class SqlUseRepository:
    """Implements ``holoptic.gate.ports.UseRepository``."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add_use(self, use: StoredUse, members: Sequence[MemberUse], at: datetime) -> None:
        self.add_uses([(use, members)], at)

    def add_uses(self, uses: Sequence[tuple[StoredUse, Sequence[MemberUse]]], at: datetime) -> None:
        """Uses and their members' parts, each table in one statement run per row."""
        stamp = bound_time(self._c, at)
        rows = [
            (
                use.id,
                use.consumer_id,
                use.purpose,
                use.aggregation,
                use.decision,
                _json(use.request),
                use.first_leaf,
                use.leaf_count,
                bound_time(self._c, use.created_at),
            )
            for use, _ in uses
        ]
        try:
            driver_write(self._c, _INSERT_USE, rows)
        except self._c.dialect.loaded_dbapi.IntegrityError as error:  # the driver's own
            if "pk_uses" not in str(error) and "uses.id" not in str(error):
                raise
            raise DuplicateUse("a use id is already recorded (each use is logged once)") from None
        parts = [_member_row(use.id, m, stamp) for use, members in uses for m in members]
        if parts:
            driver_write(self._c, _INSERT_PART, parts)

    def get_use(self, use_id: str) -> StoredUse | None:
        row = self._c.execute(select(t.uses).where(t.uses.c.id == use_id)).mappings().first()
        return _use(row) if row else None

    def member_history(
        self, member_id: str, limit: int, offset: int
    ) -> list[tuple[StoredUse, MemberUse]]:
        u, m = t.uses.c, t.use_members.c
        query = (
            select(t.uses, *[col.label("m_" + col.name) for col in t.use_members.c])
            .join(t.use_members, m.use_id == u.id)
            .where(m.member_id == member_id)
            .order_by(m.leaf_index.desc())
            .limit(limit)
            .offset(offset)
        )
        found = []
        for row in self._c.execute(query).mappings():
            part = {name[2:]: row[name] for name in row if name.startswith("m_")}
            found.append((_use(row), _member_use(part)))
        return found

    def member_use(self, use_id: str, member_id: str) -> MemberUse | None:
        c = t.use_members.c
        query = select(t.use_members).where(c.use_id == use_id, c.member_id == member_id)
        row = self._c.execute(query).mappings().first()
        return _member_use(row) if row else None

    def consumer_uses(self, consumer_id: str) -> list[StoredUse]:
        query = (
            select(t.uses).where(t.uses.c.consumer_id == consumer_id).order_by(t.uses.c.created_at)
        )
        return [_use(row) for row in self._c.execute(query).mappings()]

    def items_of(
        self, member_ids: Collection[str], categories: Collection[str], period: Period | None
    ) -> list[DataItem]:
        c = t.data_items.c
        ids = sorted(set(member_ids))
        found: list[DataItem] = []
        if period is None or (period.start is None and period.end is None):
            wanted = sorted(set(categories))
            if not wanted:
                return found
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start : start + CHUNK]
                sql = _ITEMS.format(members=marks(len(chunk)), categories=marks(len(wanted)))
                found.extend(map(_driver_item, driver_rows(self._c, sql, [*chunk, *wanted])))
            return found
        for start in range(0, len(ids), CHUNK):
            query = select(t.data_items).where(
                c.member_id.in_(ids[start : start + CHUNK]), c.category.in_(sorted(categories))
            )
            if period is not None and period.end is not None:
                query = query.where(or_(c.period_start.is_(None), c.period_start < period.end))
            if period is not None and period.start is not None:
                query = query.where(or_(c.period_end.is_(None), c.period_end >= period.start))
            query = query.order_by(c.member_id, c.kind, c.period_start, c.id)
            found.extend(_item(row) for row in self._c.execute(query).mappings())
        return found

    def parts_of(self, use_ids: Collection[str]) -> dict[str, list[MemberUse]]:
        c = t.use_members.c
        found: dict[str, list[MemberUse]] = {}
        ids = sorted(set(use_ids))
        for start in range(0, len(ids), CHUNK):
            query = select(t.use_members).where(c.use_id.in_(ids[start : start + CHUNK]))
            for row in self._c.execute(query.order_by(c.leaf_index)).mappings():
                found.setdefault(row["use_id"], []).append(_member_use(row))
        return found

    def items_by_hash(self, member_ids: Collection[str], hashes: Collection[str]) -> list[DataItem]:
        c = t.data_items.c
        wanted = sorted(set(hashes))
        found: list[DataItem] = []
        for start in range(0, len(wanted), CHUNK):
            query = select(t.data_items).where(
                c.member_id.in_(sorted(set(member_ids))),
                c.content_hash.in_(wanted[start : start + CHUNK]),
            )
            found.extend(_item(row) for row in self._c.execute(query).mappings())
        return found

    def sealed(self, item_ids: Collection[str]) -> tuple[dict[str, bytes], list[WrappedKey]]:
        """Item blobs and their members' wrapped keys, in one query per chunk."""
        ids = sorted(set(item_ids))
        blobs: dict[str, bytes] = {}
        keys: dict[str, WrappedKey] = {}
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            sql = _SEALED.format(ids=marks(len(chunk)))
            for item_id, blob, member_id, key_id, wrapped in driver_rows(self._c, sql, chunk):
                blobs[item_id] = bytes(blob)
                keys[member_id] = WrappedKey(member_id, key_id, bytes(wrapped))
        return blobs, list(keys.values())

    def existing_members(self, member_ids: Collection[str]) -> set[str]:
        ids = sorted(set(member_ids))
        found: set[str] = set()
        for start in range(0, len(ids), CHUNK):
            query = select(t.members.c.id).where(t.members.c.id.in_(ids[start : start + CHUNK]))
            found.update(self._c.execute(query).scalars())
        return found


def _member_row(use_id: str, use: MemberUse, at: Any) -> tuple[Any, ...]:
    body = {
        "rules": list(use.rules),
        "explanation": use.explanation,
        "items": list(use.items),
        "categories": list(use.categories),
        "duties": use.duties,
    }
    text = _json(body)
    return (use_id, use.member_id, use.outcome.value, use.grant_id, use.leaf_index, text, at)


def _json(value: Any) -> str:
    """A use's stored JSON (orjson: every use writes two per member, on the gate's path)."""
    return orjson.dumps(value, option=_JSON_OPTIONS).decode()
