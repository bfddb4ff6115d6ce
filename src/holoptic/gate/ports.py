"""What the gate needs from storage: one unit of work spanning every repository it
touches, so a release, its grant and its log leaves commit together or not at all."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol

from holoptic.consent.model import Grant
from holoptic.consumers.ports import ConsumerRepository
from holoptic.gate.model import MemberUse
from holoptic.identity.ports import IdentityRepository
from holoptic.rules.model import Period
from holoptic.rules.ports import RuleRepository
from holoptic.trace.ports import TraceRepository
from holoptic.vault.model import DataItem, WrappedKey
from holoptic.vault.ports import VaultRepository


@dataclass(frozen=True, slots=True)
class StoredUse:
    """A use as the gate recorded it (the request as received, members by id)."""

    id: str
    consumer_id: str | None
    purpose: str
    aggregation: str
    decision: str
    request: dict[str, Any]
    first_leaf: int
    leaf_count: int
    created_at: datetime


class GrantRepository(Protocol):
    def add(self, grant: Grant) -> None: ...
    def save(self, grant: Grant) -> None:
        """Store a grant's new events (withdrawal, expiry)."""
        ...

    def get(self, grant_id: str) -> Grant | None: ...
    def for_member(self, member_id: str) -> list[Grant]: ...
    def for_consumer(self, consumer_id: str) -> list[Grant]: ...
    def for_use(
        self, consumer_id: str, member_ids: Collection[str], purpose: str, aggregation: str
    ) -> dict[str, list[Grant]]:
        """The grants of these members to this consumer that bear on a use for
        ``purpose`` at ``aggregation``: every withdrawn one (whatever its purpose: it
        blocks its purpose and the narrower ones) and every one for exactly this purpose
        and level (one could be reused), oldest first."""
        ...


class UseRepository(Protocol):
    def add_use(self, use: StoredUse, members: Sequence[MemberUse], at: datetime) -> None: ...
    def add_uses(
        self, uses: Sequence[tuple[StoredUse, Sequence[MemberUse]]], at: datetime
    ) -> None: ...
    def get_use(self, use_id: str) -> StoredUse | None: ...
    def member_history(
        self, member_id: str, limit: int, offset: int
    ) -> list[tuple[StoredUse, MemberUse]]:
        """The uses that concerned a member, newest first, with the member's part."""
        ...

    def member_use(self, use_id: str, member_id: str) -> MemberUse | None: ...
    def consumer_uses(self, consumer_id: str) -> list[StoredUse]: ...
    def items_of(
        self, member_ids: Collection[str], categories: Collection[str], period: Period | None
    ) -> list[DataItem]:
        """Items of these members in these categories whose time overlaps ``period``."""
        ...

    def existing_members(self, member_ids: Collection[str]) -> set[str]: ...
    def sealed(self, item_ids: Collection[str]) -> tuple[dict[str, bytes], list[WrappedKey]]:
        """Item blobs and their members' wrapped keys (members whose key is gone are
        missing: their items cannot be opened)."""
        ...

    def parts_of(self, use_ids: Collection[str]) -> dict[str, list[MemberUse]]: ...
    def items_by_hash(
        self, member_ids: Collection[str], hashes: Collection[str]
    ) -> list[DataItem]: ...


class GateUnitOfWork(Protocol):
    @property
    def identity(self) -> IdentityRepository: ...
    @property
    def consumers(self) -> ConsumerRepository: ...
    @property
    def rules(self) -> RuleRepository: ...
    @property
    def grants(self) -> GrantRepository: ...
    @property
    def uses(self) -> UseRepository: ...
    @property
    def vault(self) -> VaultRepository: ...
    @property
    def trace(self) -> TraceRepository: ...

    def __enter__(self) -> GateUnitOfWork: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class GateUnitOfWorkFactory(Protocol):
    def __call__(self, write: bool = False) -> GateUnitOfWork: ...
