"""EigenTrust over settled trades: a Sybil cluster gets what its attack edge carries in,
no more; trust reaches only those a chain of payments from pre-trusted members reaches."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from holoptic.currency.model import Reputation
from holoptic.ledger.model import Transfer, TransferState
from holoptic.ledger.reputation import (
    NotConverged,
    ReputationInvalid,
    Trade,
    reputation,
    trades_from,
)
from holoptic.ledger.trust import resolve_pre_trusted, trust_report
from holoptic.vault.model import Role

HONEST = [f"h{i}" for i in range(30)]
SYBILS = [f"s{i}" for i in range(20)]
PRE_TRUSTED = HONEST[:5]
ALPHA = 0.15


def honest_trades(rng: random.Random) -> list[Trade]:
    trades = []
    for payer in HONEST:
        for payee in rng.sample([h for h in HONEST if h != payer], 6):
            trades += [Trade(payer, payee, rng.randint(100, 5_000))] * rng.randint(1, 4)
    return trades


def sybil_trades() -> list[Trade]:
    """Twenty fake accounts paying each other heavily, fifty times over."""
    return [Trade(a, b, 1_000_000) for a in SYBILS for b in SYBILS if a != b] * 50


@pytest.mark.parametrize("by", ["count", "volume"])
def test_a_sybil_cluster_gets_only_what_its_attack_edge_carries(by: str) -> None:
    attack = Trade("h7", "s0", 500)  # one honest member pays one fake account once
    trades = [*honest_trades(random.Random(3)), attack, *sybil_trades()]
    t = reputation(trades, HONEST + SYBILS, PRE_TRUSTED, alpha=ALPHA, by=by)  # type: ignore[arg-type]
    sybil_total = sum(t[s] for s in SYBILS)
    honest_total = sum(t[h] for h in HONEST)
    # c(h7 → s0): h7's local trust in s0, from h7's own payments
    paid = [x for x in trades if x.payer == "h7"]
    weight = (lambda x: 1) if by == "count" else (lambda x: x.amount)
    share = weight(attack) / sum(weight(x) for x in paid)
    bound = (1 - ALPHA) / ALPHA * t["h7"] * share
    # the bound is reached (within the convergence tolerance), never passed
    assert sybil_total == pytest.approx(bound, abs=1e-8)
    assert sybil_total <= bound + 1e-8
    assert sybil_total < 0.05 * honest_total
    assert max(t[s] for s in SYBILS) < min(t[h] for h in PRE_TRUSTED)
    without = reputation([x for x in trades if x != attack], HONEST + SYBILS, PRE_TRUSTED)
    assert sum(without[s] for s in SYBILS) == 0


def test_without_a_path_from_pre_trusted_members_there_is_no_trust() -> None:
    trades = [Trade("a", "b"), Trade("b", "a"), Trade("c", "d"), Trade("d", "c")] * 3
    trades += [Trade("e", "a")]  # e pays, but nobody pays e
    t = reputation(trades, ["a", "b", "c", "d", "e"], ["a"])
    assert t["c"] == t["d"] == t["e"] == 0
    assert t["a"] + t["b"] == pytest.approx(1)


def test_a_member_who_paid_nobody_trusts_the_pre_trusted() -> None:
    t = reputation([Trade("a", "b")], ["a", "b", "c"], ["a", "c"])
    # b and c pay no one, so their trust returns to a and c; all of a's goes to b
    assert sum(t.values()) == pytest.approx(1)
    assert t["a"] == pytest.approx(t["c"])
    assert t["b"] == pytest.approx((1 - 0.15) * t["a"])


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(2, 12),
    pairs=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11), st.integers(1, 99))),
    pre=st.sets(st.integers(0, 11), min_size=1),
    alpha=st.floats(0.05, 1),
)
def test_reputation_is_a_converged_distribution(
    n: int, pairs: list[tuple[int, int, int]], pre: set[int], alpha: float
) -> None:
    members = [f"m{i}" for i in range(n)]
    trades = [Trade(f"m{i}", f"m{j}", w) for i, j, w in pairs]
    pre_trusted = [f"m{i % n}" for i in pre]
    t = reputation(trades, members, pre_trusted, alpha=alpha, tol=1e-12, max_iter=2_000)
    assert sum(t.values()) == pytest.approx(1, abs=1e-12)
    assert all(v >= 0 for v in t.values())
    # it is the fixed point: t = (1 − a)·Cᵀt + a·p, recomputed here with dense matrices
    index = {m: k for k, m in enumerate(members)}
    s = np.zeros((n, n))
    for trade in trades:
        if trade.payer != trade.payee and trade.payer in index and trade.payee in index:
            s[index[trade.payer], index[trade.payee]] += 1
    p = np.array([1.0 if m in pre_trusted else 0.0 for m in members])
    p /= p.sum()
    rows = s.sum(axis=1, keepdims=True)
    c = np.where(rows > 0, s / np.where(rows > 0, rows, 1), p)
    vector = np.array([t[m] for m in members])
    assert np.abs((1 - alpha) * c.T @ vector + alpha * p - vector).sum() < 1e-9


def test_a_run_that_does_not_converge_says_so() -> None:
    trades = honest_trades(random.Random(1))
    with pytest.raises(NotConverged):
        reputation(trades, HONEST, PRE_TRUSTED, alpha=0.01, tol=1e-15, max_iter=5)


@pytest.mark.parametrize(
    ("pre_trusted", "alpha"), [([], 0.15), (["stranger"], 0.15), (["h0"], 0), (["h0"], 1.5)]
)
def test_a_misconfigured_run_is_refused(pre_trusted: list[str], alpha: float) -> None:
    with pytest.raises(ReputationInvalid):
        reputation([], HONEST, pre_trusted, alpha=alpha)


def test_trades_are_the_settled_payments_between_members() -> None:
    owners = {"acc-a": "a", "acc-b": "b"}
    transfers = [
        Transfer("1", "LOC", "acc-a", "acc-b", 5),
        Transfer("2", "LOC", "acc-a", "acc-b", 7, state=TransferState.PENDING),
        Transfer("3", "LOC", "issuance", "acc-b", 9),
        Transfer("4", "LOC", "acc-b", "acc-a", 3, state=TransferState.POSTED, pending_id="x"),
    ]
    assert Counter(trades_from(transfers, owners)) == Counter(
        [Trade("a", "b", 5), Trade("b", "a", 3)]
    )


def test_a_fixed_number_of_iterations_stops_there_within_the_bound() -> None:
    trades = honest_trades(random.Random(5))
    converged = reputation(trades, HONEST, PRE_TRUSTED, tol=1e-14, max_iter=2_000)
    for k in (1, 10, 50):
        t = reputation(trades, HONEST, PRE_TRUSTED, tol=None, max_iter=k)
        assert sum(t.values()) == pytest.approx(1)
        error = sum(abs(t[m] - converged[m]) for m in HONEST)
        assert error <= 2 * (1 - ALPHA) ** k
    one = reputation(trades, HONEST, PRE_TRUSTED, tol=None, max_iter=1)
    assert one != reputation(trades, HONEST, PRE_TRUSTED, tol=None, max_iter=2)


ROLES = {"ann": Role.STEWARD, "bob": Role.MEMBER, "cat": Role.MEMBER, "dan": Role.STEWARD}


@pytest.mark.parametrize(
    ("named", "stewards", "members", "unknown"),
    [
        ((), True, {"ann", "dan"}, ()),
        (("bob",), True, {"ann", "bob", "dan"}, ()),
        (("bob",), False, {"bob"}, ()),
        (("ann", "gone"), False, {"ann"}, ("gone",)),
        (("gone",), False, set(), ("gone",)),
    ],
)
def test_pre_trust_is_the_named_members_plus_the_stewards_when_asked(
    named: tuple[str, ...], stewards: bool, members: set[str], unknown: tuple[str, ...]
) -> None:
    found = resolve_pre_trusted(Reputation(pre_trusted=named, stewards=stewards), ROLES)
    assert found.members == members and found.unknown == unknown


def test_the_report_ranks_members_and_refuses_an_empty_pre_trust() -> None:
    settings_ = Reputation(pre_trusted=("bob",), stewards=False, iterations=100)
    trades = [Trade("bob", "ann"), Trade("bob", "cat"), Trade("ann", "bob"), Trade("cat", "bob")]
    report = trust_report("VAL", settings_, ROLES, trades)
    ranks = {s.member: (s.rank, s.pre_trusted) for s in report.standings}
    # ann and cat are symmetric, so they share rank 2; dan, whom nobody pays, is last
    assert ranks == {"bob": (1, True), "ann": (2, False), "cat": (2, False), "dan": (4, False)}
    assert report.of("dan") is not None and report.of("dan").score == 0  # type: ignore[union-attr]
    assert report.of("stranger") is None
    with pytest.raises(ReputationInvalid, match="no pre-trusted member"):
        trust_report("VAL", Reputation(stewards=False), ROLES, trades)
    with pytest.raises(ReputationInvalid):
        trust_report("VAL", Reputation(), {"bob": Role.MEMBER}, trades)  # no steward at all
