"""A currency's declarative spec, as immutable values.

One ``CurrencySpec`` is one version of a currency's rules, effective from a date; a change
is a new version (``validate.check_successor``), never an edit. Amounts are integers in
the currency's minor units (cents for 2 decimals), rates and fees are integer basis
points (1 bp = 0.01 %), exchange rates and the dividend's growth are exact fractions:
nothing here is a binary float except coordinates. The TOML form (``toml.py``) writes
amounts in major units and rates as percentages; docs/currency.md lists every field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from fractions import Fraction
from typing import ClassVar

BP = 10_000  # basis points in a whole (100 %)


class IssuanceKind(StrEnum):
    """How money comes into existence; a currency has exactly one, for all its versions."""

    FIXED_SUPPLY = "fixed_supply"
    MUTUAL_CREDIT = "mutual_credit"
    UNIVERSAL_DIVIDEND = "universal_dividend"
    EURO_BACKED = "euro_backed"


class Eligible(StrEnum):
    """Who receives the universal dividend."""

    MEMBERS = "members"  # every member of the community
    ACTIVE_MEMBERS = "active_members"  # members with a payment within ``active_days``


@dataclass(frozen=True, slots=True)
class FixedSupply:
    """``total`` units issued once, into ``to`` ("treasury" or a member id)."""

    kind: ClassVar[IssuanceKind] = IssuanceKind.FIXED_SUPPLY
    total: int
    to: str = "treasury"


@dataclass(frozen=True, slots=True)
class CreditLimit:
    """How far below zero an account may go: ``hard`` is refused beyond, ``soft``
    warns beyond. Both are magnitudes (≥ 0); the balance floor is ``-hard``."""

    hard: int
    soft: int

    @property
    def floor(self) -> int:
        return -self.hard

    @property
    def soft_floor(self) -> int:
        return -self.soft


NO_CREDIT = CreditLimit(0, 0)


@dataclass(frozen=True, slots=True)
class MutualCredit:
    """Money is created when a member pays below zero (Sardex, WIR): Σ balances stays 0.
    Limits are defaults per account kind; per-account overrides live with the accounts."""

    kind: ClassVar[IssuanceKind] = IssuanceKind.MUTUAL_CREDIT
    member: CreditLimit
    consumer: CreditLimit = NO_CREDIT

    def limit_for(self, account_kind: str) -> CreditLimit:
        """The default limit of a member or consumer account; system accounts have none."""
        return {"member": self.member, "consumer": self.consumer}.get(account_kind, NO_CREDIT)


@dataclass(frozen=True, slots=True)
class UniversalDividend:
    """Ğ1's libre money: every ``dividend_days`` each eligible member receives the
    dividend, which grows every ``reevaluation_days`` by ``c``² × M/N (``flows.py``)."""

    kind: ClassVar[IssuanceKind] = IssuanceKind.UNIVERSAL_DIVIDEND
    initial: int
    c: Fraction
    reevaluation_days: int
    dividend_days: int = 1
    eligible: Eligible = Eligible.MEMBERS
    active_days: int | None = None  # only with Eligible.ACTIVE_MEMBERS

    @property
    def periods_per_reevaluation(self) -> int:
        return self.reevaluation_days // self.dividend_days


@dataclass(frozen=True, slots=True)
class EuroBacked:
    """Units bought 1:1 with euros, redeemed minus a fee (Chiemgauer: 5 %); the reserve
    must hold ``reserve_ratio_bp`` of what is redeemable."""

    kind: ClassVar[IssuanceKind] = IssuanceKind.EURO_BACKED
    redemption_fee_bp: int
    reserve_ratio_bp: int = BP


Issuance = FixedSupply | MutualCredit | UniversalDividend | EuroBacked


@dataclass(frozen=True, slots=True)
class Demurrage:
    """A charge on held money: ``rate_bp`` per ``period_days`` on the part of a positive
    balance above ``exempt_base``; what an account received within ``grace_days`` is
    exempt too (Chiemgauer digital: no charge in the first 90 days of holding)."""

    rate_bp: int
    period_days: int
    exempt_base: int = 0
    grace_days: int = 0


@dataclass(frozen=True, slots=True)
class Polygon:
    """A zone bounded by ``points`` (longitude, latitude in degrees, WGS 84), not closed:
    the last point joins the first."""

    name: str
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class Circle:
    """A zone within ``radius_m`` metres (great-circle distance) of a centre."""

    name: str
    lon: float
    lat: float
    radius_m: float


Zone = Polygon | Circle


@dataclass(frozen=True, slots=True)
class Perimeter:
    """Where accounts must be: inside at least one of the zones."""

    zones: tuple[Zone, ...]


@dataclass(frozen=True, slots=True)
class ExchangeLink:
    """A door to another currency: one unit of this currency is worth ``rate`` units of
    ``to``; ``daily_cap`` (minor units of this currency) bounds what crosses per day;
    ``fee_bp`` is kept on each crossing."""

    to: str
    rate: Fraction
    daily_cap: int | None = None
    fee_bp: int = 0


@dataclass(frozen=True, slots=True)
class Reputation:
    """EigenTrust settings: the pre-trusted members (by member id, plus the community's
    stewards when ``stewards`` is true), the weight ``alpha`` of pre-trust in each round,
    and the number of power iterations."""

    pre_trusted: tuple[str, ...] = ()
    stewards: bool = True
    alpha: Fraction = Fraction(15, 100)
    iterations: int = 50


@dataclass(frozen=True, slots=True)
class CurrencySpec:
    """One version of a currency's rules."""

    code: str
    name: str
    decimals: int
    version: int
    effective_from: date
    community: str  # the community's slug
    issuance: Issuance
    demurrage: Demurrage | None = None
    perimeter: Perimeter | None = None
    refused_categories: tuple[str, ...] = ()
    exchange: tuple[ExchangeLink, ...] = ()
    reputation: Reputation = field(default_factory=Reputation)

    @property
    def issuance_kind(self) -> IssuanceKind:
        return self.issuance.kind
