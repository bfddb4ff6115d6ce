"""What the gate writes for a use: its log leaves and its rows, and the consumer's answer.

Uses settled together (``service.Gate.settle``) append all their leaves at once: one
lock of the log, one state update, however many uses the batch holds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from holoptic.consumers.model import Consumer
from holoptic.gate.leaves import member_leaf, refusal_leaf
from holoptic.gate.model import MemberUse, Refusal, UseOutcome, UseQuery
from holoptic.gate.ports import GateUnitOfWork, StoredUse
from holoptic.gate.query import query_document
from holoptic.rules.model import Outcome
from holoptic.trace.log import UsageLog

UNAUTHENTICATED = "unauthenticated"


@dataclass(frozen=True, slots=True)
class Decided:
    """A use decided member by member, ready to be logged."""

    use_id: str
    consumer: Consumer
    query: UseQuery
    uses: Sequence[MemberUse]
    release: dict[str, Any] | None


class Recorder:
    def __init__(self, log: UsageLog) -> None:
        self._log = log

    def record(
        self, uow: GateUnitOfWork, decided: Sequence[Decided], now: datetime
    ) -> list[UseOutcome]:
        """Log each use (one leaf per member part, all in one append) and store it."""
        leaves = [
            member_leaf(
                d.use_id,
                n,
                len(d.uses),
                now,
                d.consumer.id,
                d.query.purpose,
                d.query.aggregation,
                u,
            )
            for d in decided
            for n, u in enumerate(d.uses)
        ]
        receipts = self._log.append_many_in(uow.trace, leaves)
        outcomes, rows, first = [], [], 0
        for d in decided:
            logged = [u.logged_at(receipts[first + n].index) for n, u in enumerate(d.uses)]
            first += len(d.uses)
            stored, outcome = self._outcome(d, logged, now)
            rows.append((stored, logged))
            outcomes.append(outcome)
        uow.uses.add_uses(rows, now)
        return outcomes

    def _outcome(
        self, d: Decided, logged: list[MemberUse], now: datetime
    ) -> tuple[StoredUse, UseOutcome]:
        query = d.query
        outcome = Outcome.PERMIT if d.release is not None else Outcome.DENY
        indexes = tuple(u.leaf_index for u in logged)
        stored = StoredUse(
            d.use_id,
            d.consumer.id,
            query.purpose,
            query.aggregation.value,
            outcome.value,
            query_document(query),
            indexes[0],
            len(logged),
            now,
        )
        return stored, UseOutcome(
            use_id=d.use_id,
            consumer_id=d.consumer.id,
            outcome=outcome,
            at=now,
            purpose=query.purpose,
            aggregation=query.aggregation,
            log_indexes=indexes,
            explanation=_explain(logged, named=query.members is not None),
            released=d.release,
            members=tuple(logged),
        )

    def refuse(
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
