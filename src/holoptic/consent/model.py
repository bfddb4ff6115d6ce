"""Grants: what the gate creates when a member's rules permit a consumer's request.

A grant is one member's consent to one consumer, for one purpose, over some personal-data
categories, at one aggregation level. Its history is an append-only tuple of events:
``given`` first, then at most one ending (``withdrawn`` or ``expired``). A grant is
active on the half-open interval ``[given_at, end)`` where the end is the earliest of its
ending event and ``expires_at``: withdrawal takes effect at the instant it is recorded,
and expiry at ``expires_at`` even before anyone writes the ``expired`` event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from holoptic.consent.errors import (
    AlreadyExpired,
    AlreadyWithdrawn,
    InvalidEvent,
    InvalidGrant,
    InvalidParty,
)
from holoptic.rules.model import Aggregation, ConsumerType

MEMBER = "member"  # the member acted in Holoptic
SYSTEM = "system"  # Holoptic (the community's gate) acted
RULE = "rule:"  # prefix: a member's usage rule acted, ``rule:<rule id>``

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


class ConsentEventKind(StrEnum):
    GIVEN = "given"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class GrantStatus(StrEnum):
    """Where a grant stands at a moment; only ``active`` permits a use."""

    PENDING = "pending"  # the moment is before the grant was given
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


def _aware(moment: object, what: str, error: type[InvalidEvent | InvalidGrant]) -> None:
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise error(f"{what} must be a timezone-aware datetime", field=what)


@dataclass(frozen=True, slots=True)
class ConsentEvent:
    """One step of a grant's history; ``by`` is ``member``, ``system`` or ``rule:<id>``."""

    kind: ConsentEventKind
    at: datetime
    by: str

    def __post_init__(self) -> None:
        if not isinstance(self.kind, ConsentEventKind):
            raise InvalidEvent(f"unknown consent event kind {self.kind!r}")
        _aware(self.at, "at", InvalidEvent)
        if self.by not in (MEMBER, SYSTEM) and not (
            self.by.startswith(RULE) and self.by[len(RULE) :].strip()
        ):
            raise InvalidEvent(
                f"an event is made by 'member', 'system' or 'rule:<id>', not {self.by!r}",
                by=self.by,
            )

    @property
    def rule_id(self) -> str | None:
        """The rule that acted, when a rule did."""
        return self.by[len(RULE) :] if self.by.startswith(RULE) else None

    @property
    def ends(self) -> bool:
        return self.kind is not ConsentEventKind.GIVEN


@dataclass(frozen=True, slots=True)
class Party:
    """An organisation named in records and receipts: a consumer or the community."""

    name: str
    contact_email: str
    address: str | None = None
    phone: str | None = None
    website: str | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidParty("a party needs a name")
        if not _EMAIL.match(self.contact_email):
            raise InvalidParty(f"{self.name}: {self.contact_email!r} is not an e-mail address")
        for field_name in ("address", "phone", "website"):
            value = getattr(self, field_name)
            if value is not None and not value.strip():
                raise InvalidParty(f"{self.name}: {field_name} is blank (use None)")
        if self.website is not None and not self.website.startswith(("https://", "http://")):
            raise InvalidParty(f"{self.name}: the website must be an http(s) URL")


