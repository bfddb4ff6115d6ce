"""Reading ``[issuance.<kind>]``: exactly one kind, each with its own keys."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from holoptic.currency import _reader as read
from holoptic.currency._reader import Reader, Table
from holoptic.currency.model import (
    BP,
    NO_CREDIT,
    CreditLimit,
    Eligible,
    EuroBacked,
    FixedSupply,
    Issuance,
    IssuanceKind,
    MutualCredit,
    UniversalDividend,
)
from holoptic.currency.validate import check_issuance

KINDS = tuple(kind.value for kind in IssuanceKind)
_DIVIDEND_KEYS = (
    "initial", "c", "reevaluation_days", "dividend_days", "eligible", "active_days"
)  # fmt: skip


def read_issuance(r: Reader, data: Table) -> Issuance | None:
    table = r.table(data, "issuance", "issuance", required=True)
    if table is None:
        return None
    r.only(table, "issuance", KINDS)
    given = [key for key in table if key in KINDS]
    if len(given) != 1:
        choice = " and ".join(given) if given else "none"
        r.add("issuance", f"needs exactly one of {', '.join(KINDS)} (found: {choice})")
        return None
    kind = given[0]
    at = f"issuance.{kind}"
    body = r.table(table, kind, at, required=True)
    if body is None:
        return None
    mark = r.mark()
    issuance = _ISSUANCE[kind](r, body, at)
    if not r.clean_since(mark):
        return None
    r.check(check_issuance(issuance))
    return issuance


def _fixed_supply(r: Reader, body: Table, at: str) -> Issuance:
    r.only(body, at, ("total", "to"))
    total = r.get(body, "total", at, r.amount)
    to = r.get(body, "to", at, read.text, "treasury")
    return FixedSupply(total or 0, to or "")


def _mutual_credit(r: Reader, body: Table, at: str) -> Issuance:
    r.only(body, at, ("member", "consumer"))
    limits = []
    for kind in ("member", "consumer"):
        table = r.table(body, kind, f"{at}.{kind}", required=kind == "member")
        if table is None:
            limits.append(NO_CREDIT)
            continue
        r.only(table, f"{at}.{kind}", ("hard", "soft"))
        hard = r.get(table, "hard", f"{at}.{kind}", r.amount)
        soft = r.get(table, "soft", f"{at}.{kind}", r.amount)
        limits.append(CreditLimit(hard or 0, soft or 0))
    return MutualCredit(*limits)


def _universal_dividend(r: Reader, body: Table, at: str) -> Issuance:
    r.only(body, at, _DIVIDEND_KEYS)
    eligible = r.get(body, "eligible", at, _eligible, Eligible.MEMBERS)
    return UniversalDividend(
        initial=r.get(body, "initial", at, r.amount) or 0,
        c=r.get(body, "c", at, read.fraction) or Fraction(0),
        reevaluation_days=r.get(body, "reevaluation_days", at, read.integer) or 0,
        dividend_days=r.get(body, "dividend_days", at, read.integer, 1) or 0,
        eligible=eligible or Eligible.MEMBERS,
        active_days=r.get(body, "active_days", at, read.integer, None),
    )


def _eligible(value: Any) -> Eligible:
    try:
        return Eligible(read.text(value))
    except ValueError:
        raise read.Bad(f"must be one of {', '.join(Eligible)}") from None


def _euro_backed(r: Reader, body: Table, at: str) -> Issuance:
    r.only(body, at, ("redemption_fee", "reserve_ratio"))
    fee = r.get(body, "redemption_fee", at, read.percent)
    ratio = r.get(body, "reserve_ratio", at, read.percent, BP)
    return EuroBacked(fee or 0, ratio or 0)


_ISSUANCE = {
    "fixed_supply": _fixed_supply,
    "mutual_credit": _mutual_credit,
    "universal_dividend": _universal_dividend,
    "euro_backed": _euro_backed,
}
