"""The payment desk: payment orders that arrive together are written together.

Concurrent payments go through ``GroupCommit`` (``holoptic.batching``): the orders queued
while a batch is written are settled together, one write transaction per currency, one
transfer per order. Orders are not linked: each is verified, checked against the
currency's rules and applied or refused on its own, exactly as ``Payments.pay`` would
have done in that order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from holoptic.batching import GroupCommit
from holoptic.clock import Clock
from holoptic.ledger.accounts import account_id
from holoptic.ledger.currencies import spec_in
from holoptic.ledger.model import AccountKind, Refusal
from holoptic.ledger.orders import OrderRefused, PaymentOrder, verify_order
from holoptic.ledger.payments import Payment, Payments, order_transfer, retried
from holoptic.ledger.ports import LedgerUnitOfWork, LedgerUnitOfWorkFactory

MOST = 512  # orders in one batch: bounds a transaction's locks and a caller's wait
KEYS_KEPT = 100_000  # members whose public keys a desk keeps in memory (32 bytes each)
Answer = Payment | OrderRefused  # a refused order is its caller's error alone


class PaymentDesk:
    """``pay`` as ``Payments.pay`` answers it, with concurrent callers batched."""

    def __init__(
        self, uow: LedgerUnitOfWorkFactory, payments: Payments, clock: Clock, most: int = MOST
    ) -> None:
        self._uow = uow
        self._payments = payments
        self._clock = clock
        self._keys: dict[str, bytes] = {}
        self.group: GroupCommit[tuple[PaymentOrder, bytes], Payment] = GroupCommit(
            self.settle, most
        )

    def pay(self, order: PaymentOrder, signature: bytes) -> Payment:
        """Verify and apply one order; raise ``OrderRefused`` for a bad signature or a
        stale order. Returns once the batch holding it is committed."""
        return self.group.submit((order, signature))

    def settle(self, orders: Sequence[tuple[PaymentOrder, bytes]]) -> list[Answer]:
        """Answer each order as ``Payments.pay`` would, applying them in this order: one
        write transaction per currency, and one more for members' first-use accounts."""
        now = self._clock.now()
        answers: list[Answer | None] = [None] * len(orders)
        by_currency: dict[str, list[int]] = {}
        for n, (order, _) in enumerate(orders):
            by_currency.setdefault(order.currency, []).append(n)
        for code, numbers in by_currency.items():
            batch = [orders[n] for n in numbers]
            for n, answer in zip(numbers, self._settle_currency(code, batch, now), strict=True):
                answers[n] = answer
        return [a for a in answers if a is not None]

    def _settle_currency(
        self, code: str, orders: Sequence[tuple[PaymentOrder, bytes]], now: datetime
    ) -> list[Answer]:
        answers = retried(self._uow, lambda uow: self._apply(uow, code, orders, now))
        first_use = [n for n, a in enumerate(answers) if _unknown(a)]
        if first_use:  # open the members' accounts, then pay those orders again
            members = {m for n in first_use for m in (orders[n][0].payer, orders[n][0].payee)}
            self._payments.open_members(code, members, now)
            again = [orders[n] for n in first_use]
            retry = retried(self._uow, lambda uow: self._apply(uow, code, again, now))
            for n, answer in zip(first_use, retry, strict=True):
                answers[n] = answer
        return answers

    def _keys_of(self, uow: LedgerUnitOfWork, payers: set[str]) -> Mapping[str, bytes]:
        """The payers' public keys, read once per process: a member's key never changes
        once stored (one per member, never rotated). Erasure deletes it; an order the
        member signed before it stays valid for what is left of its 10-minute window."""
        if missing := payers - self._keys.keys():
            if len(self._keys) > KEYS_KEPT:
                self._keys.clear()
            self._keys.update(uow.ledger.public_keys(missing))
        return self._keys

    def _apply(
        self,
        uow: LedgerUnitOfWork,
        code: str,
        orders: Sequence[tuple[PaymentOrder, bytes]],
        now: datetime,
    ) -> list[Answer]:
        """Verify every order, then apply those that hold as independent transfers."""
        refused = _verify(self._keys_of(uow, {order.payer for order, _ in orders}), orders, now)
        transfers = [
            order_transfer(order, now) for n, (order, _) in enumerate(orders) if n not in refused
        ]
        prepared = self._payments.prepare(uow, spec_in(uow, code), transfers, now, each=True)
        if prepared.changes is not None:
            uow.ledger.save(prepared.changes, {order.id: sig for order, sig in orders})
        results, book = iter(prepared.results), prepared.book
        answers: list[Answer] = []
        for n, (order, _) in enumerate(orders):
            if n in refused:
                answers.append(refused[n])
                continue
            result = next(results)
            payer = account_id(code, AccountKind.MEMBER, order.payer)
            opened = result.refusal is not Refusal.UNKNOWN_ACCOUNT and payer in book.accounts
            balance = book.balance(payer) if opened else None
            answers.append(Payment(order.id, result.refusal, result.detail, balance))
        return answers


def _verify(
    keys: Mapping[str, bytes], orders: Sequence[tuple[PaymentOrder, bytes]], now: datetime
) -> dict[int, OrderRefused]:
    """The orders refused (by position): no key, a bad signature, or stale."""
    refused: dict[int, OrderRefused] = {}
    for n, (order, signature) in enumerate(orders):
        try:
            verify_order(order, signature, keys.get(order.payer), now)
        except OrderRefused as error:
            refused[n] = error
    return refused


def _unknown(answer: Answer) -> bool:
    return isinstance(answer, Payment) and answer.refusal is Refusal.UNKNOWN_ACCOUNT
