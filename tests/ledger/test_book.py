"""The engine's TigerBeetle-like semantics, one rule at a time."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from holoptic.ledger.amounts import MAX_MINOR
from holoptic.ledger.book import AccountConflict, AccountNotFound, Book
from holoptic.ledger.model import (
    Account,
    AccountKind,
    PendingStatus,
    Refusal,
    Transfer,
    TransferState,
)
from holoptic.ledger.semantics import stamped
from holoptic.ledger.state import BookState, merge
from tests.ledger.workload import CUR, START, new_book

POSTED, PENDING, VOIDED = TransferState.POSTED, TransferState.PENDING, TransferState.VOIDED


def pay(id: str, debit: str, credit: str, amount: int, **fields: object) -> Transfer:
    return Transfer(id, CUR, debit, credit, amount, **fields)  # type: ignore[arg-type]


def post(id: str, pending_id: str, amount: int = 0, **fields: object) -> Transfer:
    t = Transfer(id, CUR, "", "", amount, state=POSTED, pending_id=pending_id)
    return replace(t, **fields)  # type: ignore[arg-type]


def void(id: str, pending_id: str) -> Transfer:
    return Transfer(id, CUR, "", "", 0, state=VOIDED, pending_id=pending_id)


def codes(book: Book, *batch: Transfer, after: timedelta = timedelta()) -> list[Refusal | None]:
    return [r.refusal for r in book.apply(batch, START + after).results]


@pytest.fixture
def book() -> Book:
    book = new_book()
    book.apply([pay("fund-ann", "issuance", "ann", 1_000)], START)
    return book


def test_a_transfer_moves_money_and_reports_what_changed(book: Book) -> None:
    applied = book.apply([pay("p1", "ann", "bob", 300, category="food")], START)
    assert applied.ok
    assert (book.balance("ann"), book.balance("bob"), book.balance("issuance")) == (
        700,
        300,
        -1_000,
    )
    assert [t.id for t in applied.changes.transfers] == ["p1"]
    assert applied.changes.transfers[0].at == START  # stamped with the time of application
    assert {a: b.posted for a, b in applied.changes.balances.items()} == {"ann": 700, "bob": 300}


def test_a_replayed_transfer_is_applied_once(book: Book) -> None:
    t = pay("p1", "ann", "bob", 300)
    assert codes(book, t) == [None]
    applied = book.apply([t, replace(t, at=START + timedelta(days=1))], START)
    assert [r.refusal for r in applied.results] == [Refusal.EXISTS, Refusal.EXISTS]
    assert applied.ok and applied.changes.empty
    assert codes(book, replace(t, amount=301)) == [Refusal.EXISTS_DIFFERENT]
    assert book.balance("bob") == 300


def test_a_refused_id_is_not_remembered(book: Book) -> None:
    t = pay("p1", "dan", "ann", 50)
    assert codes(book, t) == [Refusal.EXCEEDS_LOWER]
    assert codes(book, pay("fund-dan", "issuance", "dan", 50), t) == [None, None]


@pytest.mark.parametrize(
    ("transfer", "refusal"),
    [
        (pay("", "ann", "bob", 1), Refusal.ID_EMPTY),
        (pay("x", "ann", "bob", 0), Refusal.AMOUNT),
        (pay("x", "ann", "bob", -5), Refusal.AMOUNT),
        (pay("x", "ann", "bob", MAX_MINOR + 1), Refusal.AMOUNT_TOO_LARGE),
        (pay("x", "ann", "ann", 1), Refusal.SAME_ACCOUNT),
        (pay("x", "ann", "ghost", 1), Refusal.UNKNOWN_ACCOUNT),
        (pay("x", "ann", "eur-reserve", 1), Refusal.CURRENCY_MISMATCH),
        (Transfer("x", "EUR", "ann", "bob", 1), Refusal.CURRENCY_MISMATCH),
        (pay("x", "ann", "bob", 1, timeout_s=60), Refusal.TIMEOUT_INVALID),
        (pay("x", "ann", "bob", 1, state=PENDING, timeout_s=0), Refusal.TIMEOUT_INVALID),
        (pay("x", "ann", "bob", 1, state=VOIDED), Refusal.PENDING_ID_REQUIRED),
        (
            pay("x", "ann", "bob", 1, state=PENDING, pending_id="fund-ann"),
            Refusal.PENDING_ID_FORBIDDEN,
        ),
        (post("x", "nothing"), Refusal.PENDING_NOT_FOUND),
        (post("x", "fund-ann"), Refusal.PENDING_NOT_PENDING),
    ],
)
def test_malformed_transfers_are_refused_for_the_rule_they_break(
    book: Book, transfer: Transfer, refusal: Refusal
) -> None:
    before = book.state()
    assert codes(book, transfer) == [refusal]
    assert book.state() == before


def test_limits_hold_exactly(book: Book) -> None:
    assert codes(book, pay("a", "ann", "bob", 1_001)) == [Refusal.EXCEEDS_LOWER]
    assert codes(book, pay("b", "ann", "bob", 1_000)) == [None]
    # bob is on mutual credit down to −500
    assert codes(book, pay("c", "bob", "ann", 1_501)) == [Refusal.EXCEEDS_LOWER]
    assert codes(book, pay("d", "bob", "ann", 1_500)) == [None]
    assert book.balance("bob") == -500
    # cat may hold at most 3 000
    assert codes(book, pay("e", "issuance", "cat", 3_001)) == [Refusal.EXCEEDS_UPPER]
    assert codes(book, pay("f", "issuance", "cat", 3_000)) == [None]


def test_pending_transfers_count_against_both_limits(book: Book) -> None:
    assert codes(book, pay("h1", "ann", "bob", 600, state=PENDING)) == [None]
    assert (book.balance("ann"), book.available("ann")) == (1_000, 400)
    assert codes(book, pay("h2", "ann", "bob", 401)) == [Refusal.EXCEEDS_LOWER]
    assert codes(book, pay("h3", "issuance", "cat", 2_000, state=PENDING)) == [None]
    assert codes(book, pay("h4", "issuance", "cat", 1_001)) == [Refusal.EXCEEDS_UPPER]
    assert book.pending_of("ann") == (book.pending("h1"),)


def test_a_post_applies_the_pending_amount_once(book: Book) -> None:
    book.apply([pay("h", "ann", "bob", 600, state=PENDING, category="care")], START)
    applied = book.apply([post("p", "h")], START)
    assert applied.ok
    stored = applied.changes.transfers[0]
    assert (stored.debit, stored.credit, stored.amount, stored.category) == (
        "ann",
        "bob",
        600,
        "care",
    )
    assert (book.balance("ann"), book.available("ann"), book.balance("bob")) == (400, 400, 600)
    record = book.pending("h")
    assert record is not None
    assert (record.status, record.resolved_by, record.resolved_at) == (
        PendingStatus.POSTED,
        "p",
        START,
    )
    assert codes(book, post("p", "h")) == [Refusal.EXISTS]  # the same post, replayed
    assert codes(book, post("p2", "h")) == [Refusal.PENDING_RESOLVED]
    assert codes(book, void("v", "h")) == [Refusal.PENDING_RESOLVED]


def test_a_partial_post_releases_the_rest(book: Book) -> None:
    book.apply([pay("h", "ann", "bob", 600, state=PENDING)], START)
    assert codes(book, post("p", "h", 601)) == [Refusal.EXCEEDS_PENDING]
    assert codes(book, post("p", "h", 250)) == [None]
    assert (book.balance("ann"), book.available("ann"), book.balance("bob")) == (750, 750, 250)
    assert book.balance_of("bob").credits_pending == 0


def test_a_post_must_match_its_pending(book: Book) -> None:
    book.apply([pay("h", "ann", "bob", 600, state=PENDING)], START)
    assert codes(book, post("p", "h", debit="cat")) == [Refusal.PENDING_DIFFERENT]
    assert codes(book, replace(void("v", "h"), amount=10)) == [Refusal.PENDING_DIFFERENT]
    assert codes(book, post("p", "h", debit="ann", credit="bob", amount=600)) == [None]


def test_a_void_releases_the_reservation(book: Book) -> None:
    book.apply([pay("h", "ann", "bob", 600, state=PENDING)], START)
    assert codes(book, void("v", "h")) == [None]
    assert (book.balance("ann"), book.available("ann"), book.balance("bob")) == (1_000, 1_000, 0)
    assert book.pending("h").status is PendingStatus.VOIDED  # type: ignore[union-attr]
    assert codes(book, post("p", "h")) == [Refusal.PENDING_RESOLVED]


def test_a_timed_out_pending_cannot_be_posted_and_expires(book: Book) -> None:
    book.apply([pay("h", "ann", "bob", 600, state=PENDING, timeout_s=60)], START)
    book.apply([pay("k", "ann", "cat", 100, state=PENDING)], START)  # no timeout
    assert codes(book, post("p", "h"), after=timedelta(seconds=60)) == [Refusal.PENDING_EXPIRED]
    assert book.expire(START + timedelta(seconds=59)).empty
    changes = book.expire(START + timedelta(seconds=60))
    assert [p.transfer_id for p in changes.pendings] == ["h"]
    assert changes.pendings[0].status is PendingStatus.EXPIRED
    assert set(changes.balances) == {"ann", "bob"}
    assert book.available("ann") == 900  # only k is still reserved
    assert codes(book, void("v", "h"), after=timedelta(seconds=61)) == [Refusal.PENDING_EXPIRED]
    assert book.expire(START + timedelta(days=9)).empty


def test_a_pending_can_be_posted_in_its_own_batch(book: Book) -> None:
    assert codes(book, pay("h", "ann", "bob", 600, state=PENDING), post("p", "h", 100)) == [
        None,
        None,
    ]
    assert (book.balance("ann"), book.available("ann")) == (900, 900)


def test_a_linked_chain_is_all_or_nothing(book: Book) -> None:
    before = book.state()
    chain = [
        pay("c1", "ann", "bob", 100, linked=True),
        pay("c2", "bob", "cat", 50, state=PENDING, linked=True),
        post("c3", "c2", linked=True),
        pay("c4", "ann", "cat", 10_000, linked=True),  # refused: ann has 900 left
        pay("c5", "ann", "dan", 1),
    ]
    applied = book.apply(chain, START)
    assert [r.refusal for r in applied.results] == [
        Refusal.LINKED_FAILED,
        Refusal.LINKED_FAILED,
        Refusal.LINKED_FAILED,
        Refusal.EXCEEDS_LOWER,
        Refusal.LINKED_FAILED,
    ]
    assert applied.changes.empty
    assert book.state() == before


def test_a_chain_applies_with_its_own_earlier_effects(book: Book) -> None:
    chain = [pay("c1", "ann", "dan", 300, linked=True), pay("c2", "dan", "cat", 300)]
    assert codes(book, *chain, pay("after", "dan", "cat", 1)) == [None, None, Refusal.EXCEEDS_LOWER]
    assert codes(book, *chain) == [Refusal.EXISTS, Refusal.EXISTS]


def test_a_batch_ending_inside_a_chain_applies_none_of_it(book: Book) -> None:
    batch = [pay("a", "ann", "bob", 1), pay("b", "ann", "bob", 1, linked=True)]
    batch.append(pay("c", "ann", "bob", 1, linked=True))
    assert codes(book, *batch) == [None, Refusal.LINKED_OPEN, Refusal.LINKED_OPEN]
    assert book.balance("bob") == 1


def test_the_check_hook_sees_filled_transfers_and_earlier_effects(book: Book) -> None:
    seen: list[tuple[str, int, int]] = []

    def check(t: Transfer, b: Book) -> Refusal | None:
        seen.append((t.id, t.amount, b.balance("dan")))
        return Refusal.CATEGORY if t.category == "energy" else None

    book.apply([pay("h", "ann", "dan", 200, state=PENDING)], START)
    batch = [
        post("p", "h", linked=True),
        pay("x", "dan", "cat", 50, category="energy"),
        pay("y", "dan", "cat", 0),  # refused before the hook
    ]
    applied = book.apply(batch, START, check)
    assert [r.refusal for r in applied.results] == [
        Refusal.LINKED_FAILED,
        Refusal.CATEGORY,
        Refusal.AMOUNT,
    ]
    assert seen == [("p", 200, 0), ("x", 50, 200)]
    assert book.balance("dan") == 0
    assert book.pending("h").status is PendingStatus.OPEN  # type: ignore[union-attr]


def test_a_batch_persists_each_touched_balance_once(book: Book) -> None:
    batch = [pay(f"d{i}", "ann", "sink", 1) for i in range(100)]
    applied = book.apply(batch, START)
    assert len(applied.changes.transfers) == 100
    assert applied.changes.balances == {
        "ann": book.balance_of("ann"),
        "sink": book.balance_of("sink"),
    }
    assert book.balance("sink") == 100


def test_storage_state_round_trips_and_merges(book: Book) -> None:
    stored = book.state()
    applied = book.apply(
        [pay("h", "ann", "bob", 10, state=PENDING), pay("x", "ann", "cat", 5)], START
    )
    assert merge(stored, applied.changes) == book.state()
    assert Book.from_state(book.state()).state() == book.state()


def test_a_partial_state_is_enough_to_apply_a_batch(book: Book) -> None:
    book.apply([pay("h", "ann", "bob", 10, state=PENDING)], START)
    whole = book.state()
    partial = BookState(
        accounts=tuple(a for a in whole.accounts if a.id in {"ann", "bob"}),
        balances={k: v for k, v in whole.balances.items() if k in {"ann", "bob"}},
        transfers=tuple(t for t in whole.transfers if t.id == "h"),
        pendings=whole.pendings,
    )
    batch = [post("p", "h"), pay("x", "bob", "ann", 3)]
    assert Book.from_state(partial).apply(batch, START) == book.apply(batch, START)


def test_accounts_open_once(book: Book) -> None:
    ann = book.account("ann")
    assert book.open(replace(ann, created_at=START)) is False
    with pytest.raises(AccountConflict):
        book.open(replace(ann, lower=-100))
    assert book.open(Account("eve", CUR, AccountKind.MEMBER, "eve")) is True
    with pytest.raises(AccountNotFound):
        book.balance("nobody")


@given(st.from_type(Transfer), st.datetimes())
def test_stamping_keeps_every_field(transfer: Transfer, at: datetime) -> None:
    assert stamped(transfer, at) == replace(transfer, at=at)
