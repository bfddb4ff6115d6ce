"""Daily flows (demurrage, dividends) as batches with one aggregated system leg.

A ``FlowBatch`` records one day's flow of one kind in one currency: the amount each
account gives (demurrage) or receives (dividend), and the system account's leg, which is
their sum. Its transfers have deterministic ids (kind, currency, day, account), so posting
a day twice applies it once, and carry the kind as their category, which is how the
invariants find them again ("demurrage collected = Σ decrements").

``apply_flow`` computes a batch's ``Changes`` straight from the balances, without the
general engine: every leg moves money between one holder and the one system account, so only the
holder's limits can refuse it (a test holds the result equal to ``Book.apply``'s).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from holoptic.ledger.model import Account, Balance, Transfer
from holoptic.ledger.state import BookState, Changes

ZERO = Balance()


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


@dataclass(frozen=True, slots=True)
class FlowPosted:
    """What storage did with a batch posted set-based (``LedgerRepository.post_flow``):
    the legs it kept and their total, the legs refused, and its own counts of rows
    written, checked by the caller before the batch commits."""

    legs: int
    amount: int
    refused: tuple[str, ...]
    transfers_written: int = 0
    balances_moved: int = 0
    system_moved: int = 0
    outside_limits: tuple[str, ...] = ()  # accounts outside their limits afterwards

    def problems(self) -> list[str]:
        """Why the written batch is not the batch: empty when every count agrees."""
        found = []
        expected = {
            "transfers written": self.transfers_written,
            "balances moved": self.balances_moved,
        }
        for what, count in expected.items():
            if count != self.legs:
                found.append(f"{count} {what} for {self.legs} legs")
        if self.legs and self.system_moved != 1:
            found.append("the system account's balance moved while the batch was posted")
        found += [f"{a} is outside its limits" for a in self.outside_limits]
        return found


@dataclass(frozen=True, slots=True)
class FlowChanges:
    """What posting a batch writes, and the legs left out because a limit refused them."""

    changes: Changes
    refused: tuple[str, ...] = ()


def apply_flow(batch: FlowBatch, state: BookState, at: datetime) -> FlowChanges:
    """The batch applied to ``state`` (its accounts and balances): each holder's leg
    unless it would break the account's limits, and the system leg for what was kept."""
    accounts = {a.id: a for a in state.accounts}
    balances, refused, kept = dict[str, Balance](), list[str](), dict[str, int]()
    sign = -1 if batch.kind is FlowKind.DEMURRAGE else 1  # for the holder
    for account_id, amount in batch.legs.items():
        held = state.balances.get(account_id, ZERO)
        account = accounts.get(account_id)
        if account is None or not within(account, held, sign * amount):
            refused.append(account_id)
            continue
        balances[account_id] = Balance(
            held.posted + sign * amount, held.debits_pending, held.credits_pending
        )
        kept[account_id] = amount
    system_before = state.balances.get(batch.system, ZERO)
    system = accounts.get(batch.system)
    if system is None or not within(system, system_before, -sign * sum(kept.values())):
        refused, kept, balances = list(batch.legs), {}, {}  # the system account refuses all
    if kept:
        balances[batch.system] = Balance(
            system_before.posted - sign * sum(kept.values()),
            system_before.debits_pending,
            system_before.credits_pending,
        )
    done = FlowBatch(batch.day, batch.kind, batch.currency, batch.system, kept, sum(kept.values()))
    before = {a: state.balances.get(a, ZERO) for a in balances}
    return FlowChanges(Changes(done.transfers(at), balances, (), before), tuple(refused))


def within(account: Account, before: Balance, delta: int) -> bool:
    """The engine's limit rule for a single leg (pending debits count against the floor,
    pending credits against the cap)."""
    if delta < 0:
        return account.lower is None or before.available + delta >= account.lower
    return account.upper is None or before.posted + before.credits_pending + delta <= account.upper
