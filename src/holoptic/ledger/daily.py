"""Daily flows: demurrage and universal dividends, posted in batches, once per day.

Each flow transfer's id is ``kind:currency:day:account``, so a day run twice, or rerun
after an interruption, applies each leg once: accounts already in that day's flow are
skipped, the remaining ones are posted batch by batch (one transaction each, invariants
checked; on PostgreSQL several batches at once, since they touch disjoint holders and
take the system account's row last), and a ``ledger_flows`` row marks the day's flow
complete. Amounts come from ``holoptic.currency.flows`` (integer arithmetic, rounding
down per account).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from holoptic.clock import Clock
from holoptic.currency.flows import demurrage_batch, dividend_on, is_dividend_day
from holoptic.currency.model import CurrencySpec, UniversalDividend
from holoptic.ledger.accounts import account_id, holder_account, holder_prefix
from holoptic.ledger.flows import FlowBatch, FlowKind
from holoptic.ledger.model import AccountKind, Balance
from holoptic.ledger.payments import InvariantBroken, retried
from holoptic.ledger.ports import LedgerUnitOfWork, LedgerUnitOfWorkFactory

BATCH = 25_000


@dataclass(frozen=True, slots=True)
class FlowReport:
    currency: str
    kind: str
    day: date
    accounts: int  # legs posted by this run
    amount: int  # their total
    skipped: bool  # the day's flow was already complete


class DailyFlows:
    def __init__(
        self,
        uow: LedgerUnitOfWorkFactory,
        specs: Callable[[str], CurrencySpec],
        clock: Clock,
        batch: int = BATCH,
        workers: int = 1,
    ) -> None:
        self._uow = uow
        self._specs = specs
        self._clock = clock
        self._batch = batch
        self._workers = workers  # batches posted at once (a database with one writer: 1)

    def run(self, day: date, codes: Sequence[str] | None = None) -> list[FlowReport]:
        with self._uow() as uow:
            codes = codes or [row.code for row in uow.ledger.currencies()]
        reports: list[FlowReport] = []
        for code in codes:
            spec = self._specs(code)
            if spec.demurrage is not None and _due(spec, day, spec.demurrage.period_days):
                reports.append(self._demurrage(spec, day))
            if isinstance(spec.issuance, UniversalDividend) and is_dividend_day(
                spec.issuance, day, spec.effective_from
            ):
                reports.append(self._dividend(spec, spec.issuance, day))
        return reports

    def _demurrage(self, spec: CurrencySpec, day: date) -> FlowReport:
        assert spec.demurrage is not None
        kind = FlowKind.DEMURRAGE
        with self._uow() as uow:
            if uow.ledger.flow_done(spec.code, day, kind.value):
                return FlowReport(spec.code, kind.value, day, 0, 0, True)
            done = uow.ledger.flow_accounts(_prefix(kind, spec.code, day))
            holdings = [(a, b) for a, b in uow.ledger.holdings(spec.code) if a not in done]
            until = _start_of(day)  # what came in during the grace days before the day
            since = until - timedelta(days=spec.demurrage.grace_days)
            received = uow.ledger.received_between(spec.code, since, until)
        due = demurrage_batch(
            ((a, b, received.get(a, 0)) for a, b in holdings),
            spec.demurrage,
            spec.demurrage.period_days,
        )
        sink = account_id(spec.code, AccountKind.DEMURRAGE)
        return self._post(spec, day, kind, sink, dict(due.charges), None)

    def _dividend(self, spec: CurrencySpec, rule: UniversalDividend, day: date) -> FlowReport:
        kind = FlowKind.DIVIDEND
        now = self._clock.now()
        issuance = account_id(spec.code, AccountKind.ISSUANCE)
        with self._uow(write=True) as uow:
            if uow.ledger.flow_done(spec.code, day, kind.value):
                return FlowReport(spec.code, kind.value, day, 0, 0, True)
            community = uow.vault.get_community_by_slug(spec.community)
            members = uow.vault.member_ids(community.id) if community else []
            uow.ledger.open_holders(holder_account(spec, AccountKind.MEMBER, "", now), members)
            last = uow.ledger.last_flow(spec.code, kind.value, day)
            mass = -uow.ledger.state([issuance], []).balances.get(issuance, Balance()).posted
            done = uow.ledger.flow_accounts(_prefix(kind, spec.code, day))
        previous = int(last["amount"]) if last and last["amount"] else None
        amount = dividend_on(rule, day, spec.effective_from, previous, mass, len(members))
        prefix = holder_prefix(spec.code, AccountKind.MEMBER)
        legs = {prefix + m: amount for m in members if prefix + m not in done}
        return self._post(spec, day, kind, issuance, legs, amount)

    def _post(
        self,
        spec: CurrencySpec,
        day: date,
        kind: FlowKind,
        system: str,
        legs: dict[str, int],
        per_member: int | None,
    ) -> FlowReport:
        accounts = sorted(legs)
        batches = [
            FlowBatch.of(day, kind, spec.code, system, {a: legs[a] for a in chunk})
            for chunk in (
                accounts[start : start + self._batch]
                for start in range(0, len(accounts), self._batch)
            )
        ]
        if self._workers > 1 and len(batches) > 1:  # disjoint holders: side by side
            with ThreadPoolExecutor(self._workers, thread_name_prefix="daily") as pool:
                posted = sum(pool.map(self._post_batch, batches))
        else:
            posted = sum(map(self._post_batch, batches))
        with self._uow(write=True) as uow:
            if not uow.ledger.flow_done(spec.code, day, kind.value):
                uow.ledger.add_flow(
                    {
                        "currency": spec.code,
                        "day": day,
                        "kind": kind.value,
                        "accounts": len(accounts),
                        "system_leg": sum(legs.values()),
                        "amount": per_member,
                        "created_at": self._clock.now(),
                    }
                )
        return FlowReport(spec.code, kind.value, day, len(accounts), posted, False)

    def _post_batch(self, batch: FlowBatch) -> int:
        """One transaction: the batch's legs and the system leg once, posted set-based
        by storage (``apply_flow``'s rules), its counts and the touched accounts' limits
        checked before commit. Legs already posted were skipped by the caller
        (``flow_accounts``); should two runs race, the transfer ids' uniqueness refuses
        the second's batch whole. Run again when the system account reached a limit
        under a concurrent batch (``StaleBook``)."""

        def post(uow: LedgerUnitOfWork) -> int:
            posted = uow.ledger.post_flow(batch, self._clock.now())
            if problems := posted.problems():
                raise InvariantBroken("; ".join(problems))
            return posted.amount

        return retried(self._uow, post)


def _due(spec: CurrencySpec, day: date, period_days: int) -> bool:
    elapsed = (day - spec.effective_from).days
    return elapsed > 0 and elapsed % period_days == 0


def _prefix(kind: FlowKind, code: str, day: date) -> str:
    return f"{kind.value}:{code}:{day.isoformat()}:"


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)
