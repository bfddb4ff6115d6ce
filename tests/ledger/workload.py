"""Random ledger workloads for the property tests: a small community, batches of
transfers drawn from small pools (so ids collide, pendings get posted, voided, posted
twice, chains break), and a clock that moves on."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from holoptic.ledger.amounts import MAX_MINOR
from holoptic.ledger.book import Book
from holoptic.ledger.model import Account, AccountKind, Transfer, TransferState

CUR = "LOC"
START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
ACCOUNTS = (
    Account("issuance", CUR, AccountKind.ISSUANCE, None, lower=None),
    Account("sink", CUR, AccountKind.DEMURRAGE, None, lower=0),
    Account("treasury", CUR, AccountKind.TREASURY, None, lower=0),
    Account("ann", CUR, AccountKind.MEMBER, "ann", lower=0),
    Account("bob", CUR, AccountKind.MEMBER, "bob", lower=-500),  # mutual credit
    Account("cat", CUR, AccountKind.MEMBER, "cat", lower=-200, upper=3_000),
    Account("dan", CUR, AccountKind.CONSUMER, "dan", lower=0),
    Account("eur-reserve", "EUR", AccountKind.RESERVE, None, lower=0),
)
NAMES = [a.id for a in ACCOUNTS if a.currency == CUR]
PAYERS = ["issuance", "issuance", "bob", "cat", "ann", "ann", "dan", "treasury"]
SINGLE_IDS = [f"t{i}" for i in range(30)]
PENDING_IDS = [f"h{i}" for i in range(8)]
RESOLUTION_IDS = [f"r{i}" for i in range(10)]

categories = st.sampled_from([None, "food", "energy", "care"])
memos = st.one_of(st.none(), st.text(max_size=12))


def _odd(t: Transfer, which: int) -> Transfer:
    """The same transfer broken in one of the ways clients get wrong."""
    broken = [
        replace(t, credit="ghost"),
        replace(t, credit=t.debit),
        replace(t, currency="EUR"),
        replace(t, amount=0),
        replace(t, amount=-3),
        replace(t, amount=MAX_MINOR + 1),
        replace(t, id=""),
        replace(t, credit="eur-reserve"),
    ]
    return broken[which % len(broken)]


@st.composite
def transfers(draw: st.DrawFn) -> Transfer:
    """One transfer: mostly valid single-phase or pending ones, posts and voids of the
    pending ids, and now and then a malformed one."""
    kind = draw(st.sampled_from(["single"] * 4 + ["pending"] * 2 + ["resolve"] * 2))
    linked = draw(st.integers(0, 4)) == 0
    if kind == "resolve":
        return Transfer(
            id=draw(st.sampled_from(RESOLUTION_IDS)),
            currency=CUR,
            debit="",
            credit="",
            amount=draw(st.sampled_from([0, 0, 0, 1, 50, 10_000])),
            state=draw(st.sampled_from([TransferState.POSTED, TransferState.VOIDED])),
            pending_id=draw(st.sampled_from([*PENDING_IDS, "t0"])),
            linked=linked,
        )
    pending = kind == "pending"
    t = Transfer(
        id=draw(st.sampled_from(PENDING_IDS if pending else SINGLE_IDS)),
        currency=CUR,
        debit=draw(st.sampled_from(PAYERS)),
        credit=draw(st.sampled_from(NAMES)),
        amount=draw(st.integers(1, 600)),
        category=draw(categories),
        state=TransferState.PENDING if pending else TransferState.POSTED,
        timeout_s=draw(st.sampled_from([None, 30, 900, 5_000])) if pending else None,
        linked=linked,
        memo=draw(memos),
    )
    if t.debit == t.credit:
        t = replace(t, credit="ann" if t.debit != "ann" else "bob")
    return _odd(t, draw(st.integers(0, 99))) if draw(st.integers(0, 11)) == 0 else t


batches = st.lists(transfers(), min_size=1, max_size=8)
steps = st.integers(0, 7_200).map(lambda s: timedelta(seconds=s))


def new_book() -> Book:
    book = Book()
    for account in ACCOUNTS:
        book.open(account)
    return book


hours = st.integers(0, 40).map(lambda h: timedelta(hours=h))
histories = st.lists(st.tuples(batches, hours), min_size=1, max_size=10)


def play(history: list[tuple[list[Transfer], timedelta]]) -> tuple[Book, datetime]:
    """A book after a history of batches (expiring what timed out before each)."""
    book, now = new_book(), START
    for batch, step in history:
        now += step
        book.expire(now)
        book.apply(batch, now)
    return book, now


# A holder in a daily flow: its limits, balance, pendings and the flow's leg on it.
HOLDER = st.tuples(
    st.sampled_from([None, 0, -200]),  # floor
    st.sampled_from([None, 500]),  # cap
    st.integers(-300, 600),  # posted
    st.integers(0, 100),  # debits pending
    st.integers(0, 100),  # credits pending
    st.integers(0, 250),  # the leg (0: no leg)
)
