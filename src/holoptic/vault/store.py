"""Storing and reading data items: content-addressed, one encrypted blob each.

Storing is a merge: for a time-series kind, records are grouped per UTC day and only the
records not already present in that member's items for that day become a new item. Equal
records are equal byte for byte in canonical form, so re-importing an export, or a later
export that overlaps an earlier one, adds only what is new. Items are never rewritten:
their ids are what consent, tracing and valuation point at.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from holoptic.clock import Clock
from holoptic.vault.crypto import MemberCipher
from holoptic.vault.errors import InvalidRecords, ItemNotFound, ItemUnreadable
from holoptic.vault.kinds import kind_spec
from holoptic.vault.model import (
    DataItem,
    ImportBatch,
    KindSummary,
    Record,
    SourceStat,
    StoreResult,
)
from holoptic.vault.ports import VaultRepository, VaultUnitOfWork
from holoptic.vault.records import (
    BucketCache,
    DayLines,
    Span,
    canonical,
    decode_lines,
    encode_lines,
    group_by_day,
    period_of,
    span_of,
)
from holoptic.vault.service import VaultService, new_id


class ItemStore:
    """Writes records into items and reads them back for their owner."""

    def __init__(
        self, uow: Callable[[], VaultUnitOfWork], vault: VaultService, clock: Clock
    ) -> None:
        self._uow = uow
        self._vault = vault
        self._clock = clock

    def store(
        self,
        member_id: str,
        kind: str,
        records: Iterable[Mapping[str, Any]],
        batch_id: str | None = None,
    ) -> StoreResult:
        """Store records in their own transaction."""
        with self._uow() as uow:
            return self.store_in(uow.vault, member_id, kind, records, batch_id)

    def store_in(
        self,
        repo: VaultRepository,
        member_id: str,
        kind: str,
        records: Iterable[Mapping[str, Any]],
        batch_id: str | None = None,
        cache: BucketCache | None = None,
    ) -> StoreResult:
        """Store records inside the caller's transaction (importers use one per file).

        Callers that store one file in slices pass the same ``cache`` to every slice, so
        days already seen are not decrypted again. The cache must not outlive the
        transaction.
        """
        writer = self._writer(repo, member_id, kind, batch_id, cache)
        if kind_spec(kind).atomic:
            for record in records:
                writer.atomic(canonical(record))
        else:
            for day, spans in sorted(group_by_day(records).items()):
                writer.day(day, spans)
        return writer.result()

    def store_lines_in(
        self,
        repo: VaultRepository,
        member_id: str,
        kind: str,
        days: Iterable[DayLines],
        batch_id: str | None = None,
        cache: BucketCache | None = None,
    ) -> StoreResult:
        """Like ``store_in``, for canonical lines already grouped per day (the importers'
        fast lane): the same items as storing the records the lines encode."""
        if kind_spec(kind).atomic:
            raise InvalidRecords(f"{kind} is not a time series: store its records one by one")
        writer = self._writer(repo, member_id, kind, batch_id, cache)
        for block in days:
            writer.day_lines(block)
        return writer.result()

    def _writer(
        self,
        repo: VaultRepository,
        member_id: str,
        kind: str,
        batch_id: str | None,
        cache: BucketCache | None,
    ) -> _Writer:
        cipher = self._vault.cipher(repo, member_id)
        cache = cache if cache is not None else BucketCache()
        return _Writer(repo, cipher, member_id, kind, batch_id, self._clock, cache)

    def read(self, member_id: str, item_id: str) -> tuple[DataItem, list[Record]]:
        """An item and its records, for its owner only."""
        with self._uow() as uow:
            item = uow.vault.get_item(item_id)
            if item is None or item.member_id != member_id:
                raise ItemNotFound(f"no item {item_id} for this member", item_id=item_id)
            return item, self._records(uow.vault, item)

    def items(
        self, member_id: str, kind: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[DataItem]:
        with self._uow() as uow:
            self._vault.cipher(uow.vault, member_id)  # raises if the member is gone
            return uow.vault.list_items(member_id, kind, limit, offset)

    def summary(self, member_id: str) -> list[KindSummary]:
        with self._uow() as uow:
            return uow.vault.kind_summaries(member_id)

    def community_summary(self, community_id: str) -> list[KindSummary]:
        """Per-kind counts over a community's members, for stewards (no contents)."""
        with self._uow() as uow:
            return uow.vault.community_kind_summaries(community_id)

    def stats(self, member_id: str) -> list[SourceStat]:
        """Counts per kind and per source, for ``holoptic data stats``."""
        with self._uow() as uow:
            self._vault.cipher(uow.vault, member_id)  # raises if the member is gone
            return uow.vault.source_stats(member_id)

    def batches(self, member_id: str) -> list[ImportBatch]:
        """The member's import batches (one per file handed to an importer), oldest first."""
        with self._uow() as uow:
            return uow.vault.list_batches(member_id)

    def each_record_set(
        self, member_id: str, kinds: Collection[str] | None = None
    ) -> Iterable[tuple[DataItem, list[Record] | ItemUnreadable]]:
        """Every item (of ``kinds``, when given) with its records, or the error that makes
        it unreadable. Items of other kinds are not decrypted."""
        with self._uow() as uow:
            cipher = self._vault.cipher(uow.vault, member_id)
            for item in uow.vault.list_items(member_id):
                if kinds is not None and item.kind not in kinds:
                    continue
                try:
                    yield item, decode_lines(cipher.open(item.id, _blob(uow.vault, item)))
                except ItemUnreadable as error:
                    yield item, error

    def _records(self, repo: VaultRepository, item: DataItem) -> list[Record]:
        cipher = self._vault.cipher(repo, item.member_id)
        return decode_lines(cipher.open(item.id, _blob(repo, item)))


