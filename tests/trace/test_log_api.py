"""The usage log's public API: checkpoint, leaves, proofs, problems for bad parameters."""

from __future__ import annotations

import base64
import warnings
from collections.abc import Iterator

import pytest

from holoptic.bootstrap import Services
from holoptic.trace import merkle
from holoptic.trace.checkpoint import verify_checkpoint
from holoptic.trace.log import UsageLog
from holoptic.trace.verify import verify_consistency_document, verify_leaves
from holoptic.web.app import create_app
from tests.e2e.test_web_api import assert_problem

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx`", category=UserWarning)
    from fastapi.testclient import TestClient


@pytest.fixture
def client(services: Services, log: UsageLog) -> Iterator[TestClient]:
    log.append_many([{"use_id": f"u{n}", "n": n} for n in range(13)])
    with TestClient(create_app(services)) as test_client:
        yield test_client


def test_the_checkpoint_is_a_signed_note(client: TestClient, log: UsageLog) -> None:
    response = client.get("/api/v1/log/checkpoint")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    checkpoint = verify_checkpoint(response.text, log.verifier())
    assert (checkpoint.size, checkpoint.root_hash) == (13, log.root())


def test_leaves_page_through_the_log(client: TestClient, log: UsageLog) -> None:
    first = client.get("/api/v1/log/leaves", params={"start": 0, "end": 5}).json()
    assert (first["start"], first["end"], first["tree_size"]) == (0, 5, 13)
    rest = client.get("/api/v1/log/leaves", params={"start": 5, "end": 100}).json()
    assert rest["end"] == 13
    done = client.get("/api/v1/log/leaves", params={"start": 13}).json()
    assert (done["end"], done["leaves"]) == (13, [])
    leaves = first["leaves"] + rest["leaves"]
    assert [leaf["index"] for leaf in leaves] == list(range(13))
    leaf = base64.b64decode(leaves[3]["leaf"])
    assert leaf == b'{"n":3,"use_id":"u3"}'
    assert leaves[3]["leaf_hash"] == merkle.leaf_hash(leaf).hex()
    note = client.get("/api/v1/log/checkpoint").text
    assert verify_leaves(note, log.verifier(), leaves).size == 13


def test_inclusion_proofs(client: TestClient, log: UsageLog) -> None:
    latest = client.get("/api/v1/log/proof/inclusion", params={"index": 6}).json()
    assert latest["tree_size"] == 13
    checkpoint = verify_checkpoint(latest["checkpoint"], log.verifier())
    merkle.verify_inclusion(
        bytes.fromhex(latest["leaf_hash"]),
        6,
        13,
        [bytes.fromhex(h) for h in latest["proof"]],
        checkpoint.root_hash,
    )
    older = client.get("/api/v1/log/proof/inclusion", params={"index": 6, "size": 9}).json()
    assert older["tree_size"] == 9 and older["checkpoint"] is None


def test_consistency_proofs(client: TestClient, log: UsageLog) -> None:
    old_note = log.checkpoint()
    log.append_many([{"n": n} for n in range(100, 120)])
    new_note = client.get("/api/v1/log/checkpoint").text
    document = client.get("/api/v1/log/proof/consistency", params={"from": 13}).json()
    assert (document["from"], document["to"]) == (13, 33)
    extended = verify_consistency_document(new_note, old_note, log.verifier(), document)
    assert extended.new.size == 33


@pytest.mark.parametrize(
    ("url", "params", "status", "code"),
    [
        ("leaves", {"start": 14}, 404, "log.beyond_size"),
        ("leaves", {"start": 4, "end": 4}, 400, "log.bad_range"),
        ("leaves", {"start": -1}, 400, "log.bad_range"),
        ("proof/inclusion", {"index": 13, "size": 13}, 400, "log.bad_range"),
        ("proof/inclusion", {"index": 0, "size": 14}, 404, "log.beyond_size"),
        ("proof/consistency", {"from": 0, "to": 5}, 400, "log.empty_tree"),
        ("proof/consistency", {"from": 6, "to": 5}, 400, "log.bad_range"),
        ("proof/consistency", {"from": 2, "to": 99}, 404, "log.beyond_size"),
        ("proof/inclusion", {"index": "x"}, 422, "web.invalid_request"),
    ],
)
def test_bad_parameters_are_problems(
    client: TestClient, url: str, params: dict[str, object], status: int, code: str
) -> None:
    assert_problem(client.get(f"/api/v1/log/{url}", params=params), status, code)


def test_the_log_needs_no_token_and_is_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/log/checkpoint", "/log/leaves", "/log/proof/inclusion"} <= set(paths)
