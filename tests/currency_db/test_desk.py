"""The payment desk: concurrent orders share a transaction, each answered on its own,
as ``Payments.pay`` would answer it (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from holoptic.bootstrap import Services
from holoptic.ledger.accounts import account_id
from holoptic.ledger.desk import PaymentDesk
from holoptic.ledger.model import AccountKind
from holoptic.ledger.orders import PaymentOrder, SignatureInvalid, StaleOrder
from holoptic.ledger.payments import Payment
from holoptic.ledger.ports import LedgerUnitOfWork
from tests.e2e.conftest import Cli

ROOT = Path(__file__).resolve().parents[2]
SPEC = (ROOT / "src" / "holoptic" / "demo" / "village.toml").read_text()
INSIDE, OUTSIDE = (5.0, 45.0), (6.0, 46.0)  # 0 m and ~136 km from the mairie


def _members(cli: Cli, services: Services, count: int) -> list[str]:
    cli.ok("community", "add", "valmont", "Valmont-sur-Lize")
    services.currencies.create(SPEC)
    members = [services.vault.add_member(f"M{n}", None, "valmont").id for n in range(count)]
    for member in members:
        services.signing_keys.public_key(member)
    return members


def _order(services: Services, payer: str, payee: str, amount: int, **kw: Any) -> PaymentOrder:
    fields: dict[str, Any] = {"category": "food", "at": services.clock.now(), "id": None} | kw
    return PaymentOrder(
        fields["id"] or str(uuid.uuid4()),
        "VAL",
        payer,
        payee,
        amount,
        fields["category"],
        fields["at"],
    )


def _signed(services: Services, order: PaymentOrder) -> tuple[PaymentOrder, bytes]:
    return order, services.signing_keys.sign(order.payer, order)


def test_one_batch_answers_each_order_on_its_own(ready: Cli) -> None:
    with ready.services() as services:
        a, b, c, d, far = _members(ready, services, 5)
        for member in (a, b, c):
            services.payments.locate("VAL", member, *INSIDE)
        services.payments.locate("VAL", far, *OUTSIDE)
        earlier = _signed(services, _order(services, a, b, 100))
        assert services.payments.pay(*earlier).refusal is None
        good = _signed(services, _order(services, a, b, 1_000))
        forged = (_order(services, b, c, 500), b"\x00" * 64)
        stale_at = services.clock.now() - timedelta(hours=1)
        stale = _signed(services, _order(services, c, a, 500, at=stale_at))
        too_much = _signed(services, _order(services, c, a, 30_000))  # below −200.00
        flight = _signed(services, _order(services, b, a, 500, category="air_travel"))
        outside = _signed(services, _order(services, a, far, 500))
        first_use = _signed(services, _order(services, d, c, 700))  # d has no account yet
        answers = services.payment_desk.settle(
            [earlier, good, forged, stale, too_much, flight, outside, first_use, good]
        )
        statuses = [a.document(2)["status"] if isinstance(a, Payment) else a.code for a in answers]
        assert statuses == [
            "already_applied",
            "applied",
            SignatureInvalid.code,
            StaleOrder.code,
            "refused",
            "refused",
            "refused",
            "applied",
            "already_applied",  # the same order twice in one batch applies once
        ]
        refusals = [a.refusal.value for a in answers[4:7] if isinstance(a, Payment) and a.refusal]
        assert refusals == ["exceeds_limit", "refused_category", "outside_perimeter"]
        assert isinstance(answers[1], Payment) and answers[1].payer_balance == -1_100
        [report] = services.books.check("VAL")
        assert report.ok, report.violations
        assert report.transfers == 3  # earlier, good, first_use
        assert isinstance(answers[7], Payment) and answers[7].payer_balance == -700
        with services.uow() as uow:
            state = uow.ledger.state([account_id("VAL", AccountKind.MEMBER, d)], [])
        assert [b.posted for b in state.balances.values()] == [-700]  # opened, then paid


class _Gated:
    """A unit-of-work factory whose first write waits until ``ready()`` holds."""

    def __init__(self, inner: Callable[..., LedgerUnitOfWork], ready: Callable[[], bool]):
        self._inner, self._ready, self._first = inner, ready, True
        self.writes = 0

    def __call__(self, write: bool = False) -> LedgerUnitOfWork:
        if write:
            self.writes += 1
            if self._first:
                self._first = False
                for _ in range(2_000):
                    if self._ready():
                        break
                    threading.Event().wait(0.005)
        return self._inner(write)


def test_concurrent_callers_share_transactions_and_lose_nothing(ready: Cli) -> None:
    with ready.services() as services:
        members = _members(ready, services, 8)
        for member in members:
            services.payments.locate("VAL", member, *INSIDE)
        desk: PaymentDesk
        gated = _Gated(
            services.uow, lambda: desk.group.requests + desk.group.waiting >= 16
        )  # all 16 in
        desk = PaymentDesk(gated, services.payments, services.clock)
        orders = [
            _signed(services, _order(services, members[n % 8], members[(n + 1) % 8], 10 + n))
            for n in range(16 * 10)
        ]
        answers: list[Payment] = []
        lock = threading.Lock()

        def client(mine: list[tuple[PaymentOrder, bytes]]) -> None:
            for order in mine:
                payment = desk.pay(*order)
                with lock:
                    answers.append(payment)

        threads = [threading.Thread(target=client, args=(orders[n::16],)) for n in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert len(answers) == 160 and all(a.refusal is None for a in answers)
        assert desk.group.requests == 160
        assert gated.writes == desk.group.batches < 160  # group commit: fewer transactions
        [report] = services.books.check("VAL")
        assert report.ok, report.violations
        assert report.transfers == 160


def test_a_failed_batch_reaches_its_callers_and_the_desk_goes_on(ready: Cli) -> None:
    with ready.services() as services:
        a, b = _members(ready, services, 2)
        for member in (a, b):
            services.payments.locate("VAL", member, *INSIDE)
        failures = [RuntimeError("database gone")]

        def flaky(write: bool = False) -> LedgerUnitOfWork:
            if write and failures:
                raise failures.pop()
            return services.uow(write)

        desk = PaymentDesk(flaky, services.payments, services.clock)
        order = _signed(services, _order(services, a, b, 250))
        with pytest.raises(RuntimeError, match="database gone"):
            desk.pay(*order)
        assert desk.group.waiting == 0
        assert desk.pay(*order).refusal is None  # nothing half-written: it applies now
        assert desk.pay(*order).refusal is not None  # and once
        [report] = services.books.check("VAL")
        assert report.ok and report.transfers == 1