def _blob(repo: VaultRepository, item: DataItem) -> bytes:
    blob = repo.get_blob(item.id)
    if blob is None:
        raise ItemUnreadable(f"item {item.id} has no content", item_id=item.id)
    return blob


_DAY = timedelta(days=1)
_PENDING = 64  # items kept before they are written (a day of points seals to ~20 kB)


def _identity_of(fields: tuple[str, ...]) -> Callable[[str], str]:
    """What makes two records of a kind the same event, when it is less than all of them."""

    def identity(line: str) -> str:
        record = json.loads(line)
        return canonical({field: record.get(field) for field in fields})

    return identity


class _Writer:
    """Accumulates one store call's new items and counts."""

    def __init__(
        self,
        repo: VaultRepository,
        cipher: MemberCipher,
        member_id: str,
        kind: str,
        batch_id: str | None,
        clock: Clock,
        cache: BucketCache,
    ) -> None:
        self.repo, self.cipher, self.member_id = repo, cipher, member_id
        self.kind, self.batch_id, self.clock, self.cache = kind, batch_id, clock, cache
        spec = kind_spec(kind)
        self.category = spec.category
        self.identity = None if not spec.identity else _identity_of(spec.identity)
        self.added = self.duplicate = 0
        self.item_ids: list[str] = []
        self._pending: list[tuple[DataItem, bytes]] = []  # written in one go: see _flush

    def atomic(self, line: str) -> None:
        self._flush()  # the items of this call so far are duplicates too
        payload = encode_lines([line])
        digest = self.cipher.content_hash(payload)
        if self.repo.item_hash_exists(self.member_id, digest):
            self.duplicate += 1
            return
        self._add(None, 1, payload, digest, period_of([line]))

    def day(self, day: date, spans: dict[str, Span]) -> None:
        present = self._known((self.kind, day))
        self._merge(day, list(spans), present, lambda new: span_of(spans[ln] for ln in new))

    def day_lines(self, block: DayLines) -> None:
        bucket = (self.kind, block.day)
        present = self._known(bucket)
        if self.identity is None and not present:  # a new day: its text is the payload
            payload = block.text.encode()
            period = (block.start, block.end)
            self._add(block.day, block.count, payload, self.cipher.content_hash(payload), period)
            self.cache.wrote(bucket)
            self.cache.put(bucket, block)
            return
        whole, count = (block.start, block.end), block.count
        lines = block.lines()
        self._merge(block.day, lines, present, lambda n: whole if len(n) == count else period_of(n))

    def _known(self, bucket: tuple[str, date]) -> set[str]:
        """The identities the day already holds (cached, else read)."""
        present = self.cache.get(bucket)
        return self._present(bucket[1]) if present is None else present

    def _merge(
        self,
        day: date,
        lines: list[str],
        present: set[str],
        period: Callable[[list[str]], tuple[datetime | None, datetime | None]],
    ) -> None:
        """Add, as one new item, the lines (each given once) not yet in ``present``."""
        bucket = (self.kind, day)
        identity = self.identity
        if identity is None:  # the whole line is the identity: set operations, in C
            new = sorted(lines if not present else [ln for ln in lines if ln not in present])
            present.update(new)
        else:
            new = []
            for line in sorted(lines):
                key = identity(line)
                if key not in present:
                    present.add(key)  # two records of one file with one identity: keep the first
                    new.append(line)
        self.cache.put(bucket, present)
        self.duplicate += len(lines) - len(new)
        if new:
            payload = encode_lines(new)
            self._add(day, len(new), payload, self.cipher.content_hash(payload), period(new))
            self.cache.wrote(bucket)

    def _present(self, day: date) -> set[str]:
        """The identities of the records already stored for the day."""
        present: set[str] = set()
        if not self.cache.may_hold((self.kind, day), self._days_before):
            return present
        self._flush()
        for item in self.repo.items_in_bucket(self.member_id, self.kind, day):
            try:
                lines = self._lines(item.id, _blob(self.repo, item))
            except ItemUnreadable:
                continue  # a corrupted item does not block the day: its records come back
            present.update(lines if self.identity is None else map(self.identity, lines))
        return present

    def _days_before(self) -> tuple[date, date] | None:
        """The days the kind's items span, a day wider each side (a period's time zone)."""
        self._flush()
        for summary in self.repo.kind_summaries(self.member_id):
            if summary.kind == self.kind and summary.first and summary.last:
                return summary.first.date() - _DAY, summary.last.date() + _DAY
        return None

    def _lines(self, item_id: str, blob: bytes) -> list[str]:
        # split at "\n" only: a line may hold U+2028 and the like, which splitlines cuts at
        return [line for line in self.cipher.open(item_id, blob).decode().split("\n") if line]

    def _add(
        self,
        day: date | None,
        count: int,
        payload: bytes,
        digest: str,
        period: tuple[datetime | None, datetime | None],
    ) -> None:
        item_id = new_id()
        start, end = period
        if day is not None and start is None:
            start = datetime.combine(day, time.min, UTC)
        item = DataItem(
            id=item_id,
            member_id=self.member_id,
            kind=self.kind,
            category=self.category,
            day=day,
            period_start=start,
            period_end=end or start,
            record_count=count,
            content_hash=digest,
            batch_id=self.batch_id,
            created_at=self.clock.now(),
        )
        self._pending.append((item, self.cipher.seal(item_id, payload)))
        self.added += count
        self.item_ids.append(item_id)
        if len(self._pending) >= _PENDING:
            self._flush()

    def _flush(self) -> None:
        """Write the items kept so far: one statement per table for many items (a few
        hundred thousand rows cost seconds through one statement each). Done before any
        read of the member's items and when the call ends."""
        if self._pending:
            self.repo.add_items(self._pending)
            self._pending = []

    def result(self) -> StoreResult:
        self._flush()
        return StoreResult(len(self.item_ids), self.added, self.duplicate, tuple(self.item_ids))
