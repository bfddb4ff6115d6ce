"""Member-by-member decisions of one request, with grants and group sizes applied.

A grant named by the request acts as the member's permission for exactly what it
covers; a grant the member withdrew acts as a prohibition for that consumer and purpose
(so a rule that still permits cannot quietly re-grant what the member took back). For
aggregate and DP releases the group is what remains once members whose rules ask for
a larger group have left it, recomputed until it no longer shrinks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from holoptic.consent.model import Grant, GrantStatus
from holoptic.consumers.model import Consumer
from holoptic.gate.model import MemberUse, UseQuery
from holoptic.gate.ports import GateUnitOfWork
from holoptic.gate.release import item_hashes
from holoptic.rules.engine import evaluate
from holoptic.rules.model import Decision, Effect, Outcome, Rule, UseRequest
from holoptic.rules.taxonomy import Taxonomy
from holoptic.vault.model import DataItem

GRANT_RULE = "grant:"


class MemberDecider:
    def __init__(
        self,
        uow: GateUnitOfWork,
        taxonomy: Taxonomy,
        consumer: Consumer,
        query: UseQuery,
        now: datetime,
        grant: Grant | None,
    ) -> None:
        self._uow = uow
        self._taxonomy = taxonomy
        self._consumer = consumer
        self._query = query
        self._now = now
        self._grant = grant
        self.grants: dict[str, list[Grant]] = {}  # each member's grants bearing on this use
        self.rules: dict[str, list[Rule]] = {}  # each member's rules as evaluated

    def decide(
        self, members: Sequence[str], items: Sequence[DataItem]
    ) -> dict[str, tuple[Decision, list[DataItem]]]:
        by_member: dict[str, list[DataItem]] = defaultdict(list)
        for item in items:
            by_member[item.member_id].append(item)
        holding = [m for m in members if by_member.get(m)]
        rules = self.rules = self._rules(holding)
        size = len(holding)
        while True:
            decisions = {
                m: (self._evaluate(m, rules.get(m, []), by_member[m], size), by_member[m])
                for m in holding
            }
            permitted = sum(1 for d, _ in decisions.values() if d.outcome is Outcome.PERMIT)
            if not self._query.aggregation.grouped or permitted >= size:
                return decisions
            size = permitted

    def member_use(
        self, member_id: str, decision: Decision, grant_id: str | None, released: list[DataItem]
    ) -> MemberUse:
        return MemberUse(
            member_id=member_id,
            outcome=decision.outcome,
            leaf_index=-1,
            grant_id=grant_id,
            rules=decision.deciding_rules,
            explanation=decision.explanation(),
            items=item_hashes(released),
            categories=decision.permitted,
            duties=[_duty(d) for d in decision.duties] if released else [],
        )

    def _evaluate(
        self, member_id: str, rules: list[Rule], items: list[DataItem], size: int
    ) -> Decision:
        query = self._query
        request = UseRequest(
            consumer_id=self._consumer.id,
            consumer_type=self._consumer.type,
            purpose=query.purpose,
            categories=tuple(sorted({item.category for item in items})),
            at=self._now,
            period=query.period,
            aggregation=query.aggregation,
            group_size=size if query.aggregation.grouped else None,
            spatial=query.spatial,
        )
        return evaluate(rules, request, self._taxonomy)

    def _rules(self, members: Sequence[str]) -> dict[str, list[Rule]]:
        rules = self._uow.rules.in_force_for(members)
        query = self._query
        grants = (
            self._uow.grants.for_use(
                self._consumer.id, members, query.purpose, query.aggregation.value
            )
            if members
            else {}
        )
        self.grants = grants
        for member_id, granted in grants.items():
            for grant in granted:
                if grant.status(self._now) is GrantStatus.WITHDRAWN:
                    rules.setdefault(member_id, []).append(self._blocking(grant))
        if self._grant is not None:
            rules.setdefault(self._grant.member_id, []).append(self._granted(self._grant))
        return rules

    def _blocking(self, grant: Grant) -> Rule:
        return Rule(
            id=GRANT_RULE + grant.id,
            member_id=grant.member_id,
            effect=Effect.PROHIBIT,
            purposes=frozenset({grant.purpose}),
            consumers=frozenset({self._consumer.id}),
        )

    def _granted(self, grant: Grant) -> Rule:
        return Rule(
            id=GRANT_RULE + grant.id,
            member_id=grant.member_id,
            effect=Effect.PERMIT,
            categories=frozenset(grant.categories),
            purposes=frozenset({grant.purpose}),
            consumers=frozenset({self._consumer.id}),
            aggregation=grant.aggregation,
        )


def _duty(duty: Any) -> dict[str, Any]:
    return {"action": duty.action.value, "amount": duty.amount, "currency": duty.currency}
