"""The usage log service on SQLite and PostgreSQL: appends, proofs, checkpoints, audit."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, event, inspect, select, update

from holoptic.bootstrap import Services
from holoptic.db import schema
from holoptic.db.uow import SqlUnitOfWork
from holoptic.gate.ports import StoredUse
from holoptic.trace import merkle
from holoptic.trace.canonical import canonical
from holoptic.trace.checkpoint import verify_checkpoint
from holoptic.trace.errors import (
    BadRange,
    BeyondLog,
    DuplicateUse,
    EmptyTreeProof,
    InconsistentHead,
    InvalidLeaf,
    UseNotLogged,
)
from holoptic.trace.log import UsageLog
from holoptic.trace.model import use_leaf
from holoptic.trace.verify import verify_inclusion_document
from tests.trace.conftest import mth, path, proof


def leaf(n: int) -> dict[str, object]:
    return use_leaf(
        f"use-{n}",
        datetime(2026, 5, 1, 12, tzinfo=UTC),
        consumer="town-hall",
        purpose="https://w3id.org/dpv#ServiceProvision",
        decision="permit" if n % 3 else "deny",
        rules=[f"rule-{n % 4}"],
        items=[f"{n:064x}"],
    )


def fill(log: UsageLog, count: int) -> list[bytes]:
    log.append_many([leaf(n) for n in range(count)])
    return [canonical(leaf(n)) for n in range(count)]


def test_appends_return_consecutive_indexes_and_rfc_leaf_hashes(log: UsageLog) -> None:
    first = log.append(leaf(0))
    rest = log.append_many([leaf(1), leaf(2)])
    assert [first.index, *(r.index for r in rest)] == [0, 1, 2]
    assert first.leaf_hash == merkle.leaf_hash(canonical(leaf(0)))
    stored = log.leaves(0, 10)
    assert [json.loads(s.leaf_bytes)["use_id"] for s in stored] == ["use-0", "use-1", "use-2"]
    assert stored[0].leaf_bytes == canonical(leaf(0))


def test_roots_and_proofs_match_the_rfc_reference(log: UsageLog) -> None:
    entries = fill(log, 37)
    assert log.root() == mth(entries)
    for index, size in [(0, 1), (5, 8), (36, 37), (17, 30), (0, 37)]:
        assert list(log.inclusion_proof(index, size).hashes) == path(index, entries[:size])
    for first, second in [(1, 37), (8, 37), (13, 30), (36, 37)]:
        assert list(log.consistency_proof(first, second).hashes) == proof(first, entries[:second])
    assert log.consistency_proof(37, 37).hashes == ()


def test_a_proof_costs_a_few_queries(services: Services, log: UsageLog) -> None:
    """O(log n) node rows (see test_merkle) fetched in a constant number of queries."""
    fill(log, 300)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(services.engine, "before_cursor_execute", count)
    try:
        for index in range(0, 300, 37):
            statements.clear()
            log.inclusion_proof(index, 300)
            assert len([s for s in statements if "log_" in s]) <= 3
        for first, second in [(123, 300), (5, 300), (123, 250), (1, 2)]:  # now, and past sizes
            statements.clear()
            log.consistency_proof(first, second)
            assert len([s for s in statements if "log_" in s]) <= 3
    finally:
        event.remove(services.engine, "before_cursor_execute", count)


def test_the_empty_tree(log: UsageLog) -> None:
    note = log.checkpoint()
    checkpoint = verify_checkpoint(note, log.verifier())
    assert (checkpoint.size, checkpoint.root_hash) == (0, merkle.EMPTY_ROOT)
    with pytest.raises(EmptyTreeProof):
        log.consistency_proof(0, 0)
    fill(log, 3)
    with pytest.raises(EmptyTreeProof):
        log.consistency_proof(0, 3)
    assert verify_checkpoint(log.checkpoint(), log.verifier()).size == 3  # signed after 0


def test_checkpoints_are_signed_once_per_head(log: UsageLog) -> None:
    fill(log, 5)
    note = log.checkpoint()
    assert log.checkpoint() == note
    log.append({"use_id": "later", "n": 1})
    later = verify_checkpoint(log.checkpoint(), log.verifier())
    assert later.origin == "test.example/log"
    assert later.size == 6


def test_never_two_inconsistent_heads(services: Services, log: UsageLog) -> None:
    fill(log, 6)
    log.checkpoint()
    # Rewrite history consistently: a new leaf 2, its nodes and the state, as an attacker
    # with database access would. The log must refuse to sign the result.
    fill_forged(services, 6, forged_index=2)
    with pytest.raises(InconsistentHead):
        log.checkpoint()
    log.append({"n": 7})  # growing a forged tree does not make it consistent either
    with pytest.raises(InconsistentHead):
        log.checkpoint()


def fill_forged(services: Services, size: int, forged_index: int) -> bytes:
    entries = [canonical(leaf(n)) for n in range(size)]
    entries[forged_index] = canonical({"forged": True})
    border = merkle.CompactRange()
    with services.engine.begin() as connection:
        for index, entry in enumerate(entries):
            connection.execute(
                update(schema.log_leaves)
                .where(schema.log_leaves.c.leaf_index == index)
                .values(leaf_bytes=entry, hashes=border.push(merkle.leaf_hash(entry)))
            )
        connection.execute(update(schema.log_state).values(peaks=b"".join(border.peaks)))
    return border.root()


def record(uow: SqlUnitOfWork, use_id: str, first: int, count: int) -> None:
    """What the gate writes beside a use's leaves: the row that says which they are."""
    at = datetime(2026, 5, 1, 12, tzinfo=UTC)
    stored = StoredUse(use_id, None, "dpv:ServiceProvision", "raw", "permit", {}, first, count, at)
    uow.uses.add_use(stored, [], at)


