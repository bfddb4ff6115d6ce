"""The books of a currency: invariant checks, journal, trial balances, statements, exports,
and its members' reputation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from holoptic.currency.model import CurrencySpec
from holoptic.ledger.accounting import (
    JournalLine,
    PeriodBalance,
    Statement,
    TrialBalance,
    journal,
    period_balance,
    statement,
    trial_balance,
)
from holoptic.ledger.beancount import to_beancount, to_csv
from holoptic.ledger.invariants import Violation, check
from holoptic.ledger.model import Account, AccountKind
from holoptic.ledger.ports import LedgerUnitOfWorkFactory
from holoptic.ledger.reputation import trades_from
from holoptic.ledger.reserve import rules_for
from holoptic.ledger.trust import TrustReport, trust_report


@dataclass(frozen=True, slots=True)
class CheckReport:
    currency: str
    accounts: int
    transfers: int
    violations: tuple[Violation, ...]

    @property
    def ok(self) -> bool:
        return not self.violations


class Books:
    def __init__(self, uow: LedgerUnitOfWorkFactory, specs: Callable[[str], CurrencySpec]) -> None:
        self._uow = uow
        self._specs = specs

    def check(self, code: str | None = None) -> list[CheckReport]:
        """Every invariant over the whole book of each currency (``holoptic ledger check``)."""
        with self._uow() as uow:
            codes = [code] if code else [row.code for row in uow.ledger.currencies()]
            reports = []
            for each in codes:
                spec = self._specs(each)  # raises for an unknown currency
                state = uow.ledger.full_state(each)
                reserves = rules_for(spec, state.accounts)  # euro-backed: the reserve rule
                violations = check(state, issued=None, reserves=reserves)
                reports.append(
                    CheckReport(each, len(state.accounts), len(state.transfers), tuple(violations))
                )
        return reports

    def accounts(self, code: str) -> list[Account]:
        with self._uow() as uow:
            return uow.ledger.accounts(code)

    def journal(self, code: str, start: date, end: date) -> list[JournalLine]:
        with self._uow() as uow:
            return journal(uow.ledger.transfers(code), start, end, code)

    def trial_balance(self, code: str, at: date) -> TrialBalance:
        with self._uow() as uow:
            return trial_balance(uow.ledger.accounts(code), uow.ledger.transfers(code), at, code)

    def period_balance(self, code: str, start: date, end: date) -> PeriodBalance:
        with self._uow() as uow:
            accounts = uow.ledger.accounts(code)
            return period_balance(accounts, uow.ledger.transfers(code), start, end, code)

    def statement(self, code: str, account: str, start: date, end: date) -> Statement:
        """One account's statement; reads only that account's transfers."""
        with self._uow() as uow:
            mine = [t for t in uow.ledger.account_transfers(account) if t.currency == code]
        return statement(account, mine, start, end)

    def reputation(self, code: str) -> TrustReport:
        """EigenTrust over the currency's settled member-to-member payments, with the
        spec's pre-trusted members and, when it says so, the community's stewards."""
        spec = self._specs(code)  # raises for an unknown currency
        with self._uow() as uow:
            row = uow.ledger.currency(code)
            roles = uow.ledger.community_roles(row.community_id) if row else {}
            accounts = uow.ledger.accounts(code)
            transfers = uow.ledger.transfers(code)
        owners = {a.id: a.owner for a in accounts if a.kind is AccountKind.MEMBER and a.owner}
        return trust_report(code, spec.reputation, roles, trades_from(transfers, owners))

    def export(self, code: str, fmt: str) -> str:
        spec = self._specs(code)
        with self._uow() as uow:
            accounts = uow.ledger.accounts(code)
            transfers = uow.ledger.transfers(code)
        if fmt == "csv":
            return to_csv(code, spec.decimals, transfers)
        days = sorted({t.at.date() for t in transfers if t.at is not None})
        return to_beancount(code, spec.decimals, accounts, transfers, _month_ends(days))


def _month_ends(days: list[date]) -> list[date]:
    """The last day of every month the book spans: where balance assertions go."""
    if not days:
        return []
    ends, current = [], days[0].replace(day=1)
    while current <= days[-1]:
        following = (current + timedelta(days=32)).replace(day=1)
        ends.append(following - timedelta(days=1))
        current = following
    return ends
