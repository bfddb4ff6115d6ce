"""The rule engine: prohibition wins, DPV hierarchies, default deny, and the explanation."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from holoptic.rules.engine import evaluate
from holoptic.rules.model import (
    DPV,
    PD,
    Aggregation,
    ConsumerType,
    Duty,
    DutyAction,
    Effect,
    Outcome,
    Period,
    ReasonCode,
    Rule,
    UseRequest,
)
from holoptic.rules.taxonomy import builtin_taxonomy

TAXONOMY = builtin_taxonomy()
NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)
GPS = PD + "GPSCoordinate"
LOCATION = PD + "Location"
BROWSING = PD + "BrowserHistory"
TRAVEL = PD + "TravelHistory"


def rule(rule_id: str, effect: Effect = Effect.PERMIT, **fields: object) -> Rule:
    return replace(Rule(rule_id, "m1", effect), **fields)  # type: ignore[arg-type]


def request(**fields: object) -> UseRequest:
    base = UseRequest(
        consumer_id="lab",
        consumer_type=ConsumerType.RESEARCH,
        purpose=DPV + "AcademicResearch",
        categories=(GPS,),
        at=NOW,
    )
    return replace(base, **fields)  # type: ignore[arg-type]


def codes(decision: object) -> list[tuple[ReasonCode, str | None]]:
    return [(r.code, r.rule_id) for r in decision.reasons]  # type: ignore[attr-defined]


def test_without_rules_nothing_is_released() -> None:
    decision = evaluate([], request(), TAXONOMY)
    assert decision.outcome is Outcome.DENY
    assert decision.denied == (GPS,)
    assert codes(decision) == [(ReasonCode.NO_PERMISSION, None)]
    assert decision.deciding_rules == ()


def test_a_permission_releases_and_names_itself() -> None:
    decision = evaluate([rule("p1")], request(), TAXONOMY)
    assert decision.outcome is Outcome.PERMIT
    assert decision.permitted == (GPS,)
    assert decision.deciding_rules == ("p1",)
    assert decision.explanation()[0]["rule"] == "p1"
    assert decision.explanation()[0]["code"] == "permitted"


def test_prohibition_wins_over_any_permission() -> None:
    rules = [rule("p1"), rule("x1", Effect.PROHIBIT, categories=frozenset({LOCATION}))]
    decision = evaluate(rules, request(), TAXONOMY)
    assert decision.outcome is Outcome.DENY
    assert codes(decision) == [(ReasonCode.PROHIBITED, "x1")]
    assert decision.deciding_rules == ("x1",)


def test_each_category_is_decided_on_its_own() -> None:
    rules = [rule("p1"), rule("x1", Effect.PROHIBIT, categories=frozenset({BROWSING}))]
    decision = evaluate(rules, request(categories=(GPS, BROWSING)), TAXONOMY)
    assert decision.outcome is Outcome.PERMIT
    assert decision.permitted == (GPS,)
    assert decision.denied == (BROWSING,)
    assert decision.deciding_rules == ("p1", "x1")


def test_a_broad_category_covers_narrower_ones_only() -> None:
    rules = [rule("p1", categories=frozenset({LOCATION}))]
    assert evaluate(rules, request(categories=(GPS,)), TAXONOMY).outcome is Outcome.PERMIT
    assert evaluate(rules, request(categories=(TRAVEL,)), TAXONOMY).outcome is Outcome.PERMIT
    denied = evaluate(rules, request(categories=(BROWSING,)), TAXONOMY)
    assert codes(denied) == [(ReasonCode.NO_PERMISSION, None)]
    narrow = [rule("p2", categories=frozenset({GPS}))]
    assert evaluate(narrow, request(categories=(LOCATION,)), TAXONOMY).outcome is Outcome.DENY


def test_a_broad_purpose_covers_narrower_ones_only() -> None:
    rules = [rule("p1", purposes=frozenset({DPV + "ResearchAndDevelopment"}))]
    assert evaluate(rules, request(), TAXONOMY).outcome is Outcome.PERMIT
    marketing = evaluate(rules, request(purpose=DPV + "Advertising"), TAXONOMY)
    assert codes(marketing) == [(ReasonCode.PURPOSE, "p1")]
    assert marketing.reasons[0].detail == {"purposes": [DPV + "ResearchAndDevelopment"]}
    narrow = [rule("p2", purposes=frozenset({DPV + "AcademicResearch"}))]
    broad = request(purpose=DPV + "ResearchAndDevelopment")
    assert evaluate(narrow, broad, TAXONOMY).outcome is Outcome.DENY


def test_a_prohibition_of_a_broad_purpose_reaches_its_narrower_ones() -> None:
    rules = [rule("p1"), rule("x1", Effect.PROHIBIT, purposes=frozenset({DPV + "Advertising"}))]
    targeted = request(purpose=DPV + "TargetedAdvertising")
    assert codes(evaluate(rules, targeted, TAXONOMY)) == [(ReasonCode.PROHIBITED, "x1")]
    assert evaluate(rules, request(), TAXONOMY).outcome is Outcome.PERMIT


def test_validity_is_a_half_open_period() -> None:
    period = Period(datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 6, 1, 12, tzinfo=UTC))
    rules = [rule("p1", validity=period)]
    before_end = request(at=datetime(2025, 6, 1, 11, 59, tzinfo=UTC))
    assert evaluate(rules, before_end, TAXONOMY).outcome is Outcome.PERMIT
    at_end = evaluate(rules, request(), TAXONOMY)
    assert codes(at_end) == [(ReasonCode.VALIDITY, "p1")]
    assert at_end.reasons[0].detail["end"] == "2025-06-01T12:00:00+00:00"
    early = request(at=datetime(2024, 12, 31, tzinfo=UTC))
    assert evaluate(rules, early, TAXONOMY).outcome is Outcome.DENY


def test_a_prohibition_out_of_force_does_not_forbid() -> None:
    old = Period(None, datetime(2025, 1, 1, tzinfo=UTC))
    rules = [rule("p1"), rule("x1", Effect.PROHIBIT, validity=old)]
    assert evaluate(rules, request(), TAXONOMY).deciding_rules == ("p1",)


def test_the_data_period_must_lie_inside_the_rules() -> None:
    covered = Period(datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC))
    rules = [rule("p1", data_period=covered)]
    inside = Period(datetime(2024, 3, 1, tzinfo=UTC), datetime(2024, 4, 1, tzinfo=UTC))
    assert evaluate(rules, request(period=inside), TAXONOMY).outcome is Outcome.PERMIT
    overlapping = Period(datetime(2024, 12, 1, tzinfo=UTC), datetime(2025, 2, 1, tzinfo=UTC))
    outcome = evaluate(rules, request(period=overlapping), TAXONOMY)
    assert codes(outcome) == [(ReasonCode.PERIOD, "p1")]
    assert evaluate(rules, request(period=None), TAXONOMY).outcome is Outcome.DENY


@pytest.mark.parametrize(
    ("finest", "asked", "released"),
    [
        (Aggregation.RAW, Aggregation.RAW, True),
        (Aggregation.PSEUDONYMISED, Aggregation.RAW, False),
        (Aggregation.PSEUDONYMISED, Aggregation.PSEUDONYMISED, True),
        (Aggregation.AGGREGATE, Aggregation.PSEUDONYMISED, False),
        (Aggregation.AGGREGATE, Aggregation.DIFFERENTIAL_PRIVACY, True),
        (Aggregation.DIFFERENTIAL_PRIVACY, Aggregation.AGGREGATE, False),
    ],
)
def test_aggregation_levels_are_ordered(
    finest: Aggregation, asked: Aggregation, released: bool
) -> None:
    rules = [rule("p1", aggregation=finest)]
    decision = evaluate(rules, request(aggregation=asked, group_size=50), TAXONOMY)
    assert (decision.outcome is Outcome.PERMIT) is released
    if not released:
        assert codes(decision) == [(ReasonCode.AGGREGATION, "p1")]


@pytest.mark.parametrize(("size", "released"), [(None, False), (9, False), (10, True), (500, True)])
def test_groups_smaller_than_the_minimum_are_refused(size: int | None, released: bool) -> None:
    rules = [rule("p1", aggregation=Aggregation.AGGREGATE, min_group_size=10)]
    decision = evaluate(
        rules, request(aggregation=Aggregation.AGGREGATE, group_size=size), TAXONOMY
    )
    assert (decision.outcome is Outcome.PERMIT) is released
    if not released:
        assert decision.reasons[0].code is ReasonCode.GROUP_SIZE
        assert decision.reasons[0].detail == {"minimum": 10, "size": size}


def test_a_prohibition_forbids_at_every_aggregation_level() -> None:
    coarse = rule("x1", Effect.PROHIBIT, aggregation=Aggregation.DIFFERENTIAL_PRIVACY)
    asked = request(aggregation=Aggregation.RAW)
    assert codes(evaluate([rule("p1"), coarse], asked, TAXONOMY)) == [(ReasonCode.PROHIBITED, "x1")]


def test_consumers_are_named_or_typed() -> None:
    rules = [
        rule("p1", consumers=frozenset({"city"}), consumer_types=frozenset({ConsumerType.RESEARCH}))
    ]
    assert evaluate(rules, request(), TAXONOMY).outcome is Outcome.PERMIT
    by_id = request(consumer_id="city", consumer_type=ConsumerType.PUBLIC_BODY)
    assert evaluate(rules, by_id, TAXONOMY).outcome is Outcome.PERMIT
    shop = evaluate(
        rules, request(consumer_id="shop", consumer_type=ConsumerType.COMMERCIAL), TAXONOMY
    )
    assert codes(shop) == [(ReasonCode.CONSUMER, "p1")]
    assert shop.reasons[0].detail == {"consumers": ["city"], "consumer_types": ["research"]}


def test_a_consumer_type_can_be_prohibited() -> None:
    rules = [
        rule("p1"),
        rule("x1", Effect.PROHIBIT, consumer_types=frozenset({ConsumerType.COMMERCIAL})),
    ]
    shop = request(consumer_id="shop", consumer_type=ConsumerType.COMMERCIAL)
    assert codes(evaluate(rules, shop, TAXONOMY)) == [(ReasonCode.PROHIBITED, "x1")]
    assert evaluate(rules, request(), TAXONOMY).outcome is Outcome.PERMIT


def test_places_must_be_among_the_rules() -> None:
    rules = [rule("p1", spatial=frozenset({"FR", "BE"}))]
    assert evaluate(rules, request(spatial="BE"), TAXONOMY).outcome is Outcome.PERMIT
    abroad = evaluate(rules, request(spatial="US"), TAXONOMY)
    assert codes(abroad) == [(ReasonCode.SPATIAL, "p1")]
    assert evaluate(rules, request(spatial=None), TAXONOMY).outcome is Outcome.DENY


def test_misses_name_every_permission_that_came_close() -> None:
    rules = [
        rule("p2", purposes=frozenset({DPV + "Marketing"})),
        rule("p1", consumer_types=frozenset({ConsumerType.PUBLIC_BODY})),
        rule("p3", categories=frozenset({BROWSING})),
    ]
    decision = evaluate(rules, request(), TAXONOMY)
    assert decision.outcome is Outcome.DENY
    assert codes(decision) == [(ReasonCode.CONSUMER, "p1"), (ReasonCode.PURPOSE, "p2")]
    assert decision.deciding_rules == ()


def test_duties_come_with_the_categories_they_release() -> None:
    reward = Duty(DutyAction.REWARD, 150, "EUR")
    notice = Duty(DutyAction.NOTICE)
    rules = [
        rule("p1", categories=frozenset({GPS}), duties=(reward,)),
        rule("p2", categories=frozenset({BROWSING}), duties=(notice,)),
        rule("x1", Effect.PROHIBIT, categories=frozenset({BROWSING})),
    ]
    decision = evaluate(rules, request(categories=(GPS, BROWSING)), TAXONOMY)
    assert decision.permitted == (GPS,)
    assert decision.duties == (reward,)
