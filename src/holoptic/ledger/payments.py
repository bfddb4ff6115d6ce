"""Paying: a member's signed order, checked against the currency's rules, applied once.

One write transaction per batch: open the accounts (first use), read the part of the
book the batch touches, apply it with the currency's rules plugged into the engine
(perimeter, refused categories, a euro-backed money's reserve), write the changes with
compare-and-set, and check the batch's invariants before committing. A refusal names
its rule and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from holoptic.clock import Clock
from holoptic.currency import zones
from holoptic.currency.categories import is_refused
from holoptic.currency.model import CurrencySpec, Perimeter
from holoptic.errors import HolopticError
from holoptic.ledger.accounts import account_id, holder_account
from holoptic.ledger.book import Book
from holoptic.ledger.currencies import spec_in
from holoptic.ledger.invariants import check_changes
from holoptic.ledger.model import AccountKind, Refusal, Result, Transfer
from holoptic.ledger.orders import PaymentOrder, verify_order
from holoptic.ledger.ports import LedgerUnitOfWork, LedgerUnitOfWorkFactory, StaleBook
from holoptic.ledger.reserve import Coverage, needs_coverage
from holoptic.ledger.state import Changes

RETRIES = 5  # compare-and-set conflicts under concurrency are retried this often
T = TypeVar("T")


class InvariantBroken(HolopticError):
    """A batch would break an invariant: it is rolled back and reported (a bug)."""

    code = "ledger.invariant_broken"
    status = 500


@dataclass(frozen=True, slots=True)
class Payment:
    """The answer to an order: applied (or already applied), or refused and why."""

    transfer_id: str
    refusal: Refusal | None
    detail: str | None
    payer_balance: int | None

    @property
    def ok(self) -> bool:
        return self.refusal is None or self.refusal is Refusal.EXISTS

    def document(self, decimals: int) -> dict[str, Any]:
        from holoptic.ledger.amounts import format_amount

        return {
            "id": self.transfer_id,
            "status": "applied"
            if self.refusal is None
            else ("already_applied" if self.refusal is Refusal.EXISTS else "refused"),
            "refusal": self.refusal.value if self.refusal else None,
            "detail": self.detail,
            "payer_balance": None
            if self.payer_balance is None
            else format_amount(self.payer_balance, decimals),
        }


class Payments:
    def __init__(
        self, uow: LedgerUnitOfWorkFactory, specs: Callable[[str], CurrencySpec], clock: Clock
    ) -> None:
        self._uow = uow
        self._specs = specs
        self._clock = clock
        self._places = Places()

    def pay(self, order: PaymentOrder, signature: bytes) -> Payment:
        """Verify the order's signature, then apply it as one transfer (one transaction:
        the spec, the key, the accounts and the write)."""
        now = self._clock.now()
        code = order.currency
        transfer = order_transfer(order, now)
        payer, signed = transfer.debit, {order.id: signature}

        def work(uow: LedgerUnitOfWork) -> Payment:
            spec = spec_in(uow, code)
            verify_in(uow, order, signature, now)
            [result], book = self.apply_in(uow, spec, [transfer], now, signed)
            if result.refusal is Refusal.UNKNOWN_ACCOUNT:  # no balance to give yet
                return Payment(order.id, result.refusal, result.detail, None)
            return Payment(order.id, result.refusal, result.detail, book.balance(payer))

        payment = retried(self._uow, work)
        if payment.refusal is Refusal.UNKNOWN_ACCOUNT:  # first use: open, then pay again
            self.open_members(code, (order.payer, order.payee), now)
            payment = retried(self._uow, work)
        return payment

    def open_members(self, code: str, members: Collection[str], now: datetime) -> None:
        """Open members' accounts in a transaction of their own. Opened inside the
        payment's, after its row locks, the new rows' uniqueness waits would cross other
        payments' locks: eight processes paying on PostgreSQL met a deadlock so. An account
        opened for a payment refused later simply stays open, empty."""
        with self._uow(write=True) as uow:
            spec = spec_in(uow, code)
            uow.ledger.open_accounts(
                holder_account(spec, AccountKind.MEMBER, member, now) for member in sorted(members)
            )

    def locate(self, code: str, member_id: str, lon: float, lat: float) -> None:
        """Where a member's account is, for perimeter rules (opened if it is not yet)."""
        spec = self._specs(code)
        with self._uow(write=True) as uow:
            account = holder_account(spec, AccountKind.MEMBER, member_id, self._clock.now())
            uow.ledger.open_accounts([account])
            uow.ledger.set_location(account.id, lon, lat)

    def apply_in(
        self,
        uow: LedgerUnitOfWork,
        spec: CurrencySpec,
        batch: Sequence[Transfer],
        now: datetime,
        signatures: dict[str, bytes] | None = None,
    ) -> tuple[list[Result], Book]:
        """Apply a batch inside the caller's transaction; persist only when all apply."""
        prepared = self.prepare(uow, spec, batch, now)
        if prepared.changes is not None:
            uow.ledger.save(prepared.changes, signatures)
        return prepared.results, prepared.book

    def prepare(
        self,
        uow: LedgerUnitOfWork,
        spec: CurrencySpec,
        batch: Sequence[Transfer],
        now: datetime,
        each: bool = False,
    ) -> Prepared:
        """Apply a batch to the part of the book it needs, with the currency's rules and
        the batch's invariants checked, without writing it: the changes to save come back
        only when every transfer applied (so two currencies' batches can be saved together,
        or neither), or with ``each``, for the transfers that applied (each one stands
        alone, as the payment desk's unrelated orders do)."""
        accounts = {x.debit for x in batch} | {x.credit for x in batch}
        ids = {x.id for x in batch} | {x.pending_id for x in batch if x.pending_id}
        covered = needs_coverage(spec, accounts)
        if covered:  # locks the reserve's row too: writers that move it queue
            accounts.add(account_id(spec.code, AccountKind.RESERVE))
        state = uow.ledger.state(accounts, ids)
        book = Book.from_state(state)
        coverage = Coverage.of(spec, book, uow.ledger.redeemable(spec.code)) if covered else None
        rules = CurrencyRules(spec, state.locations, coverage, self._places)
        applied = book.apply(batch, now, rules.check)
        if applied.changes.empty:
            return Prepared(list(applied.results), book, None)
        # all or nothing, unless ``each``: a refused transfer keeps the whole batch out
        if not applied.ok and not each:
            return Prepared(
                list(applied.results), Book.from_state(uow.ledger.state(accounts, ids)), None
            )
        violations = check_changes(applied.changes, book.accounts)
        if coverage is not None:
            violations += coverage.violations(book)
        if violations:
            raise InvariantBroken("; ".join(v.message for v in violations))
        return Prepared(list(applied.results), book, applied.changes)


