"""Books that accounting tools accept: Beancount v3 text, and CSV.

One currency per export. Every account opens (``open`` directive, constrained to the
currency) on its first day; every posted transfer is one transaction with two postings;
a ``balance`` assertion per account closes each period, dated the day after the period
ends because Beancount checks a balance at the start of its day. Postings carry the
ledger's sign (the credited account gains), so every Beancount balance equals the
ledger's: members hold ``Assets``, the issuance account's ``Equity`` is −(issued −
burned). Pending transfers and voids move nothing and are left out; a post appears on
its own day. Account components must start with an upper-case letter or a digit, so
ids are sanitised (and suffixed with a hash of the id when sanitising changed them).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from holoptic.errors import InvalidInput
from holoptic.ledger.accounting import day_of, utc_day
from holoptic.ledger.amounts import format_amount
from holoptic.ledger.model import Account, AccountKind, Transfer

CURRENCY = re.compile(r"[A-Z][A-Z0-9'._-]{0,22}[A-Z0-9]")
COMPONENT = re.compile(r"[A-Z0-9][A-Za-z0-9-]*")
NAMES = {
    AccountKind.MEMBER: "Assets:Members",
    AccountKind.CONSUMER: "Assets:Consumers",
    AccountKind.TREASURY: "Assets:Treasury",
    AccountKind.RESERVE: "Assets:Reserve",
    AccountKind.EXCHANGE: "Assets:Exchange",
    AccountKind.ISSUANCE: "Equity:Issuance",
    AccountKind.DEMURRAGE: "Income:Demurrage",
}
PER_ACCOUNT = {AccountKind.MEMBER, AccountKind.CONSUMER, AccountKind.EXCHANGE}


class ExportError(InvalidInput):
    code = "ledger.export_invalid"


def component(account_id: str) -> str:
    """A valid Beancount account component for an id, unchanged when already valid."""
    if COMPONENT.fullmatch(account_id):
        return account_id
    text = re.sub(r"[^A-Za-z0-9-]", "-", account_id)
    text = text[:1].upper() + text[1:]
    if not text[:1].isalnum():
        text = "X" + text
    return f"{text}-{hashlib.sha256(account_id.encode()).hexdigest()[:8]}"


def account_names(accounts: Iterable[Account]) -> dict[str, str]:
    """Ledger id → Beancount account: ``Assets:Members:<id>``, and a system account by
    its kind alone (``Equity:Issuance``) unless its kind has several accounts."""
    accounts = list(accounts)
    kinds = Counter(a.kind for a in accounts)
    names = {}
    for a in accounts:
        name = NAMES[a.kind]
        if a.kind in PER_ACCOUNT or kinds[a.kind] > 1:
            name = f"{name}:{component(a.id)}"
        names[a.id] = name
    if len(set(names.values())) != len(names):
        raise ExportError("two accounts sanitise to the same Beancount name")
    return names


def to_beancount(
    currency: str,
    decimals: int,
    accounts: Iterable[Account],
    transfers: Iterable[Transfer],
    period_ends: Sequence[date],
) -> str:
    """The Beancount text of one currency's books, with balance assertions closing
    each period in ``period_ends``."""
    if not CURRENCY.fullmatch(currency):
        raise ExportError(f"{currency!r} is not a Beancount currency (A–Z, 2–24 characters)")
    mine = [a for a in accounts if a.currency == currency]
    names = account_names(mine)
    posted = [t for t in transfers if t.currency == currency and t.posted_amount]
    for t in posted:
        if t.debit not in names or t.credit not in names:
            raise ExportError(f"transfer {t.id!r} names an account outside the export")
    opened = _open_days(mine, posted, period_ends)
    first = min(opened.values(), default=date(1970, 1, 1))
    out = [
        f'option "title" "{currency}"',
        f'option "operating_currency" "{currency}"',
        "",
        f"{first} commodity {currency}",
    ]
    out += [f"{opened[a.id]} open {names[a.id]} {currency}" for a in mine]
    ordered = sorted(enumerate(posted), key=lambda p: (day_of(p[1]), p[0]))
    for _, t in ordered:
        out += ["", *_transaction(t, names, currency, decimals)]
    for end in sorted(set(period_ends)):
        out += ["", *_assertions(end, mine, posted, names, opened, currency, decimals)]
    return "\n".join(out) + "\n"


def _open_days(
    accounts: list[Account], posted: list[Transfer], period_ends: Sequence[date]
) -> dict[str, date]:
    """Each account opens on its creation day or its first transfer's, whichever is
    first; an account with neither opens with the earliest of the export."""
    first: dict[str, date] = {}
    for a in accounts:
        if a.created_at is not None:
            first[a.id] = utc_day(a.created_at)
    for t in posted:
        day = day_of(t)
        for account_id in (t.debit, t.credit):
            first[account_id] = min(first.get(account_id, day), day)
    days = [*first.values(), *(e + timedelta(days=1) for e in period_ends)]
    earliest = min(days, default=date(1970, 1, 1))
    return {a.id: first.get(a.id, earliest) for a in accounts}


def _transaction(t: Transfer, names: dict[str, str], currency: str, decimals: int) -> list[str]:
    amount = format_amount(t.posted_amount, decimals)
    lines = [f"{day_of(t)} * {_string(t.memo or t.category or 'transfer')}"]
    lines.append(f"  tx_id: {_string(t.id)}")
    if t.category:
        lines.append(f"  category: {_string(t.category)}")
    if t.pending_id:
        lines.append(f"  pending_id: {_string(t.pending_id)}")
    lines.append(f"  {names[t.debit]}  -{amount} {currency}")
    lines.append(f"  {names[t.credit]}  {amount} {currency}")
    return lines


def _assertions(
    end: date,
    accounts: list[Account],
    posted: list[Transfer],
    names: dict[str, str],
    opened: dict[str, date],
    currency: str,
    decimals: int,
) -> list[str]:
    balances: Counter[str] = Counter()
    for t in posted:
        if day_of(t) <= end:
            balances[t.debit] -= t.posted_amount
            balances[t.credit] += t.posted_amount
    day = end + timedelta(days=1)
    return [
        f"{day} balance {names[a.id]}  {format_amount(balances[a.id], decimals)} {currency}"
        for a in accounts
        if opened[a.id] <= day
    ]


def _string(text: str) -> str:
    """A Beancount string literal: one line, no control characters, quotes and
    backslashes escaped."""
    flat = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    return '"' + flat.replace("\\", "\\\\").replace('"', '\\"') + '"'


CSV_FIELDS = (
    "id",
    "at",
    "state",
    "debit",
    "credit",
    "amount",
    "currency",
    "category",
    "pending_id",
    "memo",
)


def to_csv(currency: str, decimals: int, transfers: Iterable[Transfer]) -> str:
    """Every transfer of ``currency`` (pending and voids included, with their state), one
    row each, amounts in major units; text cells that a spreadsheet would read as a
    formula are prefixed with an apostrophe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for t in transfers:
        if t.currency != currency:
            continue
        at = t.at.isoformat() if t.at else ""
        amount = format_amount(t.amount, decimals)
        cells = [t.id, at, t.state.value, t.debit, t.credit, amount, t.currency]
        cells += [t.category or "", t.pending_id or "", t.memo or ""]
        writer.writerow([_cell(c) for c in cells])
    return buffer.getvalue()


def _cell(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
