"""Demurrage and dividends: exact integers, documented rounding, no surprises."""

from __future__ import annotations

import random
from datetime import date, timedelta
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from holoptic.currency.flows import (
    demurrage_batch,
    demurrage_due,
    dividend_amount,
    dividend_on,
    fee_of,
    is_dividend_day,
    is_eligible,
    is_reevaluation_day,
    required_reserve,
)
from holoptic.currency.model import Demurrage, Eligible, UniversalDividend
from tests.currency.strategies import demurrages

VILLAGE = Demurrage(rate_bp=50, period_days=30, exempt_base=5_000, grace_days=30)
balances = st.integers(-(10**12), 10**12)
days = st.integers(0, 2_000)


def test_village_demurrage_by_hand() -> None:
    # 150.00 held a whole month: 0.5 % of the 100.00 above the 50.00 exempt base.
    assert demurrage_due(15_000, VILLAGE, 30) == 50
    # Daily: 100.00 × 0.5 % / 30 = 0.0166… → rounded down to 0.01.
    assert demurrage_due(15_000, VILLAGE, 1) == 1
    # 60.00 received within the grace period is not charged yet: 0.5 % of 40.00.
    assert demurrage_due(15_000, VILLAGE, 30, received_within_grace=6_000) == 20
    assert demurrage_due(4_000, VILLAGE, 30) == 0  # under the exempt base
    assert demurrage_due(-8_000, VILLAGE, 30) == 0  # a debt pays no demurrage
    no_grace = Demurrage(rate_bp=50, period_days=30, exempt_base=5_000)
    assert demurrage_due(15_000, no_grace, 30, received_within_grace=6_000) == 50


@given(balances, demurrages(), days, st.integers(-(10**12), 10**12))
def test_demurrage_never_takes_below_the_exempt_base_nor_below_zero(
    balance: int, demurrage: Demurrage, held: int, recent: int
) -> None:
    due = demurrage_due(balance, demurrage, held, received_within_grace=recent)
    assert due >= 0
    if balance <= 0:
        assert due == 0
    else:
        assert balance - due >= min(balance, demurrage.exempt_base) >= 0


@given(st.integers(0, 10**12), demurrages(), st.integers(1, 400))
def test_demurrage_grows_with_the_balance_and_the_time_held(
    balance: int, demurrage: Demurrage, held: int
) -> None:
    due = demurrage_due(balance, demurrage, held)
    assert demurrage_due(balance + 1, demurrage, held) >= due
    assert demurrage_due(balance, demurrage, held + 1) >= due
    taxable = max(balance - demurrage.exempt_base, 0)
    exact = Fraction(taxable * demurrage.rate_bp * held, 10_000 * demurrage.period_days)
    assert due == min(int(exact), taxable)  # rounded down, capped at what is taxable


@settings(deadline=None)
@given(
    st.lists(st.tuples(balances, st.integers(0, 10**9)), max_size=200),
    demurrages(),
    st.integers(1, 60),
)
def test_batch_total_is_the_sum_of_the_accounts_and_order_does_not_matter(
    rows: list[tuple[int, int]], demurrage: Demurrage, held: int
) -> None:
    holdings = [(f"acct-{i}", balance, recent) for i, (balance, recent) in enumerate(rows)]
    batch = demurrage_batch(holdings, demurrage, held)
    assert batch.total == sum(amount for _, amount in batch.charges)
    expected = {
        account: demurrage_due(balance, demurrage, held, received_within_grace=recent)
        for account, balance, recent in holdings
    }
    assert dict(batch.charges) == {a: due for a, due in expected.items() if due}
    shuffled = holdings[:]
    random.Random(len(rows)).shuffle(shuffled)
    again = demurrage_batch(shuffled, demurrage, held)
    assert dict(again.charges) == dict(batch.charges) and again.total == batch.total
    assert demurrage_batch(holdings, demurrage, held) == batch  # deterministic


def test_dividend_follows_duniters_code() -> None:
    c = Fraction("0.0488")
    # ⌈1000 + 0.0488² × 10,000,000 / 100 / 183⌉ = ⌈1001.301…⌉
    assert dividend_amount(1_000, c, 10_000_000, 100, periods_per_reevaluation=183) == 1_002
    assert (
        dividend_amount(1_000, c, 10_000_000, 100, periods_per_reevaluation=183, reevaluate=False)
        == 1_000
    )
    assert dividend_amount(1_000, c, 10_000_000, 0, periods_per_reevaluation=183) == 1_000


def test_dividend_converges_towards_c_like_g1() -> None:
    """With N constant, UD × periods / (M/N) falls towards c from above, slowly
    (the research note measured 0.052 after 20 years for Ğ1's parameters)."""
    c, members, ud, mass = Fraction("0.0488"), 59, 1_000, 0
    ratios = []
    for _ in range(40):  # 20 years of half-years
        mass += ud * members * 183
        ud = dividend_amount(ud, c, mass, members, periods_per_reevaluation=183)
        ratios.append(ud * 183 / (mass / members))
    assert ratios == sorted(ratios, reverse=True)
    assert 0.0488 < ratios[-1] < 0.055
    assert 0.12 < ratios[7] < 0.14  # after 4 years


@given(
    st.integers(1, 10**9),
    st.builds(Fraction, st.integers(1, 999), st.just(1000)),
    st.integers(0, 10**15),
    st.integers(0, 10**6),
    st.integers(1, 400),
)
def test_dividend_never_falls(ud: int, c: Fraction, mass: int, members: int, periods: int) -> None:
    assert dividend_amount(ud, c, mass, members, periods_per_reevaluation=periods) >= ud


def test_dividend_schedule() -> None:
    weekly = UniversalDividend(
        initial=500, c=Fraction("0.0488"), reevaluation_days=182, dividend_days=7
    )
    start = date(2026, 1, 1)
    assert dividend_on(weekly, start, start, None, 0, 10) == 500
    assert dividend_on(weekly, start - timedelta(days=7), start, None, 0, 10) == 0
    assert dividend_on(weekly, start + timedelta(days=3), start, 500, 10_000, 10) == 0
    assert dividend_on(weekly, start + timedelta(days=7), start, 500, 10**7, 10) == 500
    reevaluation = start + timedelta(days=182)
    assert is_dividend_day(weekly, reevaluation, start)
    assert is_reevaluation_day(weekly, reevaluation, start)
    assert not is_reevaluation_day(weekly, start, start)
    expected = dividend_amount(500, weekly.c, 10**7, 10, periods_per_reevaluation=26)
    assert dividend_on(weekly, reevaluation, start, 500, 10**7, 10) == expected > 500


def test_eligibility() -> None:
    everyone = UniversalDividend(1, Fraction(1, 10), 1)
    active = UniversalDividend(
        1, Fraction(1, 10), 1, eligible=Eligible.ACTIVE_MEMBERS, active_days=30
    )
    assert is_eligible(everyone, member=True, days_since_active=None)
    assert not is_eligible(everyone, member=False, days_since_active=0)
    assert is_eligible(active, member=True, days_since_active=29)
    assert not is_eligible(active, member=True, days_since_active=30)
    assert not is_eligible(active, member=True, days_since_active=None)


@given(st.integers(0, 10**15), st.integers(0, 9_999))
def test_fees_and_reserves_round_as_documented(amount: int, bp: int) -> None:
    fee = fee_of(amount, bp)
    assert 0 <= fee <= amount and fee == amount * bp // 10_000
    reserve = required_reserve(amount, bp + 1)
    assert reserve * 10_000 >= amount * (bp + 1) > (reserve - 1) * 10_000
