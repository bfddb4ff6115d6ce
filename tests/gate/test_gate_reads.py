"""The gate's narrow reads: only the grants that bear on a use, rules and tokens read
afresh on every request (their parsing may be kept, never their rows)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from holoptic.gate.model import Refusal, UseQuery
from holoptic.rules.model import DPV, Aggregation, Outcome, Period
from tests.gate.conftest import GPS, LOCATION, PLANNING, PUBLIC_BENEFIT, Commons

RESEARCH = DPV + "ResearchAndDevelopment"


def _grant_of(commons: Commons, query: UseQuery) -> str:
    outcome = commons.services.gate.request(query, token=commons.token)
    assert outcome.outcome is Outcome.PERMIT, outcome.explanation
    [part] = outcome.members
    assert part.grant_id is not None
    return part.grant_id


def test_a_grant_is_reused_only_for_its_own_member_purpose_and_level(commons: Commons) -> None:
    first, second = commons.members[0], commons.members[1]
    for member in (first, second):
        commons.permit(member, categories=frozenset({LOCATION}))
    planning = _grant_of(commons, UseQuery(PLANNING, (GPS,), members=(first,)))
    assert _grant_of(commons, UseQuery(PLANNING, (GPS,), members=(first,))) == planning
    research = _grant_of(commons, UseQuery(RESEARCH, (GPS,), members=(first,)))
    coarser = UseQuery(PLANNING, (GPS,), members=(first,), aggregation=Aggregation.AGGREGATE)
    aggregate = _grant_of(commons, coarser)
    others = _grant_of(commons, UseQuery(PLANNING, (GPS,), members=(second,)))
    assert len({planning, research, aggregate, others}) == 4
    grants = {g.id: g for g in commons.services.grants.grants(first)}
    assert set(grants) == {planning, research, aggregate}
    assert (grants[research].purpose, grants[aggregate].aggregation) == (
        RESEARCH,
        Aggregation.AGGREGATE,
    )
    assert [g.id for g in commons.services.grants.grants(second)] == [others]


def test_several_members_each_get_their_own_grant(commons: Commons) -> None:
    members = commons.members[:3]
    for member in members:
        commons.permit(member)
    query = UseQuery(PLANNING, (GPS,), members=tuple(members))
    first = commons.services.gate.request(query, token=commons.token)
    again = commons.services.gate.request(query, token=commons.token)
    by_member = {part.member_id: part.grant_id for part in first.members}
    assert set(by_member) == set(members) and len(set(by_member.values())) == 3
    assert {part.member_id: part.grant_id for part in again.members} == by_member
    for member, grant_id in by_member.items():
        [grant] = commons.services.grants.grants(member)
        assert grant.id == grant_id


def test_a_withdrawn_grant_for_a_broader_purpose_blocks_a_narrower_one(commons: Commons) -> None:
    member = commons.members[2]
    commons.permit(member)
    broad = _grant_of(commons, UseQuery(PUBLIC_BENEFIT, (GPS,), members=(member,)))
    commons.services.grants.withdraw(member, broad)
    narrower = commons.services.gate.request(
        UseQuery(PLANNING, (GPS,), members=(member,)), token=commons.token
    )
    assert narrower.outcome is Outcome.DENY and narrower.released is None
    assert narrower.explanation[0]["reasons"][0]["rule"] == "grant:" + broad
    leaf = json.loads(commons.services.log.leaf_for_use(narrower.use_id).leaf_bytes)
    assert leaf["decision"] == "deny" and leaf["items"] == []
    unrelated = _grant_of(commons, UseQuery(RESEARCH, (GPS,), members=(member,)))
    assert unrelated != broad  # the withdrawal blocks its purpose, not every purpose


def test_a_withdrawal_by_a_member_does_not_block_another_consumer(commons: Commons) -> None:
    member = commons.members[3]
    commons.permit(member)
    grant_id = _grant_of(commons, UseQuery(PLANNING, (GPS,), members=(member,)))
    commons.services.grants.withdraw(member, grant_id)
    consumers = commons.services.consumers
    other = consumers.register("Université de Valmont", "research", "u@valmont.example")
    consumers.approve(other.id)
    _, token = consumers.issue_token(other.id)
    query = UseQuery(PLANNING, (GPS,), members=(member,))
    assert commons.services.gate.request(query, token=token).permitted
    assert not commons.services.gate.request(query, token=commons.token).permitted


def test_a_retired_rule_stops_permitting_at_once(commons: Commons) -> None:
    member = commons.members[4]
    rule = commons.permit(member, categories=frozenset({LOCATION}))
    query = UseQuery(PLANNING, (GPS,), members=(member,))
    assert commons.services.gate.request(query, token=commons.token).permitted
    commons.services.rules.retire(member, rule.id)
    refused = commons.services.gate.request(query, token=commons.token)
    assert refused.outcome is Outcome.DENY and refused.released is None
    again = commons.permit(member, categories=frozenset({LOCATION}))  # the same text, anew
    permitted = commons.services.gate.request(query, token=commons.token)
    assert permitted.permitted and permitted.members[0].rules == (again.id,)


def test_a_revoked_token_is_refused_and_logged(commons: Commons) -> None:
    services = commons.services
    token, secret = services.consumers.issue_token(commons.consumer.id, "second")
    commons.permit(commons.members[5])
    query = UseQuery(PLANNING, (GPS,), members=(commons.members[5],))
    assert services.gate.request(query, token=secret).permitted
    with services.uow(write=True) as uow:
        uow.identity.revoke_token(token.id, services.clock.now())
    before = services.log.state().size
    refused = services.gate.request(query, token=secret)
    assert refused.refusal is Refusal.TOKEN and refused.released is None
    assert services.log.state().size == before + 1
    leaf = json.loads(services.log.leaf_for_use(refused.use_id).leaf_bytes)
    assert leaf["consumer"] == "unauthenticated" and leaf["reasons"] == ["token_invalid"]
    assert services.gate.request(query, token=commons.token).permitted  # the other still works


def test_a_period_releases_only_the_items_it_overlaps(commons: Commons) -> None:
    member = commons.members[6]
    commons.permit(member)
    day_three = Period(datetime(2025, 6, 3, tzinfo=UTC), datetime(2025, 6, 4, tzinfo=UTC))
    query = UseQuery(PLANNING, (GPS,), members=(member,), period=day_three)
    outcome = commons.services.gate.request(query, token=commons.token)
    assert outcome.released is not None
    [released] = outcome.released["members"]
    assert [item["day"] for item in released["items"]] == ["2025-06-03"]
    everything = commons.services.gate.request(
        UseQuery(PLANNING, (GPS,), members=(member,)), token=commons.token
    )
    assert everything.released is not None
    [whole] = everything.released["members"]
    assert sorted(item["day"] for item in whole["items"]) == ["2025-06-02", "2025-06-03"]
