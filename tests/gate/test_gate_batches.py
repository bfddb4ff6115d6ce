"""Requests settled together answer each one as it would be answered alone."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text

from holoptic.gate.model import Refusal, UseOutcome, UseQuery
from holoptic.gate.service import Asked
from holoptic.rules.model import Aggregation, ConsumerType, Outcome, Period
from holoptic.vault.service import new_id
from tests.gate.conftest import GPS, LOCATION, PLANNING, PUBLIC_BENEFIT, Commons

DAY_THREE = Period(datetime(2025, 6, 3, tzinfo=UTC), datetime(2025, 6, 4, tzinfo=UTC))


def asked(commons: Commons, *members: str, token: str | None = None, **fields: Any) -> Asked:
    query = UseQuery(PLANNING, (GPS,), members=members, **fields)
    return Asked(new_id(), query, token or commons.token, None)


def answer(outcome: UseOutcome | BaseException) -> tuple[Any, ...]:
    """What a consumer is told, use ids and log positions aside."""
    assert isinstance(outcome, UseOutcome), outcome
    return (outcome.outcome, outcome.refusal, outcome.explanation, outcome.released)


def mixed_batch(commons: Commons) -> list[Asked]:
    m = commons.members
    for member in m[:5]:
        commons.permit(
            member, categories=frozenset({LOCATION}), purposes=frozenset({PUBLIC_BENEFIT})
        )
    commons.prohibit(m[1], consumer_types=frozenset({ConsumerType.PUBLIC_BODY}))
    return [
        asked(commons, m[0]),
        asked(commons, m[0]),  # the grant made for the first is reused, not made twice
        asked(commons, m[1]),  # prohibited
        asked(commons, m[5]),  # no rule
        asked(commons, "no-such-member"),
        asked(commons, m[2], token="forged-token"),
        asked(commons, m[3], m[4]),
        asked(commons, m[2], aggregation=Aggregation.PSEUDONYMISED),
        asked(commons, m[0], m[2], m[3], aggregation=Aggregation.AGGREGATE),
        asked(commons, m[3], period=DAY_THREE),  # only the items of that day
        asked(commons, m[4], period=DAY_THREE),  # decided with the one above
    ]


def test_a_mixed_batch_is_answered_request_by_request_as_alone(commons: Commons) -> None:
    gate, log = commons.services.gate, commons.services.log
    batch = mixed_batch(commons)
    before = log.state().size
    together = gate.settle(batch)
    leaves = [i for o in together if isinstance(o, UseOutcome) for i in o.log_indexes]
    assert sorted(leaves) == list(range(before, log.state().size))  # one leaf each, no gap
    assert [o.use_id for o in together if isinstance(o, UseOutcome)] == [a.use_id for a in batch]
    decisions = [(o.outcome, o.refusal) for o in together if isinstance(o, UseOutcome)]
    assert decisions[:6] == [
        (Outcome.PERMIT, None),
        (Outcome.PERMIT, None),
        (Outcome.DENY, None),
        (Outcome.DENY, None),
        (Outcome.DENY, Refusal.NO_MEMBER),
        (Outcome.DENY, Refusal.TOKEN),
    ]
    first, second = together[0], together[1]
    assert isinstance(first, UseOutcome) and isinstance(second, UseOutcome)
    assert first.members[0].grant_id == second.members[0].grant_id
    grants = commons.services.grants.grants(commons.members[0])
    assert len([g for g in grants if g.aggregation is Aggregation.RAW]) == 1
    by_day = together[-1]
    assert isinstance(by_day, UseOutcome) and by_day.released is not None
    [(_, items)] = [(r["member"], r["items"]) for r in by_day.released["members"]]
    assert [item["day"] for item in items] == ["2025-06-03"]
    # The same requests again, one at a time (the grants now exist and are reused).
    alone = [gate.settle([Asked(new_id(), a.query, a.token, a.consumer_id)])[0] for a in batch]
    assert [answer(o) for o in together] == [answer(o) for o in alone]
    assert log.audit().ok


def test_one_failing_request_does_not_fail_the_batch(
    commons: Commons, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="holoptic.gate.service")
    m = commons.members
    for member in m[:2]:
        commons.permit(member, categories=frozenset({LOCATION}))
    with commons.services.engine.begin() as connection:  # the member's key is gone
        connection.execute(text("DELETE FROM member_keys WHERE member_id = :m"), {"m": m[1]})
    gate, log = commons.services.gate, commons.services.log
    before = log.state().size
    good, bad = gate.settle([asked(commons, m[0]), asked(commons, m[1])])
    assert isinstance(good, UseOutcome) and good.outcome is Outcome.PERMIT
    assert isinstance(bad, Exception)
    assert log.state().size == before + 1  # the failed request left nothing
    assert log.audit().ok
    assert "a batch of 2 uses failed (MemberKeyDestroyed" in caplog.text


def test_concurrent_requests_share_transactions_and_lose_nothing(commons: Commons) -> None:
    m = commons.members
    for member in m:
        commons.permit(member, categories=frozenset({LOCATION}))
    gate, log = commons.services.gate, commons.services.log
    settle = gate.settle
    first = threading.Event()

    def slow_first(batch: Sequence[Asked]) -> list[UseOutcome | BaseException]:
        if not first.is_set():  # hold the first batch until others queue behind it
            first.set()
            deadline = time.monotonic() + 10
            while gate.group.waiting < 3 and time.monotonic() < deadline:
                time.sleep(0.001)
        return settle(batch)

    gate.group._settle = slow_first  # type: ignore[method-assign]
    before = log.state().size
    outcomes: list[UseOutcome] = []

    def client(n: int) -> None:
        for k in range(6):
            member = m[(n + k) % len(m)]
            query = UseQuery(PLANNING, (GPS,), members=(member,))
            outcomes.append(gate.request(query, token=commons.token))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 36 and all(o.outcome is Outcome.PERMIT for o in outcomes)
    assert gate.group.batches < gate.group.requests  # some requests shared a transaction
    indexes = sorted(i for o in outcomes for i in o.log_indexes)
    assert indexes == list(range(before, before + 36))
    assert log.audit().ok
