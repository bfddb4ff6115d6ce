"""Reputation: EigenTrust (Kamvar, Schlosser and Garcia-Molina, WWW 2003) over settled trades.

Local trust: a member who pays another for goods or services and lets the payment settle
vouches for them, so ``s_ij`` is the number of settled payments from i to j (or their
volume, with ``by="volume"``); self-payments are ignored. Each row is normalised,
``c_ij = s_ij / Σ_k s_ik``, and a member who paid nobody trusts the pre-trusted members
(``c_i = p``). Global trust is the fixed point of

    t = (1 − a)·Cᵀt + a·p

where ``p`` spreads over the community's pre-trusted members. Every iteration keeps
Σt = 1. Reputation only enters through ``p`` and flows along payments, so a member no
chain of payments from a pre-trusted member reaches gets none, and a cluster of fake
accounts paying each other receives only what its attack edges carry in: with one edge
h → s and no pre-trusted member inside, its total at the fixed point is exactly
(1 − a)/a · t_h · c_hs (docs/ledger.md derives it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Literal, NamedTuple

import numpy as np
from numpy.typing import NDArray

from holoptic.errors import HolopticError, InvalidInput
from holoptic.ledger.model import Transfer


class ReputationInvalid(InvalidInput):
    code = "ledger.reputation_invalid"


class NotConverged(HolopticError):
    code = "ledger.reputation_not_converged"
    status = 500


class Trade(NamedTuple):
    payer: str  # member ids
    payee: str
    amount: int = 1


def trades_from(transfers: Iterable[Transfer], owners: Mapping[str, str]) -> list[Trade]:
    """The settled payments between members: posted transfers whose two accounts have
    owners (``owners`` maps member account ids to member ids)."""
    return [
        Trade(owners[t.debit], owners[t.credit], t.posted_amount)
        for t in transfers
        if t.posted_amount and t.debit in owners and t.credit in owners
    ]


def reputation(
    edges: Iterable[Trade],
    members: Sequence[str],
    pre_trusted: Collection[str],
    alpha: float = 0.15,
    tol: float | None = 1e-9,
    max_iter: int = 200,
    by: Literal["count", "volume"] = "count",
) -> dict[str, float]:
    """Each member's global trust; the values sum to 1. With ``tol=None`` it runs exactly
    ``max_iter`` power iterations, as a currency's spec asks: from ``t = p`` the L1
    distance to the fixed point is then at most 2·(1 − a)^max_iter."""
    index = {m: i for i, m in enumerate(dict.fromkeys(members))}
    p = _pre_trust(index, pre_trusted, alpha)
    sources, targets, weights, dangling = _local_trust(edges, index, by)
    t = p.copy()
    for _ in range(max_iter):
        flow = np.bincount(targets, weights=weights * t[sources], minlength=len(index))
        following = (1 - alpha) * (flow + t[dangling].sum() * p) + alpha * p
        delta = float(np.abs(following - t).sum())
        t = following
        if tol is not None and delta < tol:
            return _normalised(index, t)
    if tol is None:
        return _normalised(index, t)
    raise NotConverged(f"EigenTrust did not converge in {max_iter} iterations", alpha=alpha)


def _normalised(index: Mapping[str, int], t: NDArray[np.float64]) -> dict[str, float]:
    return {m: float(v) for m, v in zip(index, t / t.sum(), strict=True)}


def _pre_trust(
    index: Mapping[str, int], pre_trusted: Collection[str], alpha: float
) -> NDArray[np.float64]:
    if not 0 < alpha <= 1:
        raise ReputationInvalid(f"alpha must be in (0, 1], not {alpha}")
    chosen = sorted({index[m] for m in pre_trusted if m in index})
    if not chosen or len(chosen) != len(set(pre_trusted)):
        raise ReputationInvalid("pre-trusted members must be a non-empty set of members")
    p = np.zeros(len(index))
    p[chosen] = 1 / len(chosen)
    return p


def _local_trust(
    edges: Iterable[Trade], index: Mapping[str, int], by: str
) -> tuple[
    NDArray[np.intp],
    NDArray[np.intp],
    NDArray[np.float64],
    NDArray[np.intp],
]:
    """The normalised local trust as sparse rows (i, j, c_ij), and the members who paid
    nobody (their trust goes to the pre-trusted)."""
    s: Counter[tuple[int, int]] = Counter()
    for payer, payee, amount in edges:
        if payer != payee and payer in index and payee in index and amount > 0:
            s[index[payer], index[payee]] += amount if by == "volume" else 1
    pairs = sorted(s)
    sources = np.array([i for i, _ in pairs], dtype=np.intp)
    targets = np.array([j for _, j in pairs], dtype=np.intp)
    raw = np.array([s[pair] for pair in pairs], dtype=np.float64)
    totals = np.bincount(sources, weights=raw, minlength=len(index))
    weights = raw / totals[sources] if len(pairs) else raw
    dangling = np.flatnonzero(totals == 0).astype(np.intp)
    return sources, targets, weights, dangling
