"""Random operation sequences: every invariant holds after every batch, refusals leave
no trace, chains are atomic, replays are idempotent, and what storage persists
(``Changes``) rebuilds exactly the same book, which then behaves identically."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from holoptic.ledger.book import Book
from holoptic.ledger.flows import FlowBatch, FlowKind
from holoptic.ledger.invariants import check, check_changes
from holoptic.ledger.model import Refusal, Result, Transfer
from holoptic.ledger.semantics import chains
from holoptic.ledger.state import merge
from tests.ledger.workload import CUR, START, batches, new_book, steps

MEMBERS = ("ann", "bob", "cat", "dan")


def energy_refused(t: Transfer, book: Book) -> Refusal | None:
    """A currency rule for the hook: energy purchases are refused."""
    return Refusal.CATEGORY if t.category == "energy" else None


class Ledger(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.book = new_book()
        self.stored = self.book.state()  # what storage holds, written only from Changes
        self.now = START
        self.last: list[Transfer] = []
        self.last_ok: set[int] = set()  # positions in the last batch
        self.flows: dict[tuple[str, FlowKind], FlowBatch] = {}

    @rule(batch=batches, step=steps)
    def apply(self, batch: list[Transfer], step: timedelta) -> None:
        self.now += step
        before = self.book.state()
        twin = Book.from_state(self.stored)
        applied = self.book.apply(batch, self.now, energy_refused)
        assert twin.apply(batch, self.now, energy_refused) == applied  # deterministic
        assert [r.transfer_id for r in applied.results] == [t.id for t in batch]
        self._chains_are_atomic(batch, list(applied.results))
        assert check_changes(applied.changes, self.book.accounts) == []
        for r in applied.results:
            event(r.refusal.value if r.refusal else "applied")
        new = [r.transfer_id for r in applied.results if r.refusal is None]
        assert [t.id for t in applied.changes.transfers] == new
        assert self.book.state().transfers == before.transfers + applied.changes.transfers
        self.stored = merge(self.stored, applied.changes)
        assert self.stored == self.book.state() == twin.state()
        self.last = batch
        self.last_ok = {i for i, r in enumerate(applied.results) if r.ok}

    @precondition(lambda self: bool(self.last_ok))
    @rule()
    def replay(self) -> None:
        applied = self.book.apply(self.last, self.now, energy_refused)
        self.stored = merge(self.stored, applied.changes)
        for i, result in enumerate(applied.results):
            if i in self.last_ok:
                assert result.refusal is Refusal.EXISTS, (self.last[i], result)

    @rule(step=steps)
    def expire(self, step: timedelta) -> None:
        self.now += step
        changes = self.book.expire(self.now)
        self.stored = merge(self.stored, changes)
        assert self.stored == self.book.state()
        for pending in self.book.state().pendings:
            if pending.expires_at is not None and pending.expires_at <= self.now:
                assert pending.status.value != "open"

    @rule(kind=st.sampled_from(FlowKind), twice=st.booleans())
    def daily_flow(self, kind: FlowKind, twice: bool) -> None:
        """A day's demurrage (2 % of what is available) or dividend, posted twice on
        demand: the second run applies nothing."""
        key = (self.now.date().isoformat(), kind)
        batch = self.flows.get(key) or self._flow(kind)
        for _ in range(2 if twice else 1):
            applied = self.book.apply(batch.transfers(self.now), self.now)
            assert applied.ok, applied.results
            self.stored = merge(self.stored, applied.changes)
        self.flows[key] = batch

    def _flow(self, kind: FlowKind) -> FlowBatch:
        if kind is FlowKind.DEMURRAGE:
            legs = {m: max(self.book.available(m), 0) // 50 for m in MEMBERS}
            return FlowBatch.of(self.now.date(), kind, CUR, "sink", legs)
        legs = dict.fromkeys(("ann", "bob", "dan"), 10)  # cat's cap could refuse it
        return FlowBatch.of(self.now.date(), kind, CUR, "issuance", legs)

    @invariant()
    def sound(self) -> None:
        assert check(self.book.state(), flows=list(self.flows.values())) == []

    def _chains_are_atomic(self, batch: list[Transfer], results: list[Result]) -> None:
        position = 0
        for chain, closed in chains(batch):
            mine = results[position : position + len(chain)]
            position += len(chain)
            if not closed:
                assert {r.refusal for r in mine} == {Refusal.LINKED_OPEN}
            elif not all(r.ok for r in mine):  # one refusal names the rule, the rest follow
                failing = [r for r in mine if r.refusal is not Refusal.LINKED_FAILED]
                assert len(failing) == 1
                assert not failing[0].ok


TestLedger = Ledger.TestCase
TestLedger.settings = settings(
    max_examples=120,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
