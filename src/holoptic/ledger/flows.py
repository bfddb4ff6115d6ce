"""Daily flows (demurrage, dividends) as batches with one aggregated system leg.

A ``FlowBatch`` records one day's flow of one kind in one currency: the amount each
account gives (demurrage) or receives (dividend), and the system account's leg, which is
their sum. Its transfers have deterministic ids (kind, currency, day, account), so posting
a day twice applies it once, and carry the kind as their category, which is how the
invariants find them again ("demurrage collected = Σ decrements").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from holoptic.ledger.model import Transfer


class FlowKind(StrEnum):
    DEMURRAGE = "demurrage"  # accounts → the demurrage sink
    DIVIDEND = "dividend"  # the issuance account → eligible members


@dataclass(frozen=True, slots=True)
class FlowBatch:
    day: date
    kind: FlowKind
    currency: str
    system: str  # the demurrage sink, or the issuance account for dividends
    legs: Mapping[str, int] = field(default_factory=dict)  # account → amount > 0
    system_leg: int = 0

    @classmethod
    def of(
        cls, day: date, kind: FlowKind, currency: str, system: str, legs: Mapping[str, int]
    ) -> FlowBatch:
        """A batch whose system leg is the sum of its non-zero legs."""
        kept = {a: n for a, n in sorted(legs.items()) if n}
        return cls(day, kind, currency, system, kept, sum(kept.values()))

    @property
    def balanced(self) -> bool:
        return sum(self.legs.values()) == self.system_leg

    def transfer_id(self, account_id: str) -> str:
        return f"{self.kind.value}:{self.currency}:{self.day.isoformat()}:{account_id}"

    def transfers(self, at: datetime) -> tuple[Transfer, ...]:
        """One transfer per leg; the system account's balance row changes once per
        batch in storage, since a batch persists each touched balance once."""
        out = []
        for account_id, amount in self.legs.items():
            debit, credit = (account_id, self.system)
            if self.kind is FlowKind.DIVIDEND:
                debit, credit = credit, debit
            out.append(
                Transfer(
                    id=self.transfer_id(account_id),
                    currency=self.currency,
                    debit=debit,
                    credit=credit,
                    amount=amount,
                    category=self.kind.value,
                    at=at,
                )
            )
        return tuple(out)
