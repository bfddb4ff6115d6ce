"""``holoptic log``: checkpoint, key, proofs, offline verification and audit, end to end."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from sqlalchemy import update

from holoptic.db import schema
from holoptic.trace.canonical import canonical
from holoptic.trace.checkpoint import Verifier, verify_checkpoint
from tests.e2e.conftest import Cli, one_line


def append(cli: Cli, count: int, start: int = 0) -> None:
    with cli.services() as services:
        services.log.append_many(
            [
                {"use_id": f"use-{n}", "purpose": "dpv:ServiceProvision", "n": n}
                for n in range(start, start + count)
            ]
        )


def files(cli: Cli, tmp_path: Path) -> tuple[Path, Path]:
    """The auditor's files: the log's public key and a checkpoint they trust."""
    key = tmp_path / "log.vkey"
    key.write_text(cli.ok("log", "key").stdout)
    checkpoint = tmp_path / "checkpoint.txt"
    checkpoint.write_text(cli.ok("log", "checkpoint").stdout)
    return key, checkpoint


OFFLINE = {  # verify must not need either: nothing is there
    "HOLOPTIC_HOME": "/nonexistent/holoptic-home",
    "HOLOPTIC_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
}


def test_key_and_checkpoint(ready: Cli) -> None:
    key_file = ready.home / "keys" / "log.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    append(ready, 5)
    verifier = Verifier.parse(ready.ok("log", "key").stdout.strip())
    checkpoint = verify_checkpoint(ready.ok("log", "checkpoint").stdout, verifier)
    assert checkpoint.size == 5 and checkpoint.origin == verifier.name


def test_a_proof_verifies_offline(ready: Cli, tmp_path: Path) -> None:
    append(ready, 9)
    key, checkpoint = files(ready, tmp_path)
    document = ready.json("log", "proof", "--index", "4")
    assert set(document) == {"leaf_index", "tree_size", "leaf", "proof", "checkpoint"}
    assert (document["leaf_index"], document["tree_size"]) == (4, 9)
    assert document["checkpoint"] == checkpoint.read_text()
    proof = tmp_path / "proof.json"
    proof.write_text(json.dumps(document))
    for key_argument in (str(key), key.read_text().strip()):
        result = ready.ok(
            "log",
            "verify",
            "--checkpoint",
            str(checkpoint),
            "--key",
            key_argument,
            "--proof",
            str(proof),
            **OFFLINE,
        )
        assert "Verified: leaf 4 is in the log" in result.stdout
    assert not Path(OFFLINE["HOLOPTIC_HOME"]).exists()
    by_index = ready.ok("log", "proof", "--index", "4").stdout
    assert "Leaf 4 of the tree of 9 leaves" in by_index


def test_consistency_verifies_offline_and_a_swap_fails(ready: Cli, tmp_path: Path) -> None:
    append(ready, 6)
    key, old = files(ready, tmp_path)
    append(ready, 10, start=6)
    new = tmp_path / "new.txt"
    new.write_text(ready.ok("log", "checkpoint").stdout)
    with ready.services() as services:
        proof = services.log.consistency_proof(6, 16)
    consistency = tmp_path / "consistency.json"
    consistency.write_text(
        json.dumps({"from": 6, "to": 16, "proof": [h.hex() for h in proof.hashes]})
    )
    arguments = ["log", "verify", "--key", str(key), "--consistency", str(consistency)]
    result = ready.ok(*arguments, "--checkpoint", str(new), "--old-checkpoint", str(old), **OFFLINE)
    assert "of 16 leaves extends its tree of 6" in result.stdout
    swapped = ready(*arguments, "--checkpoint", str(old), "--old-checkpoint", str(new))
    assert swapped.exit_code == 1
    assert "do not fit together" in one_line(swapped)


def test_a_row_changed_in_the_database_is_detected(ready: Cli, tmp_path: Path) -> None:
    append(ready, 12)
    key, checkpoint = files(ready, tmp_path)
    with ready.raw_engine() as engine, engine.begin() as connection:
        connection.execute(
            update(schema.log_leaves)
            .where(schema.log_leaves.c.leaf_index == 7)
            .values(leaf_bytes=canonical({"use_id": "use-7", "purpose": "dpv:Marketing", "n": 7}))
        )
    proof = tmp_path / "proof.json"
    proof.write_text(ready.ok("log", "proof", "--index", "7", "--json").stdout)
    verify = ["log", "verify", "--checkpoint", str(checkpoint), "--key", str(key)]
    failed = ready(*verify, "--proof", str(proof), **OFFLINE)
    assert failed.exit_code == 1
    assert "verification failed" in one_line(failed)
    french = ready(*verify, "--proof", str(proof), HOLOPTIC_LANG="fr", **OFFLINE)
    assert "la vérification a échoué" in one_line(french)

    with ready.services() as services:
        leaves = [
            {"index": leaf.index, "leaf": __import__("base64").b64encode(leaf.leaf_bytes).decode()}
            for leaf in services.log.leaves(0, 12)
        ]
    dump = tmp_path / "leaves.json"
    dump.write_text(json.dumps({"leaves": leaves}))
    replay = ready(*verify, "--leaves", str(dump), **OFFLINE)
    assert replay.exit_code == 1
    assert "verification failed" in one_line(replay)

    audit = ready("log", "audit")
    assert audit.exit_code == 1
    assert "leaf 7: its stored hash does not match its bytes" in audit.stdout
    assert "the checkpoint of size 12 does not match the leaves" in audit.stdout


def test_an_intact_log_passes_the_audit(ready: Cli) -> None:
    append(ready, 3)
    ready.ok("log", "checkpoint")
    assert ready.json("log", "audit")["ok"] is True
    assert "The log is intact: 3 leaves" in ready.ok("log", "audit").stdout


def test_usage_errors(ready: Cli, tmp_path: Path) -> None:
    key, checkpoint = files(ready, tmp_path)
    assert ready("log", "proof").exit_code == 2
    assert ready("log", "proof", "--use", "a", "--index", "1").exit_code == 2
    neither = ready("log", "verify", "--checkpoint", str(checkpoint), "--key", str(key))
    assert neither.exit_code == 2
    missing = ready("log", "proof", "--use", "nobody")
    assert missing.exit_code == 1 and "no leaf of the usage log is for use nobody" in one_line(
        missing
    )
    bad_key = ready(
        "log",
        "verify",
        "--checkpoint",
        str(checkpoint),
        "--key",
        "nope",
        "--leaves",
        str(checkpoint),
    )
    assert bad_key.exit_code == 1 and "not an Ed25519 signed-note key" in one_line(bad_key)
