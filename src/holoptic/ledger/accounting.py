"""Journal, trial balance and account statements: pure functions over applied transfers.

Transfers come in application order, as stored (posts carry the amount posted), each
dated by ``at`` in UTC. A transfer moves money when it is posted (``posted_amount``);
pending transfers and voids appear in the journal but move nothing. Periods are closed
ranges of UTC days.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from holoptic.errors import InvalidInput
from holoptic.ledger.model import Account, Transfer


class UndatedTransfer(InvalidInput):
    code = "ledger.undated_transfer"


def day_of(t: Transfer) -> date:
    """The UTC day a transfer belongs to."""
    if t.at is None:
        raise UndatedTransfer(f"transfer {t.id!r} has no date", transfer=t.id)
    return utc_day(t.at)


def utc_day(moment: datetime) -> date:
    """The UTC day of a moment; a naive moment is taken as UTC."""
    return moment.astimezone(UTC).date() if moment.tzinfo else moment.date()


@dataclass(frozen=True, slots=True)
class JournalLine:
    transfer: Transfer
    moved: int  # what it moved between posted balances (0 for pending and void)
    debit_balance: int  # the debit account's balance after this line
    credit_balance: int


def journal(
    transfers: Sequence[Transfer], start: date, end: date, currency: str | None = None
) -> list[JournalLine]:
    """Every transfer dated within [start, end], with running balances (counted from the
    first transfer, so the period opens on the right balances)."""
    balances: Counter[str] = Counter()
    lines = []
    for t in transfers:
        if currency is not None and t.currency != currency:
            continue
        balances[t.debit] -= t.posted_amount
        balances[t.credit] += t.posted_amount
        if start <= day_of(t) <= end:
            lines.append(JournalLine(t, t.posted_amount, balances[t.debit], balances[t.credit]))
    return lines


@dataclass(frozen=True, slots=True)
class TrialRow:
    account: str
    debits: int
    credits: int

    @property
    def balance(self) -> int:
        return self.credits - self.debits


class _Totals:
    """The debit and credit totals of a balance's rows."""

    rows: tuple[TrialRow, ...] | tuple[PeriodRow, ...]

    @property
    def total_debits(self) -> int:
        return sum(r.debits for r in self.rows)

    @property
    def total_credits(self) -> int:
        return sum(r.credits for r in self.rows)


@dataclass(frozen=True, slots=True)
class TrialBalance(_Totals):
    currency: str
    at: date
    rows: tuple[TrialRow, ...]

    @property
    def balanced(self) -> bool:
        """Double entry: every debit has its credit, so the balances sum to zero."""
        return self.total_debits == self.total_credits and sum(r.balance for r in self.rows) == 0


def trial_balance(
    accounts: Iterable[Account], transfers: Iterable[Transfer], at: date, currency: str
) -> TrialBalance:
    """Per account of ``currency``: posted debits and credits up to the end of ``at``."""
    debits: Counter[str] = Counter()
    credits: Counter[str] = Counter()
    for t in transfers:
        if t.currency == currency and day_of(t) <= at:
            debits[t.debit] += t.posted_amount
            credits[t.credit] += t.posted_amount
    ids = [a.id for a in accounts if a.currency == currency]
    ids += sorted((set(debits) | set(credits)) - set(ids))  # never hide a stray account
    rows = tuple(TrialRow(i, debits[i], credits[i]) for i in ids)
    return TrialBalance(currency, at, rows)


@dataclass(frozen=True, slots=True)
class PeriodRow:
    account: str
    opening: int  # the balance at the start of the period
    debits: int  # what the period's posted transfers took from it
    credits: int

    @property
    def closing(self) -> int:
        return self.opening + self.credits - self.debits


@dataclass(frozen=True, slots=True)
class PeriodBalance(_Totals):
    """A trial balance over [start, end]: each account's opening balance, the period's
    debits and credits, and its closing balance."""

    currency: str
    start: date
    end: date
    rows: tuple[PeriodRow, ...]

    @property
    def balanced(self) -> bool:
        """The period's debits equal its credits, and both ends sum to zero."""
        return (
            self.total_debits == self.total_credits
            and sum(r.opening for r in self.rows) == 0
            and sum(r.closing for r in self.rows) == 0
        )


def period_balance(
    accounts: Iterable[Account],
    transfers: Iterable[Transfer],
    start: date,
    end: date,
    currency: str,
) -> PeriodBalance:
    """Per account of ``currency``: the balance before ``start``, then the posted debits
    and credits of the days within [start, end]."""
    opening: Counter[str] = Counter()
    debits: Counter[str] = Counter()
    credits: Counter[str] = Counter()
    for t in transfers:
        if t.currency != currency or day_of(t) > end:
            continue
        if day_of(t) < start:
            opening[t.debit] -= t.posted_amount
            opening[t.credit] += t.posted_amount
        else:
            debits[t.debit] += t.posted_amount
            credits[t.credit] += t.posted_amount
    ids = [a.id for a in accounts if a.currency == currency]
    ids += sorted((set(opening) | set(debits) | set(credits)) - set(ids))
    rows = tuple(PeriodRow(i, opening[i], debits[i], credits[i]) for i in ids)
    return PeriodBalance(currency, start, end, rows)


@dataclass(frozen=True, slots=True)
class StatementLine:
    transfer_id: str
    at: datetime
    counterparty: str
    amount: int  # positive when money came in, negative when it went out
    balance: int  # after this line
    category: str | None
    memo: str | None


@dataclass(frozen=True, slots=True)
class Statement:
    account: str
    start: date
    end: date
    opening: int  # the balance at the start of ``start``
    lines: tuple[StatementLine, ...]
    closing: int  # the balance at the end of ``end``


def statement(account_id: str, transfers: Iterable[Transfer], start: date, end: date) -> Statement:
    """The account's posted movements within [start, end], between its opening and
    closing balances."""
    opening, lines = 0, []
    mine = [t for t in transfers if t.posted_amount and account_id in (t.debit, t.credit)]
    for t in mine:
        if day_of(t) < start:
            opening += _signed(t, account_id)
    balance = opening
    for t in mine:
        if start <= day_of(t) <= end:
            balance += _signed(t, account_id)
            other = t.debit if t.credit == account_id else t.credit
            line = StatementLine(
                t.id,
                t.at or datetime.min,
                other,
                _signed(t, account_id),
                balance,
                t.category,
                t.memo,
            )
            lines.append(line)
    return Statement(account_id, start, end, opening, tuple(lines), balance)


def _signed(t: Transfer, account_id: str) -> int:
    return t.posted_amount if t.credit == account_id else -t.posted_amount
