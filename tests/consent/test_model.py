"""Grants' lifecycle: given, withdrawn at once, expired by date, and the refusals."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from holoptic.consent.errors import (
    AlreadyExpired,
    AlreadyWithdrawn,
    InvalidEvent,
    InvalidGrant,
    InvalidParty,
)
from holoptic.consent.model import (
    MEMBER,
    SYSTEM,
    ConsentEvent,
    ConsentEventKind,
    Grant,
    GrantStatus,
    Party,
)
from holoptic.errors import Conflict, InvalidInput
from holoptic.rules.model import PD
from tests.consent.kit import DAY, T0, TOWN_HALL, grant, grants

TICK = timedelta(microseconds=1)


def test_a_new_grant_is_given_by_its_first_rule() -> None:
    fresh = grant(rule_ids=("r-7", "r-9"))
    assert fresh.events == (ConsentEvent(ConsentEventKind.GIVEN, T0, "rule:r-7"),)
    assert fresh.events[0].rule_id == "r-7"
    assert grant(rule_ids=()).given_by == MEMBER


def test_active_from_given_until_expiry() -> None:
    g = grant()
    assert g.status(T0 - TICK) is GrantStatus.PENDING
    assert g.active_at(T0)
    assert g.active_at(T0 + 90 * DAY - TICK)
    assert g.status(T0 + 90 * DAY) is GrantStatus.EXPIRED  # no expired event written
    assert g.ending is None
    assert g.ends_at == T0 + 90 * DAY


def test_withdrawal_takes_effect_at_its_instant() -> None:
    g = grant()
    at = T0 + 3 * DAY
    withdrawn = g.withdraw(at)
    assert withdrawn.active_at(at - TICK)
    assert not withdrawn.active_at(at)
    assert withdrawn.status(at) is GrantStatus.WITHDRAWN
    assert withdrawn.status(T0 + 365 * DAY) is GrantStatus.WITHDRAWN
    assert withdrawn.ends_at == at
    assert g.events == (ConsentEvent(ConsentEventKind.GIVEN, T0, "rule:r-7"),)  # unchanged


def test_withdrawal_in_another_timezone_compares_as_the_same_instant() -> None:
    paris = timezone(timedelta(hours=2))
    at = (T0 + DAY).astimezone(paris)
    assert not grant().withdraw(at).active_at(T0 + DAY)


def test_a_second_withdrawal_is_refused() -> None:
    withdrawn = grant().withdraw(T0 + DAY)
    with pytest.raises(AlreadyWithdrawn) as caught:
        withdrawn.withdraw(T0 + 2 * DAY)
    assert caught.value.code == "consent.already_withdrawn"
    assert isinstance(caught.value, Conflict)
    with pytest.raises(AlreadyWithdrawn):
        withdrawn.expire(T0 + 2 * DAY)


def test_an_expired_grant_cannot_be_withdrawn() -> None:
    with pytest.raises(AlreadyExpired) as caught:
        grant().withdraw(T0 + 90 * DAY)  # the expiry date itself: already over
    assert caught.value.code == "consent.already_expired"
    expired = grant().expire(T0 + 100 * DAY)
    with pytest.raises(AlreadyExpired):
        expired.withdraw(T0 + 100 * DAY)
    with pytest.raises(AlreadyExpired):
        expired.expire(T0 + 101 * DAY)


def test_a_late_expiry_event_is_dated_at_the_expiry() -> None:
    expired = grant().expire(T0 + 100 * DAY)
    assert expired.events[-1] == ConsentEvent(ConsentEventKind.EXPIRED, T0 + 90 * DAY, SYSTEM)


def test_an_early_expiry_ends_the_grant_then() -> None:
    expired = grant(expires_at=None).expire(T0 + DAY)
    assert expired.status(T0 + DAY) is GrantStatus.EXPIRED
    assert expired.active_at(T0 + DAY - TICK)


def test_settle_writes_a_passed_expiry_once() -> None:
    g = grant()
    assert g.settle(T0 + DAY) is g
    settled = g.settle(T0 + 200 * DAY)
    assert [e.kind for e in settled.events] == [ConsentEventKind.GIVEN, ConsentEventKind.EXPIRED]
    assert settled.events[-1].at == T0 + 90 * DAY
    assert settled.settle(T0 + 300 * DAY) is settled
    withdrawn = g.withdraw(T0 + DAY)
    assert withdrawn.settle(T0 + 200 * DAY) is withdrawn


def test_events_cannot_go_back_in_time() -> None:
    with pytest.raises(InvalidEvent) as caught:
        grant().withdraw(T0 - TICK)
    assert caught.value.code == "consent.invalid_event"


@pytest.mark.parametrize("by", ["", "rule:", "rule: ", "steward", "Member"])
def test_events_name_who_acted(by: str) -> None:
    with pytest.raises(InvalidEvent):
        grant().withdraw(T0 + DAY, by)


def test_naive_times_are_refused() -> None:
    naive = datetime(2026, 3, 2, 9, 30)
    with pytest.raises(InvalidEvent):
        grant().withdraw(naive)
    with pytest.raises(InvalidEvent):
        grant().status(naive)
    with pytest.raises(InvalidGrant) as caught:
        grant(given_at=naive, expires_at=None)
    assert caught.value.code == "consent.invalid_grant"
    assert isinstance(caught.value, InvalidInput)


@pytest.mark.parametrize(
    "changes",
    [
        {"categories": ()},
        {"categories": (PD + "Location", PD + "Location")},
        {"categories": ("",)},
        {"categories": ("Location",)},  # not an IRI
        {"purpose": "transport"},
        {"id": " "},
        {"consumer_id": ""},
        {"consumer_type": "commercial"},  # a string, not the enum
        {"aggregation": "raw"},
        {"rule_ids": ("r-1", "r-1")},
        {"expires_at": T0},
        {"expires_at": T0 - DAY},
        {"rule_ids": (), "events": (ConsentEvent(ConsentEventKind.GIVEN, T0, "rule:r-7"),)},
        {"events": (ConsentEvent(ConsentEventKind.GIVEN, T0 + DAY, MEMBER),)},
        {"events": (ConsentEvent(ConsentEventKind.WITHDRAWN, T0, MEMBER),)},
    ],
)
def test_malformed_grants_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(InvalidGrant):
        grant(**changes)


def test_malformed_histories_are_refused() -> None:
    given_ = ConsentEvent(ConsentEventKind.GIVEN, T0, "rule:r-7")
    withdrawn = ConsentEvent(ConsentEventKind.WITHDRAWN, T0 + DAY, MEMBER)
    expired = ConsentEvent(ConsentEventKind.EXPIRED, T0 + 2 * DAY, SYSTEM)
    for events in [
        (given_, given_),
        (given_, withdrawn, expired),
        (given_, ConsentEvent(ConsentEventKind.WITHDRAWN, T0 + 90 * DAY, MEMBER)),
        (given_, ConsentEvent(ConsentEventKind.EXPIRED, T0 + 91 * DAY, SYSTEM)),
    ]:
        with pytest.raises(InvalidGrant):
            grant(events=events)
    assert grant(events=(given_, withdrawn)).status(T0 + DAY) is GrantStatus.WITHDRAWN


@pytest.mark.parametrize(
    "fields",
    [
        ("", "a@b.example"),
        ("Acme", "not-an-address"),
        ("Acme", "a@b.example", " "),
        ("Acme", "a@b.example", None, None, "ftp://acme.example"),
    ],
)
def test_parties_are_checked(fields: tuple[str, ...]) -> None:
    with pytest.raises(InvalidParty) as caught:
        Party(*fields)
    assert caught.value.code == "consent.invalid_party"


def test_a_grant_is_rebuilt_unchanged_from_its_fields() -> None:
    """What the gate stores and reads back (events included) is the same grant."""
    g = grant().withdraw(T0 + DAY, "rule:r-7")
    assert replace(g) == g
    assert Grant(**{name: getattr(g, name) for name in g.__dataclass_fields__}) == g
    assert g.consumer is TOWN_HALL


@settings(max_examples=200, deadline=None)
@given(grants(), st.timedeltas(timedelta(days=-30), timedelta(days=4000)))
def test_active_exactly_between_given_and_end(g: Grant, offset: timedelta) -> None:
    now = g.given_at + offset
    end = g.ends_at
    expected = g.given_at <= now and (end is None or now < end)
    assert g.active_at(now) is expected
    assert g.settle(now).active_at(now) is expected
