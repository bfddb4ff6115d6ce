"""The gate end to end on both backends: decisions, release, grants, log leaves."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from holoptic.gate.errors import InvalidUseRequest
from holoptic.gate.model import Refusal, UseQuery
from holoptic.rules.model import Aggregation, ConsumerType, Outcome
from tests.gate.conftest import GPS, LOCATION, MARKETING, PLANNING, PUBLIC_BENEFIT, Commons


def test_a_permitting_rule_releases_raw_data_creates_a_grant_and_logs(commons: Commons) -> None:
    member = commons.members[0]
    rule = commons.permit(
        member, categories=frozenset({LOCATION}), purposes=frozenset({PUBLIC_BENEFIT})
    )
    gate = commons.services.gate
    outcome = gate.request(UseQuery(PLANNING, (GPS,), members=(member,)), token=commons.token)
    assert outcome.outcome is Outcome.PERMIT
    assert outcome.refusal is None
    [part] = outcome.members
    assert part.rules == (rule.id,)
    assert part.grant_id is not None
    assert outcome.released is not None
    [released] = outcome.released["members"]
    assert released["member"] == member
    assert sum(len(item["records"]) for item in released["items"]) == 2
    leaf = commons.services.log.leaf_for_use(outcome.use_id)
    body = json.loads(leaf.leaf_bytes)
    assert body["decision"] == "permit" and body["rules"] == [rule.id]
    assert body["grant"] == part.grant_id and len(body["items"]) == 2
    assert member not in leaf.leaf_bytes.decode()  # the public log names no member


def test_without_a_rule_the_request_is_refused_and_still_logged(commons: Commons) -> None:
    gate = commons.services.gate
    before = commons.services.log.state().size
    outcome = gate.request(
        UseQuery(PLANNING, (GPS,), members=(commons.members[1],)), token=commons.token
    )
    assert outcome.outcome is Outcome.DENY
    assert outcome.refusal is Refusal.NO_MEMBER or outcome.explanation
    assert commons.services.log.state().size == before + 1
    assert outcome.released is None


def test_prohibition_wins_and_the_explanation_names_it(commons: Commons) -> None:
    member = commons.members[2]
    commons.permit(member, categories=frozenset({LOCATION}))
    ban = commons.prohibit(member, consumer_types=frozenset({ConsumerType.PUBLIC_BODY}))
    outcome = commons.services.gate.request(
        UseQuery(PLANNING, (LOCATION,), members=(member,)), token=commons.token
    )
    assert outcome.outcome is Outcome.DENY
    [entry] = outcome.explanation
    assert entry["reasons"][0]["code"] == "prohibited"
    assert entry["reasons"][0]["rule"] == ban.id


def test_another_purpose_is_refused(commons: Commons) -> None:
    member = commons.members[3]
    commons.permit(member, purposes=frozenset({PUBLIC_BENEFIT}))
    outcome = commons.services.gate.request(
        UseQuery(MARKETING, (GPS,), members=(member,)), token=commons.token
    )
    assert outcome.outcome is Outcome.DENY
    assert outcome.explanation[0]["reasons"][0]["code"] == "purpose_not_covered"


def test_aggregates_respect_the_minimum_group_size(commons: Commons) -> None:
    for member in commons.members[:5]:
        commons.permit(member, aggregation=Aggregation.AGGREGATE, min_group_size=5)
    commons.permit(commons.members[5], aggregation=Aggregation.AGGREGATE, min_group_size=10)
    query = UseQuery(PLANNING, (LOCATION,), aggregation=Aggregation.AGGREGATE)
    outcome = commons.services.gate.request(query, token=commons.token)
    assert outcome.outcome is Outcome.PERMIT
    assert outcome.released is not None
    assert outcome.released["categories"][GPS]["members"] == 5  # member 5 wanted 10
    finer = commons.services.gate.request(UseQuery(PLANNING, (LOCATION,)), token=commons.token)
    assert finer.outcome is Outcome.DENY  # raw is finer than any rule allows


def test_a_forged_token_is_refused_and_logged(commons: Commons) -> None:
    outcome = commons.services.gate.request(UseQuery(PLANNING, (GPS,)), token="hol_forged")
    assert outcome.refusal is Refusal.TOKEN
    leaf = json.loads(commons.services.log.leaf_for_use(outcome.use_id).leaf_bytes)
    assert leaf["consumer"] == "unauthenticated" and leaf["reasons"] == ["token_invalid"]


def test_a_suspended_consumer_loses_its_token(commons: Commons) -> None:
    commons.services.consumers.suspend(commons.consumer.id)
    outcome = commons.services.gate.request(UseQuery(PLANNING, (GPS,)), token=commons.token)
    assert outcome.refusal is Refusal.TOKEN


def test_a_withdrawn_grant_is_refused_at_once_and_blocks_its_rule(commons: Commons) -> None:
    member = commons.members[4]
    commons.permit(member)
    services = commons.services
    first = services.gate.request(
        UseQuery(PLANNING, (GPS,), members=(member,)), token=commons.token
    )
    grant_id = first.members[0].grant_id
    assert grant_id is not None
    services.grants.withdraw(member, grant_id)
    named = services.gate.request(
        UseQuery(PLANNING, (GPS,), members=(member,), grant_id=grant_id), token=commons.token
    )
    assert named.refusal is Refusal.GRANT_INACTIVE
    again = services.gate.request(
        UseQuery(PLANNING, (GPS,), members=(member,)), token=commons.token
    )
    assert again.outcome is Outcome.DENY
    assert again.explanation[0]["reasons"][0]["rule"] == "grant:" + grant_id


def test_an_expired_rule_stops_permitting(commons: Commons, clock: object) -> None:
    from holoptic.rules.model import Period

    member = commons.members[6]
    now = commons.services.clock.now()
    commons.permit(member, validity=Period(None, now + timedelta(days=1)))
    query = UseQuery(PLANNING, (GPS,), members=(member,))
    assert commons.services.gate.request(query, token=commons.token).permitted
    commons.services.clock.advance(timedelta(days=2))  # type: ignore[attr-defined]
    assert not commons.services.gate.request(query, token=commons.token).permitted


@pytest.mark.parametrize(
    "query",
    [
        UseQuery("https://example.org/not-a-purpose", (GPS,)),
        UseQuery(PLANNING, ()),
        UseQuery(PLANNING, ("https://w3id.org/dpv/pd#NoSuchThing",)),
    ],
)
def test_malformed_requests_are_errors_and_log_nothing(commons: Commons, query: UseQuery) -> None:
    before = commons.services.log.state().size
    with pytest.raises(InvalidUseRequest):
        commons.services.gate.request(query, token=commons.token)
    assert commons.services.log.state().size == before


def test_consent_records_name_the_member_by_a_pseudonym_per_consumer(commons: Commons) -> None:
    services = commons.services
    member = commons.members[7]
    commons.permit(member)
    other = services.consumers.register("Labo", "research", "labo@uga.example")
    services.consumers.approve(other.id)
    query = UseQuery(PLANNING, (GPS,), members=(member,))
    first = services.gate.request(query, token=commons.token).members[0].grant_id
    second = services.gate.request(query, consumer_id=other.id).members[0].grant_id
    assert first and second and first != second
    records = [json.dumps(services.grants.record(member, g)) for g in (first, second)]
    receipts = [services.grants.receipt(member, g)["piiPrincipalId"] for g in (first, second)]
    assert member not in records[0] and member not in records[1]
    assert receipts[0] != receipts[1]


def test_concurrent_uses_never_fork_the_log(commons: Commons) -> None:
    from concurrent.futures import ThreadPoolExecutor

    services = commons.services
    for member in commons.members:
        commons.permit(member)

    def ask(n: int) -> int:
        member = commons.members[n % len(commons.members)]
        outcome = services.gate.request(
            UseQuery(PLANNING, (GPS,), members=(member,)), token=commons.token
        )
        return outcome.log_indexes[0]

    with ThreadPoolExecutor(max_workers=4) as pool:
        indexes = list(pool.map(ask, range(40)))
    assert sorted(indexes) == list(range(40))  # one leaf each, no index twice
    assert services.log.state().size == 40
    assert services.log.audit().ok
