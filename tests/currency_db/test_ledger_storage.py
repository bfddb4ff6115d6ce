"""The ledger's storage on both backends: a batch computed on a stale book is refused
whole (compare-and-set on every balance), and a good one lands exactly as computed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from holoptic.ledger.accounts import account_id
from holoptic.ledger.book import Book
from holoptic.ledger.model import AccountKind, Balance, Transfer, TransferState
from holoptic.ledger.ports import StaleBook
from tests.currency_db.test_cli_currency import village
from tests.e2e.conftest import Cli


def _accounts(cli: Cli) -> list[str]:
    aline, bruno, _ = village(cli)  # located, so their accounts are open
    return [account_id("VAL", AccountKind.MEMBER, m) for m in (aline, bruno)]


def _batch(cli: Cli, accounts: list[str], transfers: list[Transfer]) -> Book:
    with cli.services() as services, services.uow() as uow:
        book = Book.from_state(uow.ledger.state(accounts, [x.id for x in transfers]))
    return book


def test_a_batch_lands_with_every_balance_and_pending(ready: Cli) -> None:
    aline, bruno = _accounts(ready)
    transfers = [
        Transfer("s-1", "VAL", aline, bruno, 1_000),
        Transfer("s-2", "VAL", bruno, aline, 300, state=TransferState.PENDING, timeout_s=60),
    ]
    book = _batch(ready, [aline, bruno], transfers)
    with ready.services() as services:
        applied = book.apply(transfers, services.clock.now())
        with services.uow(write=True) as uow:
            uow.ledger.save(applied.changes)
        with services.uow() as uow:
            state = uow.ledger.state([aline, bruno], ["s-1", "s-2"])
    assert dict(state.balances) == {aline: Balance(-1_000, 0, 300), bruno: Balance(1_000, 300, 0)}
    assert [p.transfer_id for p in state.pendings] == ["s-2"]


def test_a_stale_batch_writes_nothing(ready: Cli) -> None:
    aline, bruno = _accounts(ready)
    first = [Transfer("s-1", "VAL", aline, bruno, 1_000)]
    second = [Transfer("s-2", "VAL", bruno, aline, 400)]
    stale_book = _batch(ready, [aline, bruno], second)  # read before s-1 lands
    with ready.services() as services:
        now = services.clock.now()
        fresh = _batch(ready, [aline, bruno], first).apply(first, now)
        with services.uow(write=True) as uow:
            uow.ledger.save(fresh.changes)
        stale = stale_book.apply(second, now)
        with pytest.raises(StaleBook), services.uow(write=True) as uow:
            uow.ledger.save(stale.changes)
        # only one of the two balances is stale: still nothing of the batch is written
        half = replace(stale.changes, before={**stale.changes.before, bruno: Balance(1_000)})
        with pytest.raises(StaleBook, match="1 account"), services.uow(write=True) as uow:
            uow.ledger.save(half)
        with services.uow() as uow:
            state = uow.ledger.state([aline, bruno], ["s-2"])
    assert state.transfers == ()
    assert dict(state.balances) == {aline: Balance(-1_000), bruno: Balance(1_000)}
