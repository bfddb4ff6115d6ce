"""The in-memory double-entry engine: TigerBeetle's transfer semantics in pure Python.

A ``Book`` holds accounts, their balances (posted, and reserved by pending transfers),
every applied transfer and every pending transfer's fate. ``apply`` takes a batch in
order and answers one ``Result`` per transfer, plus the ``Changes`` that storage writes in
one transaction. A refused transfer leaves no trace; a linked chain applies entirely or
not at all (an undo log rolls a failed chain back). Nothing here reads a clock: ``now``
is given, so the same state and batch always give the same results (docs/ledger.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial
from types import MappingProxyType
from typing import TypeVar

from holoptic.errors import Conflict, NotFound
from holoptic.ledger import semantics as rules
from holoptic.ledger.model import (
    Account,
    Balance,
    Pending,
    PendingStatus,
    Refusal,
    Result,
    Transfer,
    TransferState,
)
from holoptic.ledger.semantics import Refuse
from holoptic.ledger.state import Applied, BookState, Changes

Check = Callable[[Transfer, "Book"], Refusal | None]
V = TypeVar("V")
ZERO = Balance()


class AccountNotFound(NotFound):
    code = "ledger.account_not_found"


class AccountConflict(Conflict):
    code = "ledger.account_conflict"


@dataclass
class _Touch:
    """Ids the batch touched so far, cut back when a chain rolls back, and the balances
    the touched accounts had before the batch."""

    accounts: list[str] = field(default_factory=list)
    transfers: list[str] = field(default_factory=list)
    pendings: list[str] = field(default_factory=list)
    before: dict[str, Balance] = field(default_factory=dict)

    def mark(self) -> tuple[int, int, int]:
        return len(self.accounts), len(self.transfers), len(self.pendings)

    def truncate(self, mark: tuple[int, int, int]) -> None:
        del self.accounts[mark[0] :], self.transfers[mark[1] :], self.pendings[mark[2] :]


class Book:
    """One process's view of the ledger: accounts, balances, transfers and pendings.
    Not thread-safe; storage is the source of truth and ``from_state`` reloads it."""

    def __init__(self) -> None:
        self._accounts: dict[str, Account] = {}
        self._balances: dict[str, Balance] = {}
        self._transfers: dict[str, Transfer] = {}
        self._pendings: dict[str, Pending] = {}
        self._open: dict[str, datetime | None] = {}  # open pending id → expiry
        self._undo: list[Callable[[], object]] = []  # rolls back the current chain
        self._logging = False  # on while a chain of several transfers is applied
        self._touch = _Touch()

    @classmethod
    def from_state(cls, state: BookState) -> Book:
        """A book over stored state. To apply a batch it needs only the accounts the
        batch names, their balances, and the transfers and pendings whose ids it uses."""
        book = cls()
        book._accounts = {a.id: a for a in state.accounts}
        book._balances = dict(state.balances)
        book._transfers = {t.id: t for t in state.transfers}
        book._pendings = {p.transfer_id: p for p in state.pendings}
        book._open = {p.transfer_id: p.expires_at for p in state.pendings if rules.is_open(p)}
        return book

    def state(self) -> BookState:
        return BookState(
            tuple(self._accounts.values()),
            dict(self._balances),
            tuple(self._transfers.values()),
            tuple(self._pendings.values()),
        )

    # Reading

    @property
    def accounts(self) -> Mapping[str, Account]:
        return MappingProxyType(self._accounts)

    def account(self, account_id: str) -> Account:
        if (account := self._accounts.get(account_id)) is None:
            raise AccountNotFound(f"no ledger account {account_id!r}", account=account_id)
        return account

    def balance_of(self, account_id: str) -> Balance:
        self.account(account_id)
        return self._balances.get(account_id, ZERO)

    def balance(self, account_id: str) -> int:
        return self.balance_of(account_id).posted

    def available(self, account_id: str) -> int:
        return self.balance_of(account_id).available

    def transfer(self, transfer_id: str) -> Transfer | None:
        return self._transfers.get(transfer_id)

    def pending(self, transfer_id: str) -> Pending | None:
        return self._pendings.get(transfer_id)

    def pending_of(self, account_id: str) -> tuple[Pending, ...]:
        """The open pending transfers that debit or credit the account."""
        return tuple(
            self._pendings[i]
            for i in self._open
            if account_id in (self._transfers[i].debit, self._transfers[i].credit)
        )

    # Writing

    def open(self, account: Account) -> bool:
        """Add an account; True if new. Reopening the same account is a no-op."""
        existing = self._accounts.get(account.id)
        if existing is None:
            self._accounts[account.id] = account
            return True
        if replace(existing, created_at=None) != replace(account, created_at=None):
            raise AccountConflict(f"account {account.id!r} exists with other fields")
        return False

    def apply(
        self, batch: Sequence[Transfer], now: datetime, check: Check | None = None
    ) -> Applied:
        """Apply ``batch`` in order. ``check`` adds the currency's rules: it sees each
        transfer (filled in) after the basic checks, with earlier effects applied, and
        must not change the book."""
        self._touch, results = _Touch(), []
        for chain, closed in rules.chains(batch):
            if not closed:
                results += [Result(t.id, Refusal.LINKED_OPEN) for t in chain]
            elif len(chain) == 1:  # all its checks precede its effects: nothing to undo
                results.append(self._apply_one(chain[0], now, check))
            else:
                results += self._apply_chain(chain, now, check)
        return Applied(tuple(results), self._changes())

    def expire(self, now: datetime) -> Changes:
        """Void every open pending transfer whose timeout has passed at ``now``."""
        self._touch = _Touch()
        due = sorted((at, i) for i, at in self._open.items() if at is not None and at <= now)
        for _, transfer_id in due:
            self._release(self._transfers[transfer_id])
            self._resolve(transfer_id, PendingStatus.EXPIRED, None, now)
        return self._changes()

    # The engine

    def _apply_chain(
        self, chain: list[Transfer], now: datetime, check: Check | None
    ) -> list[Result]:
        self._logging, touch_mark = True, self._touch.mark()
        results: list[Result] = []
        for transfer in chain:
            result = self._apply_one(transfer, now, check)
            if not result.ok:
                while self._undo:
                    self._undo.pop()()
                self._logging = False
                self._touch.truncate(touch_mark)
                why = f"transfer {transfer.id!r} of its linked chain was refused"
                return [
                    result if t is transfer else Result(t.id, Refusal.LINKED_FAILED, why)
                    for t in chain
                ]
            results.append(result)
        self._undo.clear()
        self._logging = False
        return results

    def _apply_one(self, t: Transfer, now: datetime, check: Check | None) -> Result:
        try:
            if not t.id:
                raise Refuse(Refusal.ID_EMPTY)
            if (existing := self._transfers.get(t.id)) is not None:
                return self._exists(t, existing)
            effective = rules.stamped(self._validate(t, now), t.at or now)
            if check is not None and (refusal := check(effective, self)) is not None:
                raise Refuse(refusal, f"refused by the currency's rule {refusal.value!r}")
        except Refuse as refused:
            return Result(t.id, refused.refusal, refused.detail)
        self._effect(effective, now)
        return Result(t.id)

    def _exists(self, t: Transfer, existing: Transfer) -> Result:
        pending = self._transfers.get(t.pending_id or "")
        filled = rules.fill(t, pending) if pending is not None else t
        if replace(filled, at=None) == replace(existing, at=None):
            return Result(t.id, Refusal.EXISTS)
        return Result(t.id, Refusal.EXISTS_DIFFERENT, f"{t.id!r} was applied with other fields")

    def _validate(self, t: Transfer, now: datetime) -> Transfer:
        rules.check_shape(t)
        if t.pending_id is None:
            debit, credit = rules.check_accounts(t, self._accounts)
            db, cb = self._balances.get(t.debit, ZERO), self._balances.get(t.credit, ZERO)
            rules.check_limits(t, debit, credit, db, cb)
            return t
        if (pending := self._transfers.get(t.pending_id)) is None:
            raise Refuse(Refusal.PENDING_NOT_FOUND, f"no transfer {t.pending_id!r}")
        if (record := self._pendings.get(pending.id)) is None:
            raise Refuse(Refusal.PENDING_NOT_PENDING, f"{pending.id!r} is not pending")
        return rules.check_resolution(t, pending, record, now)

    def _effect(self, t: Transfer, now: datetime) -> None:
        self._put(self._transfers, t.id, t)
        self._touch.transfers.append(t.id)
        if t.pending_id is not None:
            self._release(self._transfers[t.pending_id])
            if t.state is TransferState.POSTED:
                self._move(t)
            self._resolve(t.pending_id, PendingStatus(t.state.value), t.id, now)
        elif t.state is TransferState.PENDING:
            self._adjust(t.debit, debits_pending=t.amount)
            self._adjust(t.credit, credits_pending=t.amount)
            expires = now + timedelta(seconds=t.timeout_s) if t.timeout_s else None
            self._put(self._pendings, t.id, Pending(t.id, expires))
            self._put(self._open, t.id, expires)
            self._touch.pendings.append(t.id)
        else:
            self._move(t)

    def _move(self, t: Transfer) -> None:
        self._adjust(t.debit, posted=-t.amount)
        self._adjust(t.credit, posted=t.amount)

    def _release(self, pending: Transfer) -> None:
        self._adjust(pending.debit, debits_pending=-pending.amount)
        self._adjust(pending.credit, credits_pending=-pending.amount)

    def _resolve(
        self, pending_id: str, status: PendingStatus, by: str | None, now: datetime
    ) -> None:
        record = replace(self._pendings[pending_id], status=status, resolved_by=by, resolved_at=now)
        self._put(self._pendings, pending_id, record)
        expiry = self._open.pop(pending_id)
        if self._logging:
            self._undo.append(partial(self._open.__setitem__, pending_id, expiry))
        self._touch.pendings.append(pending_id)

    def _adjust(
        self, account_id: str, posted: int = 0, debits_pending: int = 0, credits_pending: int = 0
    ) -> None:
        b = self._balances.get(account_id, ZERO)
        self._touch.before.setdefault(account_id, b)
        new = Balance(
            b.posted + posted,
            b.debits_pending + debits_pending,
            b.credits_pending + credits_pending,
        )
        self._put(self._balances, account_id, new)
        self._touch.accounts.append(account_id)

    def _put(self, store: dict[str, V], key: str, value: V) -> None:
        """Write through the undo log, so a failed chain can be rolled back."""
        if self._logging:
            old = partial(store.__setitem__, key, store[key]) if key in store else None
            self._undo.append(old or partial(store.pop, key))
        store[key] = value

    def _changes(self) -> Changes:
        touch = self._touch
        balances = {a: self._balances[a] for a in dict.fromkeys(touch.accounts)}
        return Changes(
            tuple(self._transfers[i] for i in touch.transfers),
            balances,
            tuple(self._pendings[p] for p in dict.fromkeys(touch.pendings)),
            {a: touch.before[a] for a in balances},
        )