def test_proof_for_use_verifies_offline(services: Services, log: UsageLog) -> None:
    fill(log, 11)
    with services.uow(write=True) as uow:
        record(uow, "use-4", 4, 1)
        record(uow, "three-parts", 5, 3)
    found = log.proof_for_use("use-4")
    included = verify_inclusion_document(found.checkpoint, log.verifier(), found.document())
    assert (included.leaf_index, included.checkpoint.size) == (4, 11)
    assert log.leaf_for_use("three-parts").index == 5
    assert log.leaf_for_use("three-parts#2").index == 7
    for missing in ("nobody", "use-0", "three-parts#3", "three-parts#x", "use-4#-1"):
        with pytest.raises(UseNotLogged):
            log.leaf_for_use(missing)


def test_a_use_recorded_twice_leaves_the_log_as_it_was(services: Services, log: UsageLog) -> None:
    fill(log, 3)
    with services.uow(write=True) as uow:
        record(uow, "use-1", log.append_in(uow.trace, leaf(1)).index, 1)
    before = log.state()
    with pytest.raises(DuplicateUse), services.uow(write=True) as uow:
        record(uow, "use-1", log.append_in(uow.trace, leaf(1)).index, 1)
    assert log.state() == before and len(log.leaves(0, 10)) == 4


def test_the_audit_detects_a_row_changed_in_the_database(services: Services, log: UsageLog) -> None:
    fill(log, 20)
    log.checkpoint()
    assert log.audit().ok
    with services.engine.begin() as connection:
        connection.execute(
            update(schema.log_leaves)
            .where(schema.log_leaves.c.leaf_index == 9)
            .values(leaf_bytes=canonical({"use_id": "use-9", "decision": "permit"}))
        )
    report = log.audit()
    kinds = {(p.kind, p.position) for p in report.problems}
    assert ("leaf_hash", 9) in kinds
    assert ("checkpoint_root", 20) in kinds
    assert ("node", 4) in {(p.kind, p.position) for p in report.problems if p.level == 1}


def test_each_leaf_row_holds_its_hash_and_the_subtrees_it_completes(
    services: Services, log: UsageLog
) -> None:
    entries = fill(log, 8)
    with services.engine.connect() as connection:
        query = select(schema.log_leaves.c.leaf_index, schema.log_leaves.c.hashes)
        rows = {index: bytes(hashes) for index, hashes in connection.execute(query)}
    hashed = [merkle.leaf_hash(entry) for entry in entries]
    assert rows[0] == hashed[0] and rows[6] == hashed[6]  # even leaves complete nothing
    assert rows[1] == hashed[1] + mth(entries[0:2])
    assert rows[5] == hashed[5] + mth(entries[4:6])
    assert rows[7] == hashed[7] + mth(entries[6:8]) + mth(entries[4:8]) + mth(entries[0:8])
    assert not inspect(services.engine).has_table("log_nodes")


def test_the_audit_compares_every_hash_a_row_holds(services: Services, log: UsageLog) -> None:
    fill(log, 8)
    assert log.audit().ok

    def rewrite(index: int, change: Callable[[bytes], bytes]) -> None:
        c = schema.log_leaves.c
        with services.engine.begin() as connection:
            stored = connection.execute(select(c.hashes).where(c.leaf_index == index)).scalar_one()
            connection.execute(
                update(schema.log_leaves).where(c.leaf_index == index).values(hashes=change(stored))
            )

    rewrite(7, lambda hashes: hashes[:64] + bytes(32) + hashes[96:])  # node (2, 1)
    rewrite(3, lambda hashes: hashes[:64])  # drops node (2, 0)
    rewrite(4, lambda hashes: hashes + bytes(32))  # a hash no subtree needs
    found = {(p.kind, p.position, p.level) for p in log.audit().problems}
    assert found == {("node", 1, 2), ("node", 0, 2), ("node_count", 5, 0)}


def test_the_audit_detects_a_deleted_leaf(services: Services, log: UsageLog) -> None:
    fill(log, 8)
    with services.engine.begin() as connection:
        connection.execute(delete(schema.log_leaves).where(schema.log_leaves.c.leaf_index == 3))
    assert ("leaf_missing", 3) in {(p.kind, p.position) for p in log.audit().problems}


def test_append_in_belongs_to_the_callers_transaction(services: Services, log: UsageLog) -> None:
    def release_that_fails() -> None:
        with services.uow(write=True) as uow:
            log.append_in(uow.trace, leaf(0))
            raise RuntimeError("the release failed")

    with pytest.raises(RuntimeError):
        release_that_fails()
    assert log.state().size == 0
    with services.uow() as uow:
        receipt = log.append_in(uow.trace, leaf(0))
    assert receipt.index == 0 and log.state().size == 1


def test_bad_input(log: UsageLog) -> None:
    fill(log, 3)
    with pytest.raises(InvalidLeaf):
        log.append({"n": float("nan")})
    with pytest.raises(InvalidLeaf):
        log.append({"blob": "x" * 70_000})
    with pytest.raises(BeyondLog):
        log.inclusion_proof(1, 4)
    with pytest.raises(BadRange):
        log.inclusion_proof(3, 3)
    with pytest.raises(BadRange):
        log.consistency_proof(3, 2)
    assert log.leaves(3, 5) == []
    with pytest.raises(BeyondLog):
        log.leaves(4, 5)
    with pytest.raises(BadRange):
        log.leaves(2, 2)
    assert log.state().size == 3
