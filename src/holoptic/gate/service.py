"""The gate: the only code path that hands a member's data to someone else.

One request is one write transaction: authenticate the consumer, read the members'
rules and grants, decide member by member, create the grants that permitting rules
stand for, build the release, append one log leaf per member concerned (or one for a
refusal) and record the use. If anything fails, nothing of it remains, and no data
leaves without its leaves being committed with it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from holoptic.clock import Clock
from holoptic.consent.model import Grant
from holoptic.consumers.model import Consumer
from holoptic.gate.decide import MemberDecider
from holoptic.gate.grants import GrantKeeper
from holoptic.gate.leaves import member_leaf, refusal_leaf
from holoptic.gate.model import MemberUse, Refusal, UseOutcome, UseQuery
from holoptic.gate.ports import GateUnitOfWork, GateUnitOfWorkFactory, StoredUse
from holoptic.gate.query import check_query, expand_categories, query_document
from holoptic.gate.release import build_release, pseudonym
from holoptic.identity.model import Scope
from holoptic.identity.service import hash_token
from holoptic.rules.model import Aggregation, Decision, Outcome
from holoptic.rules.taxonomy import Taxonomy
from holoptic.trace.log import UsageLog
from holoptic.vault.crypto import MemberCipher
from holoptic.vault.model import DataItem
from holoptic.vault.records import decode_lines
from holoptic.vault.service import VaultService, new_id

UNAUTHENTICATED = "unauthenticated"
TOUCH_EVERY = timedelta(minutes=1)


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
    ) -> None:
        self._uow = uow
        self._vault = vault
        self._log = log
        self._taxonomy = taxonomy
        self._clock = clock
        self._pseudonym_key = pseudonym_key
        self._epsilon = epsilon
        # Pure: which stored categories a request's categories cover (fixed vocabularies).
        self._expand = lru_cache(maxsize=256)(
            lambda requested: tuple(expand_categories(requested, taxonomy))
        )

    def request(
        self, query: UseQuery, token: str | None = None, consumer_id: str | None = None
    ) -> UseOutcome:
        """Decide, release and log one request.

        ``token`` is the consumer's API secret (the web API); ``consumer_id`` names the
        consumer directly, for an operator's ``holoptic use``. A malformed query raises
        ``InvalidUseRequest`` and is not logged; every refusal is logged and returned.
        """
        check_query(query, self._taxonomy)
        now = self._clock.now()
        use_id = new_id()
        with self._uow(write=True) as uow:
            consumer = self._consumer(uow, token, consumer_id, now)
            if consumer is None or not consumer.approved:
                refusal = Refusal.TOKEN if consumer is None else Refusal.CONSUMER
                return self._refuse(uow, use_id, consumer, query, refusal, now)
            grant: Grant | None = None
            if query.grant_id is not None:
                grant, refusal_or_none = GrantKeeper(uow, self._taxonomy).check(
                    query, consumer, now
                )
                if refusal_or_none is not None:
                    return self._refuse(uow, use_id, consumer, query, refusal_or_none, now)
            return self._decide(uow, use_id, consumer, query, grant, now)

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

    def _decide(
        self,
        uow: GateUnitOfWork,
        use_id: str,
        consumer: Consumer,
        query: UseQuery,
        grant: Grant | None,
        now: datetime,
    ) -> UseOutcome:
        categories: tuple[str, ...] = self._expand(tuple(query.categories))
        members = self._candidates(uow, query, grant)
        if not members:
            return self._refuse(uow, use_id, consumer, query, Refusal.NO_MEMBER, now)
        items = uow.uses.items_of(members, categories, query.period)
        decider = MemberDecider(uow, self._taxonomy, consumer, query, now, grant)
        decisions = decider.decide(members, items)
        if not decisions:  # nobody holds data the request covers
            return self._refuse(uow, use_id, consumer, query, Refusal.NO_MEMBER, now)
        uses, released_items = self._parts(uow, consumer, query, grant, decider, decisions, now)
        release = self._release(uow, consumer, query, released_items)
        return self._record(uow, use_id, consumer, query, uses, release, now)

    def _parts(
        self,
        uow: GateUnitOfWork,
        consumer: Consumer,
        query: UseQuery,
        grant: Grant | None,
        decider: MemberDecider,
        decisions: dict[str, tuple[Decision, list[DataItem]]],
        now: datetime,
    ) -> tuple[list[MemberUse], dict[str, list[DataItem]]]:
        """Each member's part of the use, with the grant a permitting rule stands for,
        and the items released."""
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
                existing = decider.grants.get(member_id, [])
                read = decider.rules.get(member_id, [])
                grant_id = grant_id or keeper.ensure(
                    member_id, consumer, query, decision, now, existing, read
                )
            uses.append(decider.member_use(member_id, decision, grant_id, released))
        return uses, released_items

    def _candidates(self, uow: GateUnitOfWork, query: UseQuery, grant: Grant | None) -> list[str]:
        if grant is not None:
            return [grant.member_id]
        if query.members is not None:  # unknown ids hold no items: they drop out below
            return sorted(set(query.members))
        return uow.rules.members_with_rules()

    def _release(
        self,
        uow: GateUnitOfWork,
        consumer: Consumer,
        query: UseQuery,
        items: dict[str, list[DataItem]],
    ) -> dict[str, Any] | None:
        if not any(items.values()):
            return None
        blobs: dict[str, bytes] = {}
        ciphers: dict[str, MemberCipher] = {}
        if not query.aggregation.grouped:  # aggregates read metadata only
            blobs, keys = uow.uses.sealed([i.id for v in items.values() for i in v])
            ciphers = {key.member_id: self._vault.open_key(key) for key in keys}

        def open_records(item: DataItem) -> list[dict[str, Any]]:
            cipher = ciphers.get(item.member_id)
            if cipher is None:  # the member's key is gone: raise as the vault does
                cipher = self._vault.cipher(uow.vault, item.member_id)
            return decode_lines(cipher.open(item.id, blobs.get(item.id, b"")))

        def name_member(member_id: str) -> str:
            if query.aggregation is Aggregation.PSEUDONYMISED:
                return pseudonym(self._pseudonym_key(), consumer.id, member_id)
            return member_id

        return build_release(query.aggregation, items, open_records, name_member, self._epsilon)

    def _record(
        self,
        uow: GateUnitOfWork,
        use_id: str,
        consumer: Consumer,
        query: UseQuery,
        uses: Sequence[MemberUse],
        release: dict[str, Any] | None,
        now: datetime,
    ) -> UseOutcome:
        parts = len(uses)
        leaves = [
            member_leaf(use_id, n, parts, now, consumer.id, query.purpose, query.aggregation, u)
            for n, u in enumerate(uses)
        ]
        receipts = self._log.append_many_in(uow.trace, leaves)
        logged = [use.logged_at(r.index) for use, r in zip(uses, receipts, strict=True)]
        outcome = Outcome.PERMIT if release is not None else Outcome.DENY
        stored = StoredUse(
            use_id,
            consumer.id,
            query.purpose,
            query.aggregation.value,
            outcome.value,
            query_document(query),
            receipts[0].index,
            parts,
            now,
        )
        uow.uses.add_use(stored, logged, now)
        return UseOutcome(
            use_id=use_id,
            consumer_id=consumer.id,
            outcome=outcome,
            at=now,
            purpose=query.purpose,
            aggregation=query.aggregation,
            log_indexes=tuple(r.index for r in receipts),
            explanation=_explain(logged, named=query.members is not None),
            released=release,
            members=tuple(logged),
        )

    def _refuse(
        self,
        uow: GateUnitOfWork,
        use_id: str,
        consumer: Consumer | None,
        query: UseQuery,
        refusal: Refusal,
        now: datetime,
    ) -> UseOutcome:
        name = consumer.id if consumer else UNAUTHENTICATED
        leaf = refusal_leaf(
            use_id, now, name, query.purpose, query.aggregation, refusal, query.grant_id
        )
        receipt = self._log.append_in(uow.trace, leaf)
        stored = StoredUse(
            use_id,
            consumer.id if consumer else None,
            query.purpose,
            query.aggregation.value,
            Outcome.DENY.value,
            query_document(query),
            receipt.index,
            1,
            now,
        )
        uow.uses.add_use(stored, [], now)
        explanation: list[dict[str, Any]] = [
            {"code": refusal.value, "category": None, "rule": None, "detail": {}}
        ]
        return UseOutcome(
            use_id,
            consumer.id if consumer else None,
            Outcome.DENY,
            now,
            query.purpose,
            query.aggregation,
            (receipt.index,),
            explanation,
            None,
            refusal=refusal,
        )


def _explain(uses: Sequence[MemberUse], named: bool) -> list[dict[str, Any]]:
    """The consumer's explanation. Per member when the consumer named the members (it
    knows those ids); otherwise counts per decision and reason, so asking "everyone"
    does not reveal who is in the commons."""
    if named:
        return [
            {
                "member": use.member_id,
                "decision": use.outcome.value,
                "grant": use.grant_id,
                "reasons": use.explanation,
            }
            for use in uses
        ]
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for use in uses:
        for code in sorted({str(reason["code"]) for reason in use.explanation}):
            counts[(use.outcome.value, code)] += 1
    return [
        {"decision": decision, "code": code, "members": count}
        for (decision, code), count in sorted(counts.items())
    ]
