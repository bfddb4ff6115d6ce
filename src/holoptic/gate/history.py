"""A member's "uses of my data": every use and refusal that concerned them, each
checked against the log's latest signed checkpoint.

The check recomputes the leaf's hash from the stored bytes, verifies its inclusion
proof against the checkpoint (whose signature is verified too), and compares the leaf
with what the member's private record says (use, decision, rules, grant, items). A row
changed in the database fails one of the three, and the view says so.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from holoptic.clock import Clock
from holoptic.consumers.model import Consumer
from holoptic.errors import HolopticError
from holoptic.gate.leaves import items_commitment
from holoptic.gate.model import MemberUse
from holoptic.gate.ports import GateUnitOfWork, StoredUse
from holoptic.trace.log import UsageLog
from holoptic.trace.verify import verify_inclusion_document

PAGE = 50


class Check(StrEnum):
    VERIFIED = "verified"  # in the log, under the signed checkpoint, as recorded
    TAMPERED = "tampered"  # the log or the record was changed
    MISSING = "missing"  # the log has no such leaf


@dataclass(frozen=True, slots=True)
class UseView:
    use: StoredUse
    part: MemberUse
    consumer: Consumer | None
    check: Check
    problem: str | None
    tree_size: int

    def document(self) -> dict[str, Any]:
        return {
            "use_id": self.use.id,
            "time": self.use.created_at.isoformat(),
            "consumer": {"id": self.consumer.id, "name": self.consumer.name}
            if self.consumer
            else None,
            "purpose": self.use.purpose,
            "aggregation": self.use.aggregation,
            "decision": self.part.outcome.value,
            "categories": list(self.part.categories),
            "rules": list(self.part.rules),
            "grant": self.part.grant_id,
            "items": len(self.part.items),
            "duties": self.part.duties,
            "explanation": self.part.explanation,
            "leaf_index": self.part.leaf_index,
            "proof": {
                "check": self.check.value,
                "problem": self.problem,
                "tree_size": self.tree_size,
            },
        }


class HistoryUnitOfWorkFactory(Protocol):
    def __call__(self, write: bool = False) -> GateUnitOfWork: ...


class UseHistory:
    def __init__(self, uow: HistoryUnitOfWorkFactory, log: UsageLog, clock: Clock) -> None:
        self._uow = uow
        self._log = log
        self._clock = clock

    def for_member(self, member_id: str, limit: int = PAGE, offset: int = 0) -> list[UseView]:
        published = self._log.publish()  # the latest signed head; signs a new one if needed
        verifier = self._log.verifier()
        with self._uow() as uow:
            history = uow.uses.member_history(member_id, limit, offset)
        consumers: dict[str, Consumer | None] = {}
        views: list[UseView] = []
        for use, part in history:
            if use.consumer_id and use.consumer_id not in consumers:
                consumers[use.consumer_id] = self._consumer(use.consumer_id)
            check, problem = self._check(part, use, published.note, verifier)
            consumer = consumers.get(use.consumer_id) if use.consumer_id else None
            views.append(UseView(use, part, consumer, check, problem, published.tree_size))
        return views

    def _consumer(self, consumer_id: str) -> Consumer | None:
        with self._uow() as uow:
            return uow.consumers.get(consumer_id)

    def _check(
        self, part: MemberUse, use: StoredUse, note: str, verifier: Any
    ) -> tuple[Check, str | None]:
        try:
            proof = self._log.proof_for_index(part.leaf_index)
        except HolopticError as error:
            return Check.MISSING, error.message
        try:
            verify_inclusion_document(note, verifier, proof.document())
        except HolopticError as error:
            return Check.TAMPERED, error.message
        leaf = json.loads(proof.leaf.leaf_bytes)
        mismatch = _compare(leaf, part, use)
        return (Check.TAMPERED, mismatch) if mismatch else (Check.VERIFIED, None)


_FIELDS: tuple[tuple[str, Callable[[MemberUse, StoredUse], Any]], ...] = (
    ("use_id", lambda p, u: u.id),
    ("consumer", lambda p, u: u.consumer_id),
    ("purpose", lambda p, u: u.purpose),
    ("decision", lambda p, u: p.outcome.value),
    ("rules", lambda p, u: sorted(p.rules)),
    ("grant", lambda p, u: p.grant_id),
)


def _compare(leaf: dict[str, Any], part: MemberUse, use: StoredUse) -> str | None:
    for name, expected in _FIELDS:
        if leaf.get(name) != expected(part, use):
            return f"the log's {name} differs from the record of this use"
    for name, value in items_commitment(part.items).items():
        if leaf.get(name) != value:
            return "the log's items differ from the record of this use"
    return None
