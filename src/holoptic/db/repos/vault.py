"""The vault's rows, mapped explicitly to and from its frozen dataclasses."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from holoptic.db import schema as t
from holoptic.db.repos.bulk import Bulk
from holoptic.vault.model import (
    BatchStatus,
    Community,
    DataItem,
    Holder,
    HolderKind,
    ImportBatch,
    KindSummary,
    Membership,
    Role,
    SourceStat,
    WrappedKey,
)
from holoptic.vault.ports import SealedMember


def utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every time in Holoptic is aware UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def must_utc(value: datetime) -> datetime:
    result = utc(value)
    assert result is not None
    return result


def _community(row: Mapping[Any, Any]) -> Community:
    return Community(row["id"], row["slug"], row["name"], must_utc(row["created_at"]))


def _member(row: Mapping[Any, Any]) -> SealedMember:
    return SealedMember(
        row["id"],
        row["name_blob"],
        row["email_blob"],
        row["email_index"],
        row["lang"],
        must_utc(row["created_at"]),
    )


def _item(row: Mapping[Any, Any]) -> DataItem:
    return DataItem(
        id=row["id"],
        member_id=row["member_id"],
        kind=row["kind"],
        category=row["category"],
        day=row["day"],
        period_start=utc(row["period_start"]),
        period_end=utc(row["period_end"]),
        record_count=row["record_count"],
        content_hash=row["content_hash"],
        batch_id=row["batch_id"],
        created_at=must_utc(row["created_at"]),
    )


def _batch(row: Mapping[Any, Any]) -> ImportBatch:
    return ImportBatch(
        id=row["id"],
        member_id=row["member_id"],
        file_name=row["file_name"],
        sha256=row["sha256"],
        format=row["format"],
        importer_version=row["importer_version"],
        status=BatchStatus(row["status"]),
        records_added=row["records_added"],
        records_duplicate=row["records_duplicate"],
        items_added=row["items_added"],
        started_at=must_utc(row["started_at"]),
        finished_at=utc(row["finished_at"]),
        error_code=row["error_code"],
        import_id=row["import_id"],
    )


class SqlVaultRepository:
    """Implements ``holoptic.vault.ports.VaultRepository``."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def _one(self, query: Any) -> Mapping[str, Any] | None:
        row = self._c.execute(query).mappings().first()
        return dict(row) if row is not None else None

    # communities
    def add_community(self, community: Community) -> None:
        self._c.execute(insert(t.communities).values(**_fields(community)))

    def get_community(self, community_id: str) -> Community | None:
        row = self._one(select(t.communities).where(t.communities.c.id == community_id))
        return _community(row) if row else None

    def get_community_by_slug(self, slug: str) -> Community | None:
        row = self._one(select(t.communities).where(t.communities.c.slug == slug))
        return _community(row) if row else None

    def list_communities(self) -> list[Community]:
        rows = self._c.execute(select(t.communities).order_by(t.communities.c.slug)).mappings()
        return [_community(row) for row in rows]

    # members
    def add_member(self, member: SealedMember) -> None:
        self._c.execute(insert(t.members).values(**_fields(member)))

    def get_member(self, member_id: str) -> SealedMember | None:
        row = self._one(select(t.members).where(t.members.c.id == member_id))
        return _member(row) if row else None

    def list_members(self, community_id: str | None = None) -> list[SealedMember]:
        query = select(t.members).order_by(t.members.c.created_at, t.members.c.id)
        if community_id is not None:
            query = query.join(t.memberships).where(t.memberships.c.community_id == community_id)
        return [_member(row) for row in self._c.execute(query).mappings()]

    def member_ids(self, community_id: str) -> list[str]:
        """The community's member ids alone (daily dividends read 100,000 of them)."""
        c = t.memberships.c
        query = select(c.member_id).where(c.community_id == community_id).order_by(c.member_id)
        return [str(i) for i in self._c.execute(query).scalars()]

    def count_members(self, community_id: str | None = None) -> int:
        query = select(func.count()).select_from(t.members)
        if community_id is not None:
            query = (
                select(func.count())
                .select_from(t.memberships)
                .where(t.memberships.c.community_id == community_id)
            )
        return int(self._c.execute(query).scalar_one())

    def find_member_by_email_index(self, email_index: str) -> str | None:
        query = select(t.members.c.id).where(t.members.c.email_index == email_index)
        return self._c.execute(query).scalar_one_or_none()

    def set_email_index(self, member_id: str, email_index: str | None) -> None:
        self._c.execute(
            update(t.members).where(t.members.c.id == member_id).values(email_index=email_index)
        )

    def delete_member(self, member_id: str) -> None:
        # Explicit deletes, child tables first: correct even where cascades are off.
        item_ids = select(t.data_items.c.id).where(t.data_items.c.member_id == member_id)
        self._c.execute(delete(t.item_blobs).where(t.item_blobs.c.item_id.in_(item_ids)))
        for table in (t.data_items, t.import_batches, t.api_tokens, t.accounts, t.member_documents):
            self._c.execute(delete(table).where(table.c.member_id == member_id))
        self._c.execute(delete(t.memberships).where(t.memberships.c.member_id == member_id))
        self._c.execute(delete(t.member_keys).where(t.member_keys.c.member_id == member_id))
        self._c.execute(delete(t.members).where(t.members.c.id == member_id))

    # memberships
    def add_membership(self, membership: Membership) -> None:
        self._c.execute(insert(t.memberships).values(**_fields(membership)))

    def memberships_of(self, member_id: str) -> list[Membership]:
        query = select(t.memberships).where(t.memberships.c.member_id == member_id)
        return [
            Membership(r["community_id"], r["member_id"], Role(r["role"]), must_utc(r["joined_at"]))
            for r in self._c.execute(query).mappings()
        ]

    # keys
    def put_wrapped_key(self, key: WrappedKey) -> None:
        self._c.execute(delete(t.member_keys).where(t.member_keys.c.member_id == key.member_id))
        self._c.execute(insert(t.member_keys).values(**_fields(key)))

    def get_wrapped_key(self, member_id: str) -> WrappedKey | None:
        row = self._one(select(t.member_keys).where(t.member_keys.c.member_id == member_id))
        return WrappedKey(**row) if row else None

    def list_wrapped_keys(self) -> list[WrappedKey]:
        query = select(t.member_keys).order_by(t.member_keys.c.member_id)
        return [WrappedKey(**row) for row in self._c.execute(query).mappings()]

    # holders
    def add_holder(self, holder: Holder) -> None:
        self._c.execute(insert(t.holders).values(**_fields(holder)))

    def get_holder_by_slug(self, slug: str) -> Holder | None:
        row = self._one(select(t.holders).where(t.holders.c.slug == slug))
        return _holder(row) if row else None

    def list_holders(self) -> list[Holder]:
        rows = self._c.execute(select(t.holders).order_by(t.holders.c.slug)).mappings()
        return [_holder(row) for row in rows]

    # import batches
    def add_batch(self, batch: ImportBatch) -> None:
        self._c.execute(insert(t.import_batches).values(**_fields(batch)))

    def finish_batch(
        self,
        batch_id: str,
        status: BatchStatus,
        counts: tuple[int, int, int],
        finished_at: datetime,
        error_code: str | None = None,
    ) -> None:
        added, duplicate, items = counts
        self._c.execute(
            update(t.import_batches)
            .where(t.import_batches.c.id == batch_id)
            .values(
                status=status.value,
                records_added=added,
                records_duplicate=duplicate,
                items_added=items,
                finished_at=finished_at,
                error_code=error_code,
            )
        )

    def get_batch(self, batch_id: str) -> ImportBatch | None:
        row = self._one(select(t.import_batches).where(t.import_batches.c.id == batch_id))
        return _batch(row) if row else None

    def list_batches(self, member_id: str) -> list[ImportBatch]:
        query = (
            select(t.import_batches)
            .where(t.import_batches.c.member_id == member_id)
            .order_by(t.import_batches.c.started_at)
        )
        return [_batch(row) for row in self._c.execute(query).mappings()]

    def find_batches(self, member_id: str, sha256: str) -> list[ImportBatch]:
        c = t.import_batches.c
        query = (
            select(t.import_batches)
            .where(c.member_id == member_id, c.sha256 == sha256)
            .order_by(c.started_at)
        )
        return [_batch(row) for row in self._c.execute(query).mappings()]

    # items
    def add_item(self, item: DataItem, blob: bytes) -> None:
        self._c.execute(insert(t.data_items).values(**_fields(item)))
        self._c.execute(insert(t.item_blobs).values(item_id=item.id, ciphertext=blob))

    def add_items(self, items: list[tuple[DataItem, bytes]]) -> None:
        """Many items and their blobs, two statements in all (an import adds thousands)."""
        if items:
            _ITEM_INSERT.run(self._c, (_fields(item) for item, _blob in items))
            _BLOB_INSERT.run(self._c, ({"item_id": i.id, "ciphertext": b} for i, b in items))

    def get_item(self, item_id: str) -> DataItem | None:
        row = self._one(select(t.data_items).where(t.data_items.c.id == item_id))
        return _item(row) if row else None

    def get_blob(self, item_id: str) -> bytes | None:
        query = select(t.item_blobs.c.ciphertext).where(t.item_blobs.c.item_id == item_id)
        return self._c.execute(query).scalar_one_or_none()

    def item_hash_exists(self, member_id: str, content_hash: str) -> bool:
        query = select(t.data_items.c.id).where(
            t.data_items.c.member_id == member_id, t.data_items.c.content_hash == content_hash
        )
        return self._c.execute(query).first() is not None

    def items_in_bucket(self, member_id: str, kind: str, day: date) -> list[DataItem]:
        query = select(t.data_items).where(
            t.data_items.c.member_id == member_id,
            t.data_items.c.kind == kind,
            t.data_items.c.day == day,
        )
        return [_item(row) for row in self._c.execute(query).mappings()]

    def list_items(
        self,
        member_id: str,
        kind: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[DataItem]:
        c = t.data_items.c
        query = select(t.data_items).where(c.member_id == member_id)
        if kind is not None:
            query = query.where(c.kind == kind)
        query = query.order_by(c.kind, c.period_start, c.id).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        return [_item(row) for row in self._c.execute(query).mappings()]

    def count_items(self, member_id: str | None = None) -> int:
        query = select(func.count()).select_from(t.data_items)
        if member_id is not None:
            query = query.where(t.data_items.c.member_id == member_id)
        return int(self._c.execute(query).scalar_one())

    def source_stats(self, member_id: str) -> list[SourceStat]:
        c, b = t.data_items.c, t.import_batches.c
        source = func.coalesce(b.format, "direct").label("source")
        query = (
            select(c.kind, source, func.count().label("items"), func.sum(c.record_count))
            .select_from(t.data_items.outerjoin(t.import_batches, c.batch_id == b.id))
            .where(c.member_id == member_id)
            .group_by(c.kind, source)
            .order_by(c.kind, source)
        )
        return [
            SourceStat(kind, src, int(items), int(records or 0))
            for kind, src, items, records in self._c.execute(query)
        ]

    def kind_summaries(self, member_id: str) -> list[KindSummary]:
        return self._summaries(t.data_items.c.member_id == member_id)

    def community_kind_summaries(self, community_id: str) -> list[KindSummary]:
        """Counts over every member of a community: aggregates only, never contents."""
        in_community = select(t.memberships.c.member_id).where(
            t.memberships.c.community_id == community_id
        )
        return self._summaries(t.data_items.c.member_id.in_(in_community))

    def _summaries(self, condition: Any) -> list[KindSummary]:
        c = t.data_items.c
        query = (
            select(
                c.kind,
                func.min(c.category).label("category"),
                func.count().label("items"),
                func.sum(c.record_count).label("records"),
                func.min(c.period_start).label("first"),
                func.max(c.period_end).label("last"),
            )
            .where(condition)
            .group_by(c.kind)
            .order_by(c.kind)
        )
        return [
            KindSummary(
                r["kind"],
                r["category"],
                int(r["items"]),
                int(r["records"] or 0),
                utc(r["first"]),
                utc(r["last"]),
            )
            for r in self._c.execute(query).mappings()
        ]


_ITEM_INSERT = Bulk(
    insert(t.data_items).values({c.name: bindparam(c.name) for c in t.data_items.c}),
    {c.name: c.type for c in t.data_items.c},
)
_BLOB_INSERT = Bulk(
    insert(t.item_blobs).values({c.name: bindparam(c.name) for c in t.item_blobs.c}),
    {c.name: c.type for c in t.item_blobs.c},
)


def _holder(row: Mapping[Any, Any]) -> Holder:
    return Holder(
        row["id"],
        row["slug"],
        row["name"],
        HolderKind(row["kind"]),
        row["domain"],
        must_utc(row["created_at"]),
    )


def _fields(obj: Any) -> dict[str, Any]:
    """A frozen dataclass as column values (enums stored as their value)."""
    values: dict[str, Any] = {}
    for name in obj.__dataclass_fields__:
        value = getattr(obj, name)
        values[name] = value.value if hasattr(value, "value") else value
    return values
