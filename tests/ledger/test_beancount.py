"""Exports that Beancount accepts: bean-check passes on random workloads, and its balances
are the ledger's (a balance assertion closes every period)."""

from __future__ import annotations

import csv
import io
import random
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from hypothesis import given, settings
from hypothesis import strategies as st

from holoptic.ledger.beancount import ExportError, account_names, component, to_beancount, to_csv
from holoptic.ledger.model import Account, AccountKind, Transfer, TransferState
from tests.ledger.workload import ACCOUNTS, CUR, START, histories, new_book, play

BEAN_CHECK = Path(sys.executable).parent / "bean-check"


def load(text: str) -> list[data.Directive]:
    entries, errors, _ = loader.load_string(text)
    assert errors == [], [getattr(e, "message", e) for e in errors]
    return list(entries)


@settings(max_examples=40, deadline=None)
@given(
    history=histories,
    cuts=st.lists(st.integers(0, 16), max_size=3),
    decimals=st.sampled_from([0, 2, 3]),
)
def test_bean_check_accepts_random_workloads(
    history: list[tuple[list[Transfer], timedelta]], cuts: list[int], decimals: int
) -> None:
    book, now = play(history)
    ends = [START.date() + timedelta(days=c) for c in cuts] + [now.date()]
    text = to_beancount(CUR, decimals, ACCOUNTS, book.state().transfers, ends)
    entries = load(text)
    moved = [t for t in book.state().transfers if t.currency == CUR and t.posted_amount]
    assert len([e for e in entries if isinstance(e, data.Transaction)]) == len(moved)
    final = {
        e.account: e.amount.number
        for e in entries
        if isinstance(e, data.Balance) and e.date == now.date() + timedelta(days=1)
    }
    names = account_names(a for a in ACCOUNTS if a.currency == CUR)
    scale = 10**decimals
    assert {a: int(n * scale) for a, n in final.items()} == {
        names[a]: book.balance(a) for a in names
    }


@settings(max_examples=8, deadline=None)
@given(history=histories)
def test_the_bean_check_script_accepts_random_workloads(
    history: list[tuple[list[Transfer], timedelta]],
) -> None:
    book, now = play(history)
    ends = [START.date() + timedelta(days=1), now.date()]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "books.beancount"
        path.write_text(to_beancount(CUR, 2, ACCOUNTS, book.state().transfers, ends))
        done = subprocess.run([BEAN_CHECK, path], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


@settings(max_examples=60, deadline=None)
@given(
    ids=st.lists(st.text(min_size=1, max_size=12), min_size=2, max_size=6, unique=True),
    memo=st.text(max_size=30),
)
def test_any_account_id_and_memo_make_valid_beancount(ids: list[str], memo: str) -> None:
    accounts = [Account(i, CUR, AccountKind.MEMBER, i, lower=None) for i in ids]
    pays = [
        Transfer(
            f"x{n}", CUR, ids[n], ids[n + 1], n + 1, memo=memo, category=memo or None, at=START
        )
        for n in range(len(ids) - 1)
    ]
    load(to_beancount(CUR, 2, accounts, pays, [START.date()]))


def test_the_export_names_accounts_and_closes_periods_on_the_next_day() -> None:
    book = new_book()
    book.apply([Transfer("i1", CUR, "issuance", "ann", 1250, memo='say "hi"')], START)
    book.apply(
        [Transfer("d1", CUR, "ann", "sink", 25, category="demurrage")], START + timedelta(days=1)
    )
    book.apply([Transfer("h", CUR, "ann", "bob", 5, state=TransferState.PENDING)], START)
    text = to_beancount(CUR, 2, ACCOUNTS, book.state().transfers, [START.date()])
    assert f"{START.date()} open Assets:Members:ann-" not in text  # "ann" must be sanitised
    assert component("ann").startswith("Ann-") and component("U01ab") == "U01ab"
    assert f"{START.date()} open Equity:Issuance LOC" in text
    assert f"{date(2025, 3, 2)} open Income:Demurrage LOC" in text  # its first transfer's day
    assert '"say \\"hi\\""' in text
    assert f"{date(2025, 3, 2)} balance Equity:Issuance  -12.50 LOC" in text
    assert f"{date(2025, 3, 2)} balance Income:Demurrage  0.00 LOC" in text
    assert 'tx_id: "h"' not in text  # a pending moves nothing
    load(text)


def test_bean_check_passes_and_catches_a_wrong_assertion(tmp_path: Path) -> None:
    history = _fixed_history(random.Random(7))
    book, _ = play(history)
    ends = [START.date() + timedelta(days=n) for n in range(0, 10, 2)]
    path = tmp_path / "books.beancount"
    path.write_text(to_beancount(CUR, 2, ACCOUNTS, book.state().transfers, ends))
    ok = subprocess.run([BEAN_CHECK, path], capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    text = path.read_text()
    asserted = {ln.split()[0] for ln in text.splitlines() if " balance " in ln}
    assert asserted == {str(end + timedelta(days=1)) for end in ends}
    line = next(ln for ln in text.splitlines() if " balance Equity:Issuance" in ln)
    amount = line.split()[-2]
    path.write_text(text.replace(line, line.replace(amount, f"{float(amount) + 1:.2f}")))
    broken = subprocess.run([BEAN_CHECK, path], capture_output=True, text=True, check=False)
    assert broken.returncode != 0 and "Balance failed" in broken.stdout + broken.stderr


def _fixed_history(rng: random.Random) -> list[tuple[list[Transfer], timedelta]]:
    names = [a.id for a in ACCOUNTS if a.currency == CUR]
    history = []
    for n in range(60):
        batch = [Transfer(f"f{n}", CUR, "issuance", rng.choice(names[3:]), rng.randint(1, 900))]
        for k in range(4):
            debit, credit = rng.sample(names[2:], 2)
            batch.append(Transfer(f"g{n}-{k}", CUR, debit, credit, rng.randint(1, 300)))
        history.append((batch, timedelta(hours=4)))
    return history


def test_a_currency_beancount_cannot_read_is_refused() -> None:
    for code in ("loc", "L", "Ğ1", "1LOC", "LOC_"):
        with pytest.raises(ExportError):
            to_beancount(code, 2, [], [], [])


def test_the_csv_lists_every_transfer_and_defuses_formulas() -> None:
    book = new_book()
    book.apply([Transfer("i1", CUR, "issuance", "ann", 1250, memo="=HYPERLINK(1)")], START)
    book.apply([Transfer("h", CUR, "ann", "bob", 5, state=TransferState.PENDING)], START)
    rows = list(csv.DictReader(io.StringIO(to_csv(CUR, 2, book.state().transfers))))
    assert [(r["id"], r["state"], r["amount"]) for r in rows] == [
        ("i1", "posted", "12.50"),
        ("h", "pending", "0.05"),
    ]
    assert rows[0]["memo"] == "'=HYPERLINK(1)"
