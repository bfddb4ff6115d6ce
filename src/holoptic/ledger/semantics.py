"""The per-transfer rules of the engine, as pure functions over the values involved.

Each check raises ``Refuse`` with the refusal code of the first rule broken; the order of
the checks is the precedence of the codes (docs/ledger.md), so a transfer breaking two
rules is always refused for the same one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from holoptic.ledger.amounts import MAX_MINOR
from holoptic.ledger.model import (
    Account,
    Balance,
    Pending,
    PendingStatus,
    Refusal,
    Transfer,
    TransferState,
)


class Refuse(Exception):
    """Internal: the transfer at hand is refused (never escapes the book)."""

    def __init__(self, refusal: Refusal, detail: str | None = None) -> None:
        super().__init__(refusal.value)
        self.refusal, self.detail = refusal, detail


def chains(batch: Sequence[Transfer]) -> Iterator[tuple[list[Transfer], bool]]:
    """Split a batch into linked chains; a chain still open at the end comes out unclosed."""
    chain: list[Transfer] = []
    for transfer in batch:
        chain.append(transfer)
        if not transfer.linked:
            yield chain, True
            chain = []
    if chain:
        yield chain, False


def check_shape(t: Transfer) -> None:
    """The rules a transfer keeps on its own, whatever the book holds."""
    resolving = t.pending_id is not None
    if t.state is TransferState.PENDING and resolving:
        raise Refuse(Refusal.PENDING_ID_FORBIDDEN)
    if t.state is TransferState.VOIDED and not resolving:
        raise Refuse(Refusal.PENDING_ID_REQUIRED)
    if t.timeout_s is not None and (t.state is not TransferState.PENDING or t.timeout_s <= 0):
        raise Refuse(Refusal.TIMEOUT_INVALID)
    if t.amount < 0 or (t.amount == 0 and not resolving):
        raise Refuse(Refusal.AMOUNT)
    if t.amount > MAX_MINOR:
        raise Refuse(Refusal.AMOUNT_TOO_LARGE, f"at most {MAX_MINOR} minor units")


def check_accounts(t: Transfer, accounts: Mapping[str, Account]) -> tuple[Account, Account]:
    """The debit and credit accounts: distinct, open, in the transfer's currency."""
    if t.debit == t.credit:
        raise Refuse(Refusal.SAME_ACCOUNT)
    found = []
    for account_id in (t.debit, t.credit):
        if (account := accounts.get(account_id)) is None:
            raise Refuse(Refusal.UNKNOWN_ACCOUNT, f"no account {account_id!r}")
        if account.currency != t.currency:
            raise Refuse(Refusal.CURRENCY_MISMATCH, f"{account_id!r} is in {account.currency}")
        found.append(account)
    return found[0], found[1]


def check_limits(t: Transfer, debit: Account, credit: Account, db: Balance, cb: Balance) -> None:
    """Pending debits count against the floor and pending credits against the cap, so a
    pending transfer's later post can never break either."""
    if debit.lower is not None and db.available - t.amount < debit.lower:
        detail = f"{debit.id!r} has {db.available} available, with a limit of {debit.lower}"
        raise Refuse(Refusal.EXCEEDS_LOWER, detail)
    if credit.upper is not None and cb.posted + cb.credits_pending + t.amount > credit.upper:
        raise Refuse(Refusal.EXCEEDS_UPPER, f"{credit.id!r} may hold at most {credit.upper}")


def check_resolution(t: Transfer, pending: Transfer, record: Pending, now: datetime) -> Transfer:
    """A post or void of ``pending``, filled in; refused unless the pending is open."""
    filled = fill(t, pending)
    if (filled.currency, filled.debit, filled.credit) != (
        pending.currency,
        pending.debit,
        pending.credit,
    ) or (t.state is TransferState.VOIDED and filled.amount != pending.amount):
        raise Refuse(Refusal.PENDING_DIFFERENT, f"{t.id!r} does not match {pending.id!r}")
    if filled.amount > pending.amount:
        raise Refuse(Refusal.EXCEEDS_PENDING, f"{pending.id!r} reserved {pending.amount}")
    timed_out = record.expires_at is not None and record.expires_at <= now
    if record.status is PendingStatus.EXPIRED or (is_open(record) and timed_out):
        raise Refuse(Refusal.PENDING_EXPIRED, f"{pending.id!r} timed out")
    if not is_open(record):
        raise Refuse(Refusal.PENDING_RESOLVED, f"{pending.id!r} is {record.status.value}")
    return filled


def fill(t: Transfer, pending: Transfer) -> Transfer:
    """A post or void with the pending's fields where it left them empty (amount 0 is the
    pending's whole amount)."""
    return replace(
        t,
        debit=t.debit or pending.debit,
        credit=t.credit or pending.credit,
        amount=t.amount or pending.amount,
        category=t.category or pending.category,
    )


def stamped(t: Transfer, at: datetime) -> Transfer:
    """``replace(t, at=at)`` without its introspection: this is the engine's hot path
    (a test holds it equal to ``replace`` for every field)."""
    return Transfer(
        id=t.id,
        currency=t.currency,
        debit=t.debit,
        credit=t.credit,
        amount=t.amount,
        category=t.category,
        state=t.state,
        pending_id=t.pending_id,
        timeout_s=t.timeout_s,
        linked=t.linked,
        memo=t.memo,
        at=at,
    )


def is_open(p: Pending) -> bool:
    return p.status is PendingStatus.OPEN
