"""Journal, trial balance and statements agree with the book, for any period."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from holoptic.ledger.accounting import (
    UndatedTransfer,
    day_of,
    journal,
    statement,
    trial_balance,
)
from holoptic.ledger.model import Transfer, TransferState
from tests.ledger.workload import ACCOUNTS, CUR, NAMES, START, histories, new_book, play

D1, D2, D3 = (START + timedelta(days=n) for n in range(3))


def small_book() -> list[Transfer]:
    book = new_book()
    book.apply([Transfer("i", CUR, "issuance", "ann", 500)], D1)
    book.apply([Transfer("a", CUR, "ann", "bob", 120, category="food")], D2)
    book.apply([Transfer("h", CUR, "ann", "cat", 80, state=TransferState.PENDING)], D2)
    book.apply([Transfer("p", CUR, "", "", 30, state=TransferState.POSTED, pending_id="h")], D3)
    return list(book.state().transfers)


def test_the_journal_runs_balances_from_before_its_period() -> None:
    lines = journal(small_book(), D2.date(), D2.date())
    assert [(ln.transfer.id, ln.moved, ln.debit_balance, ln.credit_balance) for ln in lines] == [
        ("a", 120, 380, 120),
        ("h", 0, 380, 0),  # a pending moves nothing yet
    ]
    assert [ln.transfer.id for ln in journal(small_book(), D1.date(), D3.date(), "EUR")] == []


def test_the_trial_balance_balances_at_any_date() -> None:
    early = trial_balance(ACCOUNTS, small_book(), D1.date(), CUR)
    assert early.balanced and early.total_debits == early.total_credits == 500
    late = trial_balance(ACCOUNTS, small_book(), D3.date(), CUR)
    assert late.balanced and late.total_debits == 650
    rows = {r.account: (r.debits, r.credits, r.balance) for r in late.rows}
    assert rows["ann"] == (150, 500, 350)
    assert rows["cat"] == (0, 30, 30)
    assert "eur-reserve" not in rows


def test_a_statement_opens_and_closes_on_the_right_balances() -> None:
    s = statement("ann", small_book(), D2.date(), D3.date())
    assert (s.opening, s.closing) == (500, 350)
    assert [(ln.transfer_id, ln.counterparty, ln.amount, ln.balance) for ln in s.lines] == [
        ("a", "bob", -120, 380),
        ("p", "cat", -30, 350),
    ]
    assert s.lines[0].category == "food"


def test_undated_transfers_are_refused() -> None:
    with pytest.raises(UndatedTransfer):
        day_of(Transfer("x", CUR, "a", "b", 1))


@settings(max_examples=40, deadline=None)
@given(history=histories, cut=st.integers(0, 12))
def test_reports_agree_with_the_book(
    history: list[tuple[list[Transfer], timedelta]], cut: int
) -> None:
    book, now = play(history)
    transfers = book.state().transfers
    end = now.date()
    middle = START.date() + timedelta(days=cut)
    final = trial_balance(ACCOUNTS, transfers, end, CUR)
    assert final.balanced
    assert {r.account: r.balance for r in final.rows} == {n: book.balance(n) for n in NAMES}
    assert trial_balance(ACCOUNTS, transfers, middle, CUR).balanced
    for name in NAMES:
        before = statement(name, transfers, START.date(), middle)
        after = statement(name, transfers, middle + timedelta(days=1), end)
        assert before.opening == 0
        assert before.closing == before.opening + sum(ln.amount for ln in before.lines)
        assert after.opening == before.closing
        assert after.closing == book.balance(name)
    lines = journal(transfers, date.min, date.max)
    assert [ln.transfer for ln in lines] == list(transfers)
    last: dict[str, int] = {}
    for ln in lines:
        last[ln.transfer.debit], last[ln.transfer.credit] = ln.debit_balance, ln.credit_balance
    assert last == {n: book.balance(n) for n in last}