@dataclass(frozen=True, slots=True)
class Grant:
    """A member's consent to one consumer's use, with its append-only history.

    Leave ``events`` empty to create a new grant: the ``given`` event is written at
    ``given_at``, by ``rule:<first rule id>`` (or ``member`` when no rule gave it).
    """

    id: str
    member_id: str
    consumer_id: str
    consumer: Party
    consumer_type: ConsumerType
    purpose: str  # a DPV purpose IRI
    categories: tuple[str, ...]  # DPV personal-data category IRIs
    aggregation: Aggregation
    rule_ids: tuple[str, ...]  # the rules that permitted it
    given_at: datetime
    expires_at: datetime | None = None
    events: tuple[ConsentEvent, ...] = ()

    def __post_init__(self) -> None:
        _check_fields(self)
        if not self.events:
            giver = RULE + self.rule_ids[0] if self.rule_ids else MEMBER
            given = ConsentEvent(ConsentEventKind.GIVEN, self.given_at, giver)
            object.__setattr__(self, "events", (given,))
        _check_history(self)

    @property
    def given_by(self) -> str:
        return self.events[0].by

    @property
    def ending(self) -> ConsentEvent | None:
        """The withdrawal or expiry event, if one was written."""
        last = self.events[-1]
        return last if last.ends else None

    @property
    def ends_at(self) -> datetime | None:
        """When the grant stops (or stopped) being active; None: not foreseen."""
        moments = [self.expires_at] if self.expires_at is not None else []
        if self.ending is not None:
            moments.append(self.ending.at)
        return min(moments) if moments else None

    def status(self, now: datetime) -> GrantStatus:
        """The grant's status at ``now``: an ending counts from its own instant."""
        _aware(now, "now", InvalidEvent)
        if now < self.given_at:
            return GrantStatus.PENDING
        ending = self.ending
        if ending is not None and ending.at <= now:
            if ending.kind is ConsentEventKind.WITHDRAWN:
                return GrantStatus.WITHDRAWN
            return GrantStatus.EXPIRED
        if self.expires_at is not None and self.expires_at <= now:
            return GrantStatus.EXPIRED
        return GrantStatus.ACTIVE

    def active_at(self, moment: datetime) -> bool:
        return self.status(moment) is GrantStatus.ACTIVE

    def withdraw(self, at: datetime, by: str = MEMBER) -> Grant:
        """This grant withdrawn at ``at``: from that instant on it permits nothing."""
        event = ConsentEvent(ConsentEventKind.WITHDRAWN, at, by)
        self._refuse_if_ended()
        if self.expires_at is not None and at >= self.expires_at:
            raise AlreadyExpired(
                f"grant {self.id} expired at {self.expires_at.isoformat()}", grant=self.id
            )
        return self._append(event)

    def expire(self, at: datetime) -> Grant:
        """This grant with its expiry written.

        Past ``expires_at`` the event is dated ``expires_at`` (when validity actually
        ended), however late it is written; before it, the grant ends early at ``at``
        (a rule's validity ending, say).
        """
        _aware(at, "at", InvalidEvent)
        self._refuse_if_ended()
        moment = at if self.expires_at is None else min(at, self.expires_at)
        return self._append(ConsentEvent(ConsentEventKind.EXPIRED, moment, SYSTEM))

    def settle(self, now: datetime) -> Grant:
        """This grant with the expiry event written if ``now`` is past ``expires_at``."""
        if self.ending is None and self.status(now) is GrantStatus.EXPIRED:
            return self.expire(now)
        return self

    def _refuse_if_ended(self) -> None:
        ending = self.ending
        if ending is None:
            return
        if ending.kind is ConsentEventKind.WITHDRAWN:
            raise AlreadyWithdrawn(
                f"grant {self.id} was withdrawn at {ending.at.isoformat()}", grant=self.id
            )
        raise AlreadyExpired(f"grant {self.id} expired at {ending.at.isoformat()}", grant=self.id)

    def _append(self, event: ConsentEvent) -> Grant:
        if event.at < self.events[-1].at:
            raise InvalidEvent(
                f"a {event.kind} event at {event.at.isoformat()} would precede the "
                f"grant's last event ({self.events[-1].at.isoformat()})",
                grant=self.id,
            )
        return replace(self, events=(*self.events, event))


def _check_fields(grant: Grant) -> None:
    for name in ("id", "member_id", "consumer_id"):
        value = getattr(grant, name)
        if not isinstance(value, str) or not value.strip():
            raise InvalidGrant(f"a grant needs a {name}", field=name)
    if not isinstance(grant.consumer, Party):
        raise InvalidGrant("the consumer must be a Party", field="consumer")
    if not isinstance(grant.consumer_type, ConsumerType):
        raise InvalidGrant(f"unknown consumer type {grant.consumer_type!r}")
    if not isinstance(grant.aggregation, Aggregation):
        raise InvalidGrant(f"unknown aggregation {grant.aggregation!r}")
    if not _IRI.match(grant.purpose):
        raise InvalidGrant(f"the purpose must be a DPV IRI, not {grant.purpose!r}")
    _check_terms(grant.categories, "categories", iri=True)
    _check_terms(grant.rule_ids, "rule_ids", iri=False, allow_empty=True)
    _aware(grant.given_at, "given_at", InvalidGrant)
    if grant.expires_at is not None:
        _aware(grant.expires_at, "expires_at", InvalidGrant)
        if grant.expires_at <= grant.given_at:
            raise InvalidGrant("a grant must expire after it is given", field="expires_at")


def _check_terms(
    values: tuple[str, ...], name: str, *, iri: bool, allow_empty: bool = False
) -> None:
    if not isinstance(values, tuple) or (not values and not allow_empty):
        raise InvalidGrant(f"{name} must be a non-empty tuple", field=name)
    for value in values:
        if not isinstance(value, str) or not value.strip() or (iri and not _IRI.match(value)):
            raise InvalidGrant(f"{name}: {value!r} is not valid", field=name)
    if len(set(values)) != len(values):
        raise InvalidGrant(f"{name} holds duplicates", field=name)


def _check_history(grant: Grant) -> None:
    events = grant.events
    if not isinstance(events, tuple) or not all(isinstance(e, ConsentEvent) for e in events):
        raise InvalidGrant("a grant's events are a tuple of ConsentEvent", field="events")
    first = events[0]
    if first.kind is not ConsentEventKind.GIVEN or first.at != grant.given_at:
        raise InvalidGrant("a grant's history starts with its given event at given_at")
    if not grant.rule_ids and first.by != MEMBER:
        raise InvalidGrant("a grant given by a rule names the rule in rule_ids")
    if len(events) > 2 or any(not e.ends for e in events[1:]):
        raise InvalidGrant("a grant is given once and ends at most once")
    if len(events) == 2:
        _check_ending(grant, events[1])


def _check_ending(grant: Grant, ending: ConsentEvent) -> None:
    if ending.at < grant.given_at:
        raise InvalidGrant("a grant cannot end before it is given")
    if grant.expires_at is None:
        return
    withdrawn_late = ending.kind is ConsentEventKind.WITHDRAWN and ending.at >= grant.expires_at
    if withdrawn_late or ending.at > grant.expires_at:
        raise InvalidGrant("a grant cannot end after its expiry date")
