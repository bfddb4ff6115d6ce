"""A currency's reputation table: EigenTrust (``reputation.py``) with the spec's settings.

The spec's ``[reputation]`` names pre-trusted members by id and, with ``stewards = true``,
adds the community's stewards, so a new steward is trusted without a new spec version.
Pre-trust spreads over their union. Ids that are not (or no longer) members of the
currency's community are left out and reported, so a member who leaves cannot keep a
source of trust; with nobody left to pre-trust there is no reputation, and that is an
error that says why. The spec's ``iterations`` is the exact number of power iterations.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from holoptic.currency.model import Reputation
from holoptic.ledger.reputation import ReputationInvalid, Trade, reputation
from holoptic.vault.model import Role


@dataclass(frozen=True, slots=True)
class PreTrust:
    """Who is pre-trusted, and the spec's ids that were left out (not members)."""

    members: frozenset[str]
    unknown: tuple[str, ...]


def resolve_pre_trusted(settings: Reputation, roles: Mapping[str, Role]) -> PreTrust:
    """The spec's ids that are community members, plus the stewards if it says so.
    ``roles`` maps each member of the currency's community to their role."""
    named = [m for m in settings.pre_trusted if m in roles]
    unknown = tuple(m for m in settings.pre_trusted if m not in roles)
    stewards = [m for m, role in roles.items() if role is Role.STEWARD] if settings.stewards else []
    return PreTrust(frozenset(named) | frozenset(stewards), unknown)


@dataclass(frozen=True, slots=True)
class Standing:
    member: str
    score: float  # the member's share of all trust; the scores sum to 1
    rank: int  # 1 for the most trusted; equal scores share a rank
    pre_trusted: bool


@dataclass(frozen=True, slots=True)
class TrustReport:
    currency: str
    standings: tuple[Standing, ...]  # best first, then by member id
    pre_trust: PreTrust
    alpha: float
    iterations: int

    def of(self, member_id: str) -> Standing | None:
        return next((s for s in self.standings if s.member == member_id), None)


def trust_report(
    currency: str, settings: Reputation, roles: Mapping[str, Role], trades: Iterable[Trade]
) -> TrustReport:
    """Every community member's EigenTrust score and rank under the spec's settings."""
    pre = resolve_pre_trusted(settings, roles)
    if not pre.members:
        raise ReputationInvalid(
            f"{currency} has no pre-trusted member: name members in [reputation] pre_trusted "
            "or set stewards = true in a community with stewards",
            currency=currency,
        )
    alpha = float(settings.alpha)
    members = sorted(roles)
    scores = reputation(
        trades, members, sorted(pre.members), alpha=alpha, tol=None, max_iter=settings.iterations
    )
    return TrustReport(currency, _ranked(scores, pre.members), pre, alpha, settings.iterations)


def _ranked(scores: Mapping[str, float], pre_trusted: frozenset[str]) -> tuple[Standing, ...]:
    """Competition ranking (1, 2, 2, 4) on scores rounded to 12 digits, so members whose
    scores differ only by floating-point noise share a rank."""
    rounded = {m: round(v, 12) for m, v in scores.items()}
    order = sorted(scores, key=lambda m: (-rounded[m], m))
    standings, rank = [], 0
    for position, member in enumerate(order, start=1):
        if position == 1 or rounded[member] != rounded[order[position - 2]]:
            rank = position
        standings.append(Standing(member, scores[member], rank, member in pre_trusted))
    return tuple(standings)
