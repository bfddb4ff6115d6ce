"""The vault's immutable data model.

A *data item* is the unit of consent, tracing and valuation: one member's records of one
kind over one day (``day`` set), or one atomic record (``day`` is None). Its content is a
canonical JSON Lines document, compressed and encrypted as one blob.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

Record = dict[str, Any]


class Role(enum.StrEnum):
    """What a member may do in a community."""

    MEMBER = "member"
    STEWARD = "steward"


class HolderKind(enum.StrEnum):
    """What sort of organisation holds data about members."""

    PLATFORM = "platform"
    ADVERTISER = "advertiser"
    DATA_BROKER = "data_broker"
    TRACKER = "tracker"
    UTILITY = "utility"
    PUBLIC_BODY = "public_body"
    OTHER = "other"


class BatchStatus(enum.StrEnum):
    """Where an import batch stands; only ``done`` batches have items."""

    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Community:
    id: str
    slug: str
    name: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Member:
    """A person. ``name`` and ``email`` are decrypted on read; they rest encrypted."""

    id: str
    name: str
    email: str | None
    created_at: datetime
    lang: str = "fr"


@dataclass(frozen=True, slots=True)
class Membership:
    community_id: str
    member_id: str
    role: Role
    joined_at: datetime


@dataclass(frozen=True, slots=True)
class Holder:
    """An organisation that holds personal data about members."""

    id: str
    slug: str
    name: str
    kind: HolderKind
    domain: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ImportBatch:
    """One file handed to an importer, with what came of it."""

    id: str
    member_id: str
    file_name: str
    sha256: str
    format: str
    importer_version: str
    status: BatchStatus
    records_added: int
    records_duplicate: int
    items_added: int
    started_at: datetime
    finished_at: datetime | None
    error_code: str | None = None
    import_id: str | None = None


@dataclass(frozen=True, slots=True)
class DataItem:
    """The metadata of one stored item; its content is read through the service."""

    id: str
    member_id: str
    kind: str
    category: str
    day: date | None
    period_start: datetime | None
    period_end: datetime | None
    record_count: int
    content_hash: str
    batch_id: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StoredBlob:
    """An item's encrypted content as it rests in storage."""

    item_id: str
    member_id: str
    ciphertext: bytes


@dataclass(frozen=True, slots=True)
class WrappedKey:
    """A member's data key, encrypted under one master key."""

    member_id: str
    master_key_id: str
    wrapped: bytes


@dataclass(frozen=True, slots=True)
class StoreResult:
    """What storing a group of records changed, for import reports."""

    items_added: int
    records_added: int
    records_duplicate: int
    item_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class KindSummary:
    """Counts per kind, for a member's home page and stats."""

    kind: str
    category: str
    items: int
    records: int
    first: datetime | None
    last: datetime | None


@dataclass(frozen=True, slots=True)
class SourceStat:
    """Items and records of one kind from one source (an import format, or ``direct``)."""

    kind: str
    source: str
    items: int
    records: int