def retried(uow: LedgerUnitOfWorkFactory, work: Callable[[LedgerUnitOfWork], T]) -> T:
    """``work`` in a write transaction, run again (in a new one) when a balance moved
    under it (``StaleBook``: compare-and-set lost to a concurrent batch), up to
    ``RETRIES`` times."""
    for attempt in range(RETRIES):
        try:
            with uow(write=True) as transaction:
                return work(transaction)
        except StaleBook:
            if attempt == RETRIES - 1:
                raise
    raise AssertionError("unreachable")


@dataclass(frozen=True, slots=True)
class Prepared:
    """A batch applied in memory: its results, the book after it, and the changes to save
    (None when it changed nothing or was refused)."""

    results: list[Result]
    book: Book
    changes: Changes | None


def verify_in(uow: LedgerUnitOfWork, order: PaymentOrder, signature: bytes, now: datetime) -> None:
    """Check a member's signed order against the payer's stored public key."""
    verify_order(order, signature, uow.ledger.public_key(order.payer), now)


def order_transfer(order: PaymentOrder, now: datetime) -> Transfer:
    """The transfer a payment order asks for: payer's member account to payee's."""
    code = order.currency
    payer = account_id(code, AccountKind.MEMBER, order.payer)
    payee = account_id(code, AccountKind.MEMBER, order.payee)
    return Transfer(order.id, code, payer, payee, order.amount, order.category, at=now)


class CurrencyRules:
    """The spec's rules on each transfer, after the engine's own (limits and the rest)."""

    def __init__(
        self,
        spec: CurrencySpec,
        locations: Mapping[str, tuple[float, float]],
        coverage: Coverage | None = None,
        places: Places | None = None,
    ) -> None:
        self._spec = spec
        self._locations = locations  # of the batch's accounts, read with them
        self._coverage = coverage
        self._places = places or Places()
        self._inside: dict[str, bool] = {}  # per account: a batch pays the same ones often

    def check(self, transfer: Transfer, book: Book) -> Refusal | None:
        if transfer.category and is_refused(self._spec.refused_categories, transfer.category):
            return Refusal.CATEGORY
        credit = book.account(transfer.credit)
        perimeter = self._spec.perimeter
        if (
            perimeter is not None
            and credit.kind is AccountKind.MEMBER
            and not self._within_perimeter(perimeter, credit.id)
        ):
            return Refusal.PERIMETER
        if self._coverage is not None:
            return self._coverage.refusal(transfer, book)
        return None

    def _within_perimeter(self, perimeter: Perimeter, account: str) -> bool:
        """Whether the account is located inside the perimeter (unknown: outside)."""
        if (known := self._inside.get(account)) is None:
            where = self._locations.get(account)
            known = where is not None and self._places.inside(perimeter, where)
            self._inside[account] = known
        return known


class Places:
    """Which places lie inside which perimeter, remembered across batches: the same
    members are paid batch after batch, and a place is a pair of coordinates, so a moved
    account is simply a new place. Bounded: forgotten whole when full."""

    MOST = 100_000

    def __init__(self) -> None:
        self._known: dict[Perimeter, dict[tuple[float, float], bool]] = {}
        self._last: tuple[Perimeter, dict[tuple[float, float], bool]] | None = None

    def inside(self, perimeter: Perimeter, where: tuple[float, float]) -> bool:
        if self._last is not None and self._last[0] is perimeter:  # no hash of the zones
            known = self._last[1]
        else:
            known = self._known.setdefault(perimeter, {})
            self._last = (perimeter, known)
        if (inside := known.get(where)) is None:
            if len(known) >= self.MOST:
                known.clear()
            inside = known[where] = zones.inside(perimeter, *where)
        return inside
