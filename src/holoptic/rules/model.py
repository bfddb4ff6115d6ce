"""A member's usage rules, the requests the gate asks them about, and the decisions.

Rules are permissions or prohibitions (ODRL's vocabulary, DPV's IRIs); an empty
constraint set means "any". Prohibition wins; without a permission the answer is no.
Everything here is immutable and plain, so the engine is a pure function.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

DPV = "https://w3id.org/dpv#"
PD = "https://w3id.org/dpv/pd#"


class Effect(StrEnum):
    PERMIT = "permit"
    PROHIBIT = "prohibit"


class ConsumerType(StrEnum):
    PUBLIC_BODY = "public_body"
    RESEARCH = "research"
    NON_PROFIT = "non_profit"
    COMMERCIAL = "commercial"


class Aggregation(StrEnum):
    """How much of a person a release shows, from most to least."""

    RAW = "raw"
    PSEUDONYMISED = "pseudonymised"
    AGGREGATE = "aggregate"
    DIFFERENTIAL_PRIVACY = "dp"

    @property
    def coarseness(self) -> int:
        return _COARSENESS[self]

    def at_least_as_coarse_as(self, other: Aggregation) -> bool:
        return self.coarseness >= other.coarseness

    @property
    def grouped(self) -> bool:
        """Aggregates and DP releases mix several people: group sizes apply."""
        return self.coarseness >= _COARSENESS[Aggregation.AGGREGATE]


_COARSENESS = {
    Aggregation.RAW: 0,
    Aggregation.PSEUDONYMISED: 1,
    Aggregation.AGGREGATE: 2,
    Aggregation.DIFFERENTIAL_PRIVACY: 3,
}


class DutyAction(StrEnum):
    REWARD = "reward"  # ODRL compensate: pay the member
    NOTICE = "notice"  # ODRL inform: tell the member each time


@dataclass(frozen=True, slots=True)
class Duty:
    action: DutyAction
    amount: int | None = None  # minor units of ``currency``
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class Period:
    """A half-open time range ``[start, end)``; a missing bound is open."""

    start: datetime | None = None
    end: datetime | None = None

    def contains(self, moment: datetime) -> bool:
        return (self.start is None or self.start <= moment) and (
            self.end is None or moment < self.end
        )

    def covers(self, other: Period | None) -> bool:
        """Whether ``other`` lies inside this period (an open ``other`` does not)."""
        if other is None:
            return self.start is None and self.end is None
        starts_ok = self.start is None or (other.start is not None and self.start <= other.start)
        ends_ok = self.end is None or (other.end is not None and other.end <= self.end)
        return starts_ok and ends_ok


@dataclass(frozen=True, slots=True)
class Rule:
    """One permission or prohibition of one member. Empty sets match anything."""

    id: str
    member_id: str
    effect: Effect
    categories: frozenset[str] = frozenset()  # DPV personal-data IRIs
    purposes: frozenset[str] = frozenset()  # DPV purpose IRIs
    consumers: frozenset[str] = frozenset()  # consumer ids
    consumer_types: frozenset[ConsumerType] = frozenset()
    data_period: Period | None = None  # which data the rule covers
    validity: Period | None = None  # when uses may happen
    aggregation: Aggregation = Aggregation.RAW  # the finest release allowed
    min_group_size: int | None = None  # for aggregate and DP releases
    spatial: frozenset[str] = frozenset()  # where the consumer may use the data
    duties: tuple[Duty, ...] = ()
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class UseRequest:
    """What a consumer asks of one member's data, as the gate puts it to the engine."""

    consumer_id: str
    consumer_type: ConsumerType
    purpose: str
    categories: tuple[str, ...]  # concrete categories the member holds
    at: datetime
    period: Period | None = None  # of the data
    aggregation: Aggregation = Aggregation.RAW
    group_size: int | None = None  # members in the release, for grouped levels
    spatial: str | None = None


class Outcome(StrEnum):
    PERMIT = "permit"
    DENY = "deny"


class ReasonCode(StrEnum):
    """Why a rule did or did not decide; stable, translated in the interfaces."""

    PERMITTED = "permitted"
    PROHIBITED = "prohibited"
    NO_PERMISSION = "no_permission"  # no rule of the member speaks of this
    PURPOSE = "purpose_not_covered"
    CONSUMER = "consumer_not_covered"
    PERIOD = "period_not_covered"
    VALIDITY = "rule_not_in_force"
    AGGREGATION = "aggregation_too_fine"
    GROUP_SIZE = "group_too_small"
    SPATIAL = "place_not_covered"


@dataclass(frozen=True, slots=True)
class Reason:
    """One line of an explanation: a rule (or none) and what it said about a category."""

    code: ReasonCode
    category: str
    rule_id: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def document(self) -> dict[str, Any]:
        return {
            "code": self.code.value,
            "category": self.category,
            "rule": self.rule_id,
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class Decision:
    """The engine's answer for one member: which categories are released, and why."""

    outcome: Outcome
    permitted: tuple[str, ...]  # categories released
    denied: tuple[str, ...]
    reasons: tuple[Reason, ...]
    duties: tuple[Duty, ...] = ()

    @property
    def deciding_rules(self) -> tuple[str, ...]:
        """The rules that decided (permitted or prohibited), for the log and the grant."""
        codes = (ReasonCode.PERMITTED, ReasonCode.PROHIBITED)
        found = {r.rule_id for r in self.reasons if r.code in codes and r.rule_id}
        return tuple(sorted(found))

    def explanation(self) -> list[dict[str, Any]]:
        return [reason.document() for reason in self.reasons]
