"""Each invariant stays quiet on a sound ledger and names the corruption it is there for."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from fractions import Fraction

import pytest

from holoptic.ledger.book import Book
from holoptic.ledger.flows import FlowBatch, FlowKind
from holoptic.ledger.invariants import Invariant, ReserveRule, check, check_changes
from holoptic.ledger.model import (
    Account,
    AccountKind,
    Balance,
    PendingStatus,
    Transfer,
    TransferState,
)
from holoptic.ledger.state import BookState
from tests.ledger.workload import CUR, START, new_book

DAY = START.date()


@pytest.fixture
def book() -> Book:
    book = new_book()
    batch = [
        Transfer("i1", CUR, "issuance", "ann", 1_000),
        Transfer("m1", CUR, "bob", "cat", 300),  # mutual credit: bob goes to −300
        Transfer("h1", CUR, "ann", "dan", 200, state=TransferState.PENDING),
        Transfer("h2", CUR, "ann", "cat", 100, state=TransferState.PENDING),
        Transfer("p2", CUR, "", "", 0, state=TransferState.POSTED, pending_id="h2"),
    ]
    assert book.apply(batch, START).ok
    return book


def codes(state: BookState, **kwargs: object) -> set[Invariant]:
    return {v.code for v in check(state, **kwargs)}  # type: ignore[arg-type]


def with_balance(state: BookState, account_id: str, **fields: int) -> BookState:
    balance = replace(state.balances.get(account_id, Balance()), **fields)
    return replace(state, balances={**state.balances, account_id: balance})


def test_a_sound_ledger_has_no_violation(book: Book) -> None:
    assert check(book.state(), issued={CUR: 1_000, "EUR": 0}) == []


def test_a_balance_changed_outside_a_transfer_is_caught(book: Book) -> None:
    state = with_balance(book.state(), "ann", posted=901)
    assert codes(state) == {Invariant.SUM, Invariant.REPLAY}


def test_money_moved_without_a_transfer_is_caught(book: Book) -> None:
    state = with_balance(book.state(), "ann", posted=600)
    state = with_balance(state, "dan", posted=300)
    assert codes(state) == {Invariant.REPLAY}


def test_issuance_is_held_to_what_was_issued(book: Book) -> None:
    assert codes(book.state(), issued={CUR: 999}) == {Invariant.ISSUANCE}
    mutual = new_book()
    mutual.apply([Transfer("m", CUR, "bob", "ann", 50)], START)
    assert check(mutual.state(), issued={CUR: 0}) == []
    mutual.apply([Transfer("i", CUR, "issuance", "ann", 50)], START)
    assert codes(mutual.state(), issued={CUR: 0}) == {Invariant.ISSUANCE}


def test_limits_are_checked_on_available_and_held_money(book: Book) -> None:
    state = book.state()
    stricter = tuple(
        replace(a, lower=-299) if a.id == "bob" else replace(a, upper=399) if a.id == "cat" else a
        for a in state.accounts
    )
    violations = check(replace(state, accounts=stricter))
    assert {(v.code, v.subject) for v in violations} == {
        (Invariant.BELOW_LIMIT, "bob"),
        (Invariant.ABOVE_LIMIT, "cat"),
    }

    def with_ann_floor(lower: int) -> BookState:
        accounts = tuple(replace(a, lower=lower) if a.id == "ann" else a for a in state.accounts)
        return replace(state, accounts=accounts)

    # ann: 900 posted, 200 reserved by a pending debit, so 700 available
    assert check(with_ann_floor(700)) == []
    assert codes(with_ann_floor(701)) == {Invariant.BELOW_LIMIT}


def test_reservations_must_match_open_pendings(book: Book) -> None:
    state = with_balance(book.state(), "ann", debits_pending=0)
    assert codes(state) == {Invariant.RESERVATION, Invariant.PENDING_SUM}
    forgotten = replace(
        book.state(),
        pendings=tuple(
            replace(p, status=PendingStatus.EXPIRED) if p.transfer_id == "h1" else p
            for p in book.state().pendings
        ),
    )
    assert codes(forgotten) == {Invariant.RESERVATION}


def test_a_pending_resolved_twice_is_caught(book: Book) -> None:
    state = book.state()
    again = replace(state.transfers[-1], id="p2-again")
    state = replace(state, transfers=(*state.transfers, again))
    assert {Invariant.RESOLVED_TWICE, Invariant.PENDING_STATUS} <= codes(state)


def test_a_pending_status_must_match_its_resolution(book: Book) -> None:
    state = book.state()
    reopened = tuple(
        replace(p, status=PendingStatus.OPEN, resolved_by=None) if p.transfer_id == "h2" else p
        for p in state.pendings
    )
    assert Invariant.PENDING_STATUS in codes(replace(state, pendings=reopened))
    no_record = tuple(p for p in state.pendings if p.transfer_id != "h1")
    assert Invariant.PENDING_STATUS in codes(replace(state, pendings=no_record))


def test_a_transfer_applied_twice_is_caught(book: Book) -> None:
    state = book.state()
    state = replace(state, transfers=(*state.transfers, state.transfers[1]))
    assert Invariant.DUPLICATE in codes(state)


def test_a_balance_without_an_account_is_caught(book: Book) -> None:
    assert Invariant.UNKNOWN_ACCOUNT in codes(with_balance(book.state(), "ghost", posted=0))


def test_the_reserve_must_cover_what_is_redeemable() -> None:
    book = new_book()
    book.open(Account("eur-liability", "EUR", AccountKind.ISSUANCE, None, lower=None))
    book.apply([Transfer("e", "EUR", "eur-liability", "eur-reserve", 950)], START)
    book.apply(
        [Transfer("i", CUR, "issuance", "ann", 600), Transfer("j", CUR, "bob", "dan", 400)], START
    )
    covered = ReserveRule("eur-reserve", ("ann", "bob", "dan"), Fraction(95, 100))
    assert check(book.state(), reserves=[covered]) == []  # 0.95 × (600 + 400) = 950
    full = replace(covered, ratio=Fraction(1))
    assert codes(book.state(), reserves=[full]) == {Invariant.RESERVE}


def test_demurrage_collected_equals_the_decrements(book: Book) -> None:
    batch = FlowBatch.of(DAY, FlowKind.DEMURRAGE, CUR, "sink", {"ann": 14, "cat": 8, "dan": 0})
    assert batch.system_leg == 22 and "dan" not in batch.legs
    assert book.apply(batch.transfers(START), START).ok
    state = book.state()
    assert check(state, flows=[batch]) == []
    assert Invariant.FLOW_MISMATCH in codes(state, flows=[])  # posted but not recorded
    assert codes(state, flows=[replace(batch, system_leg=23)]) == {
        Invariant.FLOW_UNBALANCED,
        Invariant.FLOW_MISMATCH,
    }
    recorded = replace(batch, legs={"ann": 15, "cat": 7})  # same total, wrong people
    assert {v.subject for v in check(state, flows=[recorded])} == {"ann", "cat"}


def test_a_dividend_posted_backwards_is_caught(book: Book) -> None:
    batch = FlowBatch.of(DAY, FlowKind.DIVIDEND, CUR, "issuance", {"ann": 10})
    backwards = replace(batch, kind=FlowKind.DEMURRAGE)
    assert book.apply(backwards.transfers(START), START).ok  # ann → issuance
    relabelled = tuple(
        replace(t, category="dividend") if t.category == "demurrage" else t
        for t in book.state().transfers
    )
    state = replace(book.state(), transfers=relabelled)
    assert Invariant.FLOW_MISMATCH in codes(state, flows=[batch])


def test_a_daily_flow_posted_twice_applies_once(book: Book) -> None:
    batch = FlowBatch.of(DAY, FlowKind.DIVIDEND, CUR, "issuance", {"ann": 5, "bob": 5})
    first = book.apply(batch.transfers(START), START)
    second = book.apply(batch.transfers(START + timedelta(hours=1)), START + timedelta(hours=1))
    assert first.ok and second.ok and second.changes.empty
    assert check(book.state(), flows=[batch]) == []
    assert batch.transfer_id("ann") == f"dividend:{CUR}:{date(2025, 3, 1)}:ann"


def test_a_batch_is_checked_on_its_own_changes(book: Book) -> None:
    applied = book.apply(
        [Transfer("x", CUR, "ann", "bob", 50), Transfer("y", CUR, "bob", "cat", 20)], START
    )
    changes = applied.changes
    assert check_changes(changes, book.accounts) == []
    assert changes.before["ann"].posted == 900 and changes.balances["ann"].posted == 850
    skewed = replace(changes, balances={**changes.balances, "bob": Balance(posted=-269)})
    assert {v.code for v in check_changes(skewed, book.accounts)} == {
        Invariant.SUM,
        Invariant.REPLAY,
    }
    twice = replace(changes, transfers=(*changes.transfers, changes.transfers[0]))
    assert Invariant.DUPLICATE in {v.code for v in check_changes(twice, book.accounts)}
    tighter = {**book.accounts, "bob": replace(book.account("bob"), lower=-200)}
    assert {v.code for v in check_changes(changes, tighter)} == {Invariant.BELOW_LIMIT}
