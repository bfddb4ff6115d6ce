"""Daily flows are posted set-based by the database (``post_flow``); ``apply_flow`` is
the reference. On both backends, for random books and legs, the database must write
exactly the transfers and balances ``apply_flow`` computes and refuse the same legs."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from holoptic.bootstrap import Services
from holoptic.db import schema
from holoptic.ledger.accounts import holder_account
from holoptic.ledger.flows import FlowBatch, FlowKind, FlowPosted, apply_flow
from holoptic.ledger.model import AccountKind, Balance, Transfer
from tests.ledger.workload import HOLDER

SPEC = Path(__file__).parents[2] / "examples" / "currencies" / "village.toml"
AT = datetime(2026, 3, 1, 4, tzinfo=UTC)
DAY = date(2026, 3, 1)
_books = itertools.count()

holders = st.lists(HOLDER, max_size=8)


@pytest.fixture
def val(services: Services) -> Services:
    services.vault.create_community("valmont", "Valmont-sur-Lize")
    services.currencies.create(SPEC.read_text())
    return services


def _book(services: Services, rows: list[Any], system: tuple[int | None, int]) -> list[str]:
    """Accounts of a book nobody else uses (ids tagged per example): the system one
    first, then the holders."""
    tag = next(_books)
    ids = [f"VAL:t{tag}:system", *(f"VAL:t{tag}:member:{n}" for n in range(len(rows)))]
    specs = [(system[0], None, system[1], 0, 0), *(row[:5] for row in rows)]
    accounts = [
        {"id": i, "currency": "VAL", "kind": "member" if n else "issuance", "owner": f"{tag}-{n}"}
        | {"lower": lower, "soft": None, "upper": upper, "posted": posted}
        | {"debits_pending": debits, "credits_pending": credits, "created_at": AT}
        for n, (i, (lower, upper, posted, debits, credits)) in enumerate(
            zip(ids, specs, strict=True)
        )
    ]
    with services.uow(write=True) as uow:
        uow.connection.execute(insert(schema.ledger_accounts), accounts)
    return ids


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=st.sampled_from(list(FlowKind)),
    rows=holders,
    system=st.tuples(st.sampled_from([None, 0]), st.integers(-100, 1_000)),
    missing=st.booleans(),
)
def test_the_database_posts_what_apply_flow_computes(
    val: Services, kind: FlowKind, rows: list[Any], system: tuple[int | None, int], missing: bool
) -> None:
    for lower, upper, posted, debits, credits, _ in rows:
        assume(lower is None or posted - debits >= lower)  # a sound book to start from
        assume(upper is None or posted + credits <= upper)
    assume(system[0] is None or system[1] >= system[0])
    ids = _book(val, rows, system)
    legs = {i: row[5] for i, row in zip(ids[1:], rows, strict=True)}
    if missing:
        legs[ids[0] + "-gone"] = 10  # no such account
    batch = FlowBatch.of(DAY, kind, "VAL", ids[0], legs)
    with val.uow() as uow:
        expected = apply_flow(batch, uow.ledger.state(ids, []), AT)
    with val.uow(write=True) as uow:
        posted = uow.ledger.post_flow(batch, AT)
    assert posted.problems() == []
    assert sorted(posted.refused) == sorted(expected.refused)
    assert posted.amount == sum(x.amount for x in expected.changes.transfers)
    with val.uow() as uow:
        after = uow.ledger.state(ids, [batch.transfer_id(a) for a in legs])
    assert sorted(after.transfers, key=_key) == sorted(expected.changes.transfers, key=_key)
    for account_id, balance in expected.changes.balances.items():
        assert after.balances[account_id] == balance
    untouched = set(ids) - set(expected.changes.balances)
    before = {ids[0]: Balance(system[1])}
    before |= {i: Balance(r[2], r[3], r[4]) for i, r in zip(ids[1:], rows, strict=True)}
    assert {i: after.balances[i] for i in untouched} == {i: before[i] for i in untouched}


def test_a_holder_left_outside_its_limits_is_reported(val: Services) -> None:
    """A book already unsound (a floor broken before the flow): the dividend does not
    mend it, and the flow says which account is outside its limits afterwards."""
    ids = _book(val, [(-200, None, -300, 0, 0, 10), (0, None, 50, 0, 0, 10)], (None, 0))
    batch = FlowBatch.of(DAY, FlowKind.DIVIDEND, "VAL", ids[0], {ids[1]: 10, ids[2]: 10})
    with val.uow(write=True) as uow:
        posted = uow.ledger.post_flow(batch, AT)
    assert (posted.balances_moved, posted.outside_limits) == (2, (ids[1],))
    assert posted.problems() == [f"{ids[1]} is outside its limits"]


def _key(transfer: Transfer) -> str:
    return transfer.id


def test_a_leg_posted_before_fails_its_whole_batch(val: Services) -> None:
    ids = _book(val, [(None, None, 100, 0, 0, 5), (None, None, 100, 0, 0, 7)], (None, 0))
    first = FlowBatch.of(DAY, FlowKind.DIVIDEND, "VAL", ids[0], {ids[1]: 5})
    with val.uow(write=True) as uow:
        assert uow.ledger.post_flow(first, AT).problems() == []
    both = FlowBatch.of(DAY, FlowKind.DIVIDEND, "VAL", ids[0], {ids[1]: 5, ids[2]: 7})
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"), val.uow(write=True) as uow:
        uow.ledger.post_flow(both, AT)
    with val.uow() as uow:
        state = uow.ledger.state(ids, [both.transfer_id(ids[2])])
    assert state.transfers == ()  # the batch left nothing behind
    assert state.balances[ids[2]] == Balance(100) and state.balances[ids[0]] == Balance(-5)


def test_counts_that_disagree_are_a_broken_invariant() -> None:
    assert FlowPosted(2, 10, (), 2, 2, 1).problems() == []
    found = FlowPosted(2, 10, (), 1, 2, 0, ("VAL:member:x",)).problems()
    assert found == [
        "1 transfers written for 2 legs",
        "the system account's balance moved while the batch was posted",
        "VAL:member:x is outside its limits",
    ]


def test_open_holders_opens_the_missing_accounts_once_with_the_spec_limits(
    val: Services,
) -> None:
    spec = val.currencies.spec("VAL")
    like = holder_account(spec, AccountKind.MEMBER, "", AT)
    with val.uow(write=True) as uow:
        uow.ledger.open_accounts([holder_account(spec, AccountKind.MEMBER, "m-b", AT)])
        opened = uow.ledger.open_holders(like, ["m-a", "m-b", "m-c"])
        again = uow.ledger.open_holders(like, ["m-a", "m-c"])
        accounts = {a.id: a for a in uow.ledger.accounts("VAL") if a.kind is AccountKind.MEMBER}
    assert (opened, again) == (2, 0)
    assert set(accounts) == {"VAL:member:m-a", "VAL:member:m-b", "VAL:member:m-c"}
    for owner in ("m-a", "m-c"):
        account = accounts[f"VAL:member:{owner}"]
        expected = holder_account(spec, AccountKind.MEMBER, owner, AT)
        assert (account.owner, account.kind, account.lower, account.soft, account.upper) == (
            owner,
            AccountKind.MEMBER,
            expected.lower,
            expected.soft,
            expected.upper,
        )
        assert account.created_at == AT


def test_open_holders_needs_an_opening_time(val: Services) -> None:
    like = holder_account(val.currencies.spec("VAL"), AccountKind.MEMBER, "", AT)
    with val.uow(write=True) as uow, pytest.raises(ValueError, match="opening time"):
        uow.ledger.open_holders(replace(like, created_at=None), ["m-a"])
