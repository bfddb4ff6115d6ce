"""The periodic flows a spec implies, as pure integer arithmetic in minor units.

Same inputs, same outputs, on every machine: no floats, every division says which way
it rounds. Demurrage rounds *down* per account (nobody pays a fraction of a cent they
do not owe) and the sink receives exactly the sum of what accounts lost. The dividend
rounds *up*, as Ğ1 does. The ledger posts what these functions compute; it never
recomputes them differently.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from holoptic.currency.model import BP, Demurrage, Eligible, UniversalDividend


def demurrage_due(
    balance: int,
    demurrage: Demurrage,
    days_held_since_last: int,
    *,
    received_within_grace: int = 0,
) -> int:
    """What one account owes for ``days_held_since_last`` days (since its last charge).

    ``taxable = balance − exempt_base − received_within_grace`` (the last term only when
    the spec has a grace period: what the account received in its last ``grace_days``
    days is not charged yet), and
    ``due = ⌊taxable × rate_bp × days / (10 000 × period_days)⌋``, at most ``taxable``.
    The rate is simple (linear) within a period: charged daily it compounds very
    slightly, which the community sees in the simulation. Never negative, never more
    than the balance: a balance at or below zero pays nothing.
    """
    if balance <= 0 or days_held_since_last <= 0:
        return 0
    recent = max(received_within_grace, 0) if demurrage.grace_days > 0 else 0
    taxable = balance - max(demurrage.exempt_base, 0) - recent
    if taxable <= 0:
        return 0
    due = taxable * demurrage.rate_bp * days_held_since_last // (BP * demurrage.period_days)
    return max(0, min(due, taxable))


@dataclass(frozen=True, slots=True)
class DemurrageBatch:
    """The charges of one run: ``(account, amount)`` for every account that pays
    something, in input order, and their ``total``, which the sink receives in one leg."""

    charges: tuple[tuple[str, int], ...]
    total: int


def demurrage_batch(
    holdings: Iterable[tuple[str, int, int]], demurrage: Demurrage, days_held_since_last: int
) -> DemurrageBatch:
    """Demurrage for many accounts at once: ``holdings`` are ``(account, balance,
    received_within_grace)``. Σ charges = total by construction (rounding is per
    account, never on the total)."""
    charges = []
    for account, balance, recent in holdings:
        due = demurrage_due(balance, demurrage, days_held_since_last, received_within_grace=recent)
        if due:
            charges.append((account, due))
    return DemurrageBatch(tuple(charges), sum(amount for _, amount in charges))


def dividend_amount(
    previous_ud: int,
    c: Fraction,
    money_mass: int,
    members: int,
    *,
    periods_per_reevaluation: int,
    reevaluate: bool = True,
) -> int:
    """Ğ1's universal dividend for the next period, in minor units.

    Between reevaluations the dividend stays ``previous_ud``. At a reevaluation:
    ``UD(t+1) = ⌈UD(t) + c² × M(t) / N(t) / (dtReeval / dt)⌉`` with ``M(t)`` the money
    mass at the reevaluation and ``N(t)`` the members counted for it. The Duniter
    protocol text states ``UD(t) + c² × M/N`` (Protocol.md, rule BR_G13); the running
    code (duniter app/lib/indexer.ts, ``prepareDividend``) and Ğ1's licence also divide
    by the number of dividend periods per reevaluation (182.625 daily UDs per
    half-year), without which the dividend would jump 180-fold each reevaluation. We
    follow the code. With no member (or no money yet) the dividend does not change.
    """
    if not reevaluate or members <= 0 or money_mass <= 0:
        return previous_ud
    growth = c * c * money_mass / (members * periods_per_reevaluation)
    return math.ceil(previous_ud + growth)  # exact: Fraction.__ceil__


def dividend_on(
    dividend: UniversalDividend,
    day: date,
    start: date,
    previous_ud: int | None,
    money_mass: int,
    members: int,
) -> int:
    """What each eligible member receives on ``day`` (0 on days without a dividend).

    Dividend days are ``start`` and every ``dividend_days`` after it; the first pays
    ``initial``; every ``reevaluation_days`` after ``start`` the amount is reevaluated
    (``dividend_amount``); other dividend days repeat ``previous_ud``.
    """
    if not is_dividend_day(dividend, day, start):
        return 0
    if previous_ud is None or day == start:
        return dividend.initial
    return dividend_amount(
        previous_ud,
        dividend.c,
        money_mass,
        members,
        periods_per_reevaluation=dividend.periods_per_reevaluation,
        reevaluate=is_reevaluation_day(dividend, day, start),
    )


def is_dividend_day(dividend: UniversalDividend, day: date, start: date) -> bool:
    elapsed = (day - start).days
    return elapsed >= 0 and elapsed % dividend.dividend_days == 0


def is_reevaluation_day(dividend: UniversalDividend, day: date, start: date) -> bool:
    elapsed = (day - start).days
    return elapsed > 0 and elapsed % dividend.reevaluation_days == 0


def is_eligible(
    dividend: UniversalDividend, *, member: bool, days_since_active: int | None
) -> bool:
    """Members receive it; with ``active_members``, only those whose last payment is
    fewer than ``active_days`` days old (0 = paid today)."""
    if not member:
        return False
    if dividend.eligible is Eligible.MEMBERS:
        return True
    limit = dividend.active_days or 0
    return days_since_active is not None and 0 <= days_since_active < limit


def fee_of(amount: int, fee_bp: int) -> int:
    """A fee on ``amount``, rounded down (the payer keeps the fraction): ``fee + rest``
    is always exactly ``amount``."""
    return max(amount, 0) * fee_bp // BP


def required_reserve(redeemable: int, reserve_ratio_bp: int) -> int:
    """The reserve that covers ``redeemable`` at the spec's ratio, rounded up (the
    reserve never falls short by a fraction)."""
    return -(-max(redeemable, 0) * reserve_ratio_bp // BP)
