"""Daily flows skip the general engine: ``apply_flow`` must write exactly what
``Book.apply`` writes for the same batch, legs refused by a limit included."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import assume, given
from hypothesis import strategies as st

from holoptic.ledger.book import Book
from holoptic.ledger.flows import FlowBatch, FlowKind, apply_flow
from holoptic.ledger.invariants import check_changes
from holoptic.ledger.model import Account, AccountKind, Balance
from holoptic.ledger.state import BookState
from tests.ledger.workload import HOLDER

AT = datetime(2026, 3, 1, 4, tzinfo=UTC)
SYSTEM = {FlowKind.DEMURRAGE: ("X:demurrage", 0), FlowKind.DIVIDEND: ("X:issuance", None)}

holders = st.dictionaries(
    st.sampled_from([f"X:member:{n}" for n in range(8)]),
    HOLDER,
    max_size=8,
)


@given(kind=st.sampled_from(list(FlowKind)), rows=holders, missing=st.booleans())
def test_apply_flow_writes_what_the_engine_writes(
    kind: FlowKind,
    rows: dict[str, tuple[int | None, int | None, int, int, int, int]],
    missing: bool,
) -> None:
    system, floor = SYSTEM[kind]
    accounts = [Account(system, "X", AccountKind.ISSUANCE, None, floor)]
    balances = {system: Balance(1_000)}
    for account_id, (lower, upper, posted, debits, credits, _) in rows.items():
        assume(lower is None or posted - debits >= lower)  # a sound book to start from
        assume(upper is None or posted + credits <= upper)
        accounts.append(Account(account_id, "X", AccountKind.MEMBER, "m", lower, None, upper))
        balances[account_id] = Balance(posted, debits, credits)
    legs = {a: row[5] for a, row in rows.items()}
    if missing:
        legs["X:member:gone"] = 10  # an account the state does not hold
    batch = FlowBatch.of(date(2026, 3, 1), kind, "X", system, legs)
    state = BookState(tuple(accounts), balances)

    fast = apply_flow(batch, state, AT)
    engine = Book.from_state(state).apply(batch.transfers(AT), AT)

    assert fast.changes == engine.changes
    refused = {r.transfer_id for r in engine.results if r.refusal}
    assert {batch.transfer_id(a) for a in fast.refused} == refused
    assert check_changes(fast.changes, {a.id: a for a in accounts}) == []


def test_a_missing_system_account_refuses_every_leg() -> None:
    member = Account("X:member:a", "X", AccountKind.MEMBER, "a", 0)
    batch = FlowBatch.of(date(2026, 3, 1), FlowKind.DIVIDEND, "X", "X:issuance", {member.id: 5})
    fast = apply_flow(batch, BookState((member,), {}), AT)
    assert fast.refused == (member.id,)
    assert fast.changes.empty
