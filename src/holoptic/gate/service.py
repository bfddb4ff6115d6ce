"""The gate: the only code path that hands a member's data to someone else.

One request is decided in one write transaction: authenticate the consumer, read the
members' rules and grants, decide member by member, create the grants that permitting
rules stand for, build the release, append one log leaf per member concerned (or one
for a refusal) and record the use. If anything fails, nothing of it remains, and no data
leaves without its leaves being committed with it.

Requests that arrive together are settled together (``GroupCommit``, as the payment
desk does): one transaction, one log append, and the requests of one consumer that
differ only in the members they name are decided as one, reading each table once. Each
still gets its own use, leaves, grants and answer, exactly as alone. If the batch fails,
each request is settled again on its own, so one request's failure is its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from holoptic.batching import GroupCommit
from holoptic.clock import Clock
from holoptic.consent.model import Grant
from holoptic.consumers.model import Consumer
from holoptic.gate.decide import MemberDecider
from holoptic.gate.grants import GrantKeeper
from holoptic.gate.model import MemberUse, Refusal, UseOutcome, UseQuery
from holoptic.gate.ports import GateUnitOfWork, GateUnitOfWorkFactory
from holoptic.gate.query import check_query, expand_categories
from holoptic.gate.recorder import Decided, Recorder
from holoptic.gate.release import Opener, build_release, pseudonym
from holoptic.identity.model import Scope
from holoptic.identity.service import hash_token
from holoptic.rules.model import Aggregation, Decision, Outcome
from holoptic.rules.taxonomy import Taxonomy
from holoptic.trace.log import UsageLog
from holoptic.vault.crypto import MemberCipher
from holoptic.vault.model import DataItem
from holoptic.vault.service import VaultService, new_id
from holoptic.vault.stored_records import StoredRecords

log = logging.getLogger(__name__)
TOUCH_EVERY = timedelta(minutes=1)
MOST = 64  # requests settled in one transaction: bounds a caller's wait

Decisions = dict[str, tuple[Decision, list[DataItem]]]


@dataclass(frozen=True, slots=True)
class Asked:
    """One request as queued for a batch."""

    use_id: str
    query: UseQuery
    token: str | None
    consumer_id: str | None

    @property
    def shareable(self) -> bool:
        """Decided member by member with nothing shared among them: raw or pseudonymised
        data of named members, under their rules (not under a grant the request names)."""
        query = self.query
        return (
            query.members is not None and query.grant_id is None and not query.aggregation.grouped
        )

    @property
    def shape(self) -> tuple[Any, ...]:
        """What requests decided as one have in common: all but the members."""
        q = self.query
        return (q.purpose, q.categories, q.period, q.aggregation, q.spatial)


class Gate:
    def __init__(
        self,
        uow: GateUnitOfWorkFactory,
        vault: VaultService,
        log: UsageLog,
        taxonomy: Taxonomy,
        clock: Clock,
        pseudonym_key: Callable[[], bytes],
        epsilon: float = 1.0,
        most: int = MOST,
    ) -> None:
        self._uow = uow
        self._vault = vault
        self._taxonomy = taxonomy
        self._clock = clock
        self._pseudonym_key = pseudonym_key
        self._epsilon = epsilon
        self._recorder = Recorder(log)
        # Pure: which stored categories a request's categories cover (fixed vocabularies).
        self._expand = lru_cache(maxsize=256)(
            lambda requested: tuple(expand_categories(requested, taxonomy))
        )
        self.group: GroupCommit[Asked, UseOutcome] = GroupCommit(self.settle, most)

    def request(
        self, query: UseQuery, token: str | None = None, consumer_id: str | None = None
    ) -> UseOutcome:
        """Decide, release and log one request.

        ``token`` is the consumer's API secret (the web API); ``consumer_id`` names the
        consumer directly, for an operator's ``holoptic use``. A malformed query raises
        ``InvalidUseRequest`` and is not logged; every refusal is logged and returned.
        """
        check_query(query, self._taxonomy)
        return self.group.submit(Asked(new_id(), query, token, consumer_id))

    def settle(self, batch: Sequence[Asked]) -> list[UseOutcome | BaseException]:
        """Answer each request of a batch, in one transaction if all goes well."""
        if len(batch) > 1:
            try:
                return list(self._together(batch))
            except Exception as error:  # settled again one by one: each hears of its own
                log.info("a batch of %d uses failed (%r): settling each alone", len(batch), error)
        return [self._alone(asked) for asked in batch]

    def _alone(self, asked: Asked) -> UseOutcome | BaseException:
        try:
            now = self._clock.now()
            with self._uow(write=True) as uow:
                consumer = self._consumer(uow, asked.token, asked.consumer_id, now)
                return self._one(uow, asked, consumer, now)
        except Exception as error:  # the caller's own: raised to it by ``GroupCommit``
            return error

    def _together(self, batch: Sequence[Asked]) -> list[UseOutcome]:
        now = self._clock.now()
        answers: dict[int, UseOutcome] = {}
        with self._uow(write=True) as uow:
            callers: dict[tuple[str | None, str | None], Consumer | None] = {}
            shapes: dict[tuple[Any, ...], list[int]] = {}
            for n, asked in enumerate(batch):
                key = (asked.token, asked.consumer_id)
                if key not in callers:
                    callers[key] = self._consumer(uow, asked.token, asked.consumer_id, now)
                consumer = callers[key]
                if consumer is not None and consumer.approved and asked.shareable:
                    shapes.setdefault((consumer, *asked.shape), []).append(n)
                else:
                    answers[n] = self._one(uow, asked, consumer, now)
            for (consumer, *_), numbers in shapes.items():
                asks = [batch[n] for n in numbers]
                answers.update(zip(numbers, self._shared(uow, consumer, asks, now), strict=True))
        return [answers[n] for n in range(len(batch))]

    # --- steps ----------------------------------------------------------------------------

    def _consumer(
        self, uow: GateUnitOfWork, token: str | None, consumer_id: str | None, now: datetime
    ) -> Consumer | None:
        if token is None:
            return uow.consumers.get(consumer_id) if consumer_id else None
        found = uow.consumers.by_token(hash_token(token))
        if found is None:
            return None
        api_token, consumer = found
        if not api_token.active_at(now) or Scope.USES_REQUEST not in api_token.scopes:
            return None
        last = api_token.last_used_at
        if last is None or now - last > TOUCH_EVERY:  # a write per minute, not per request
            uow.identity.touch_token(api_token.id, now)
        return consumer

    def _one(
        self, uow: GateUnitOfWork, asked: Asked, consumer: Consumer | None, now: datetime
    ) -> UseOutcome:
        use_id, query = asked.use_id, asked.query
        if consumer is None or not consumer.approved:
            refusal = Refusal.TOKEN if consumer is None else Refusal.CONSUMER
            return self._recorder.refuse(uow, use_id, consumer, query, refusal, now)
        grant: Grant | None = None
        if query.grant_id is not None:
            grant, refused = GrantKeeper(uow, self._taxonomy).check(query, consumer, now)
            if refused is not None:
                return self._recorder.refuse(uow, use_id, consumer, query, refused, now)
        members = self._candidates(uow, query, grant)
        decider = MemberDecider(uow, self._taxonomy, consumer, query, now, grant)
        decisions = self._decisions(uow, decider, query, members)
        if not decisions:  # nobody holds data the request covers
            return self._recorder.refuse(uow, use_id, consumer, query, Refusal.NO_MEMBER, now)
        uses, released = self._parts(uow, consumer, query, grant, decider, decisions, now, {})
        opener = self._opener(uow, query, released)
        release = self._release(consumer, query, released, opener)
        return self._recorder.record(uow, [Decided(use_id, consumer, query, uses, release)], now)[0]

    def _shared(
        self, uow: GateUnitOfWork, consumer: Consumer, asks: Sequence[Asked], now: datetime
    ) -> list[UseOutcome]:
        """Requests differing only in the members they name, decided as one."""
        query = asks[0].query
        members = sorted({m for asked in asks for m in asked.query.members or ()})
        decider = MemberDecider(uow, self._taxonomy, consumer, query, now, None)
        decisions = self._decisions(uow, decider, query, members)
        made: dict[str, list[Grant]] = {}  # grants created for earlier requests of the batch
        parts, refused = [], {}
        for n, asked in enumerate(asks):
            mine = {m: decisions[m] for m in set(asked.query.members or ()) if m in decisions}
            if not mine:
                refused[n] = self._recorder.refuse(
                    uow, asked.use_id, consumer, asked.query, Refusal.NO_MEMBER, now
                )
                continue
            uses, released = self._parts(uow, consumer, query, None, decider, mine, now, made)
            parts.append((n, asked, uses, released))
        every = {m: i for _, _, _, released in parts for m, i in released.items()}
        opener = self._opener(uow, query, every)  # one read of every blob released
        decided = [
            Decided(
                asked.use_id,
                consumer,
                asked.query,
                uses,
                self._release(consumer, asked.query, released, opener),
            )
            for _, asked, uses, released in parts
        ]
        recorded = dict(
            zip([n for n, *_ in parts], self._recorder.record(uow, decided, now), strict=True)
        )
        return [recorded.get(n) or refused[n] for n in range(len(asks))]

    def _decisions(
        self, uow: GateUnitOfWork, decider: MemberDecider, query: UseQuery, members: list[str]
    ) -> Decisions:
        if not members:
            return {}
        categories: tuple[str, ...] = self._expand(tuple(query.categories))
        return decider.decide(members, uow.uses.items_of(members, categories, query.period))

    def _parts(
        self,
        uow: GateUnitOfWork,
        consumer: Consumer,
        query: UseQuery,
        grant: Grant | None,
        decider: MemberDecider,
        decisions: Decisions,
        now: datetime,
        made: dict[str, list[Grant]],
    ) -> tuple[list[MemberUse], dict[str, list[DataItem]]]:
        """Each member's part of the use, with the grant a permitting rule stands for
        (``made``: those created earlier in this transaction), and the items released."""
        keeper = GrantKeeper(uow, self._taxonomy)
        uses: list[MemberUse] = []
        released_items: dict[str, list[DataItem]] = {}
        for member_id in sorted(decisions):
            decision, member_items = decisions[member_id]
            grant_id = grant.id if grant else None
            released: list[DataItem] = []
            if decision.outcome is Outcome.PERMIT:
                released = [i for i in member_items if i.category in decision.permitted]
                released_items[member_id] = released
                if grant_id is None:
                    existing = decider.grants.get(member_id, []) + made.get(member_id, [])
                    read = decider.rules.get(member_id, [])
                    kept = keeper.ensure(member_id, consumer, query, decision, now, existing, read)
                    if kept not in existing:
                        made.setdefault(member_id, []).append(kept)
                    grant_id = kept.id
            uses.append(decider.member_use(member_id, decision, grant_id, released))
        return uses, released_items

    def _candidates(self, uow: GateUnitOfWork, query: UseQuery, grant: Grant | None) -> list[str]:
        if grant is not None:
            return [grant.member_id]
        if query.members is not None:  # unknown ids hold no items: they drop out below
            return sorted(set(query.members))
        return uow.rules.members_with_rules()

    def _opener(
        self, uow: GateUnitOfWork, query: UseQuery, items: dict[str, list[DataItem]]
    ) -> Opener:
        """Opens the released items' records, from one read of their blobs and keys."""
        blobs: dict[str, bytes] = {}
        ciphers: dict[str, MemberCipher] = {}
        if not query.aggregation.grouped and any(items.values()):  # aggregates: metadata only
            blobs, keys = uow.uses.sealed([i.id for v in items.values() for i in v])
            ciphers = {key.member_id: self._vault.open_key(key) for key in keys}

        def open_records(item: DataItem) -> StoredRecords:
            """Decrypted and authenticated here, inside the transaction; parsed only
            if someone reads them (``StoredRecords``)."""
            cipher = ciphers.get(item.member_id)
            if cipher is None:  # the member's key is gone: raise as the vault does
                cipher = self._vault.cipher(uow.vault, item.member_id)
            return StoredRecords(cipher.open(item.id, blobs.get(item.id, b"")))

        return open_records

    def _release(
        self,
        consumer: Consumer,
        query: UseQuery,
        items: dict[str, list[DataItem]],
        opener: Opener,
    ) -> dict[str, Any] | None:
        if not any(items.values()):
            return None

        def name_member(member_id: str) -> str:
            if query.aggregation is Aggregation.PSEUDONYMISED:
                return pseudonym(self._pseudonym_key(), consumer.id, member_id)
            return member_id

        return build_release(query.aggregation, items, opener, name_member, self._epsilon)
