"""Grants at the gate: check the one a request names, or create the one a rule stands for.

A permitting rule stands for the member's acceptance, so the gate creates the grant and
its consent record (event "given", by the rule) in the same transaction as the use; a
later request reuses an active grant that covers it instead of creating another. A
grant made from rules expires when the earliest of them stops being valid.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from holoptic.consent.model import ConsentEvent, ConsentEventKind, Grant, Party
from holoptic.consumers.model import Consumer
from holoptic.gate.model import Refusal, UseQuery
from holoptic.gate.ports import GateUnitOfWork
from holoptic.rules.model import Decision, ReasonCode, Rule
from holoptic.rules.taxonomy import Taxonomy
from holoptic.vault.service import new_id

NO_CONTACT = "no-contact-given@example.invalid"  # RFC 2606: says plainly there is none


def consumer_party(consumer: Consumer) -> Party:
    return Party(
        name=consumer.name,
        contact_email=consumer.contact_email or NO_CONTACT,
        address=consumer.address,
        phone=None,
        website=consumer.website,
    )


class GrantKeeper:
    def __init__(self, uow: GateUnitOfWork, taxonomy: Taxonomy) -> None:
        self._uow = uow
        self._taxonomy = taxonomy

    def check(
        self, query: UseQuery, consumer: Consumer, now: datetime
    ) -> tuple[Grant | None, Refusal | None]:
        """The grant a request names, or why it cannot be used."""
        assert query.grant_id is not None
        grant = self._uow.grants.get(query.grant_id)
        if grant is None or grant.consumer_id != consumer.id:
            return None, Refusal.GRANT_UNKNOWN
        if not grant.active_at(now):
            return grant, Refusal.GRANT_INACTIVE
        if not self.covers(grant, query):
            return grant, Refusal.GRANT_MISMATCH
        return grant, None

    def covers(self, grant: Grant, query: UseQuery) -> bool:
        taxonomy = self._taxonomy
        return (
            taxonomy.covers(grant.purpose, query.purpose)
            and query.aggregation.at_least_as_coarse_as(grant.aggregation)
            and all(
                any(taxonomy.covers(g, c) or taxonomy.covers(c, g) for g in grant.categories)
                for c in query.categories
            )
        )

    def ensure(
        self,
        member_id: str,
        consumer: Consumer,
        query: UseQuery,
        decision: Decision,
        now: datetime,
        existing: list[Grant],
        read: Sequence[Rule] = (),
    ) -> Grant:
        """An active grant covering this permitted use, created if needed.

        ``read``: the member's rules already read in this transaction (a rule not among
        them is read again)."""
        for grant in existing:
            if (
                grant.active_at(now)
                and grant.purpose == query.purpose
                and grant.aggregation is query.aggregation
                and set(decision.permitted) <= set(grant.categories)
            ):
                return grant
        grant = self._new_grant(member_id, consumer, query, decision, now, read)
        self._uow.grants.add(grant)
        return grant

    def _new_grant(
        self,
        member_id: str,
        consumer: Consumer,
        query: UseQuery,
        decision: Decision,
        now: datetime,
        read: Sequence[Rule],
    ) -> Grant:
        permitting = {r.rule_id for r in decision.reasons if r.code is ReasonCode.PERMITTED}
        rule_ids = tuple(sorted(r for r in permitting if r))
        known = {rule.id: rule for rule in read}
        ends = []
        for rule_id in rule_ids:
            rule = known.get(rule_id) or self._uow.rules.get(rule_id)
            if rule is not None and rule.validity is not None and rule.validity.end is not None:
                ends.append(rule.validity.end)
        by = "rule:" + rule_ids[0] if rule_ids else "system"
        return Grant(
            id=new_id(),
            member_id=member_id,
            consumer_id=consumer.id,
            consumer=consumer_party(consumer),
            consumer_type=consumer.type,
            purpose=query.purpose,
            categories=tuple(sorted(decision.permitted)),
            aggregation=query.aggregation,
            rule_ids=rule_ids,
            given_at=now,
            expires_at=min(ends) if ends else None,
            events=(ConsentEvent(ConsentEventKind.GIVEN, now, by),),
        )
