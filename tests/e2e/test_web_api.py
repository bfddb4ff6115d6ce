"""The JSON API: bearer tokens with scopes, owner-only items, RFC 9457 problems."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update

from holoptic.bootstrap import Services
from holoptic.clock import FixedClock
from holoptic.db import schema
from holoptic.identity.model import Scope
from holoptic.vault.model import Member
from holoptic.web.app import create_app

with warnings.catch_warnings():  # starlette nudges towards httpx2; httpx is what we ship
    warnings.filterwarnings("ignore", message="Using `httpx`", category=UserWarning)
    from fastapi.testclient import TestClient

DAYS = [
    {"time": "2026-03-01T08:00:00Z", "lat": 45.1, "lon": 5.7},
    {"time": "2026-03-02T08:00:00Z", "lat": 45.2, "lon": 5.8},
]


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services)) as test_client:
        yield test_client


@pytest.fixture
def member(services: Services) -> Member:
    return services.vault.add_member("Aline", "aline@example.org")


def bearer(services: Services, member: Member, *scopes: Scope) -> dict[str, str]:
    _, secret = services.identity.create_token(member.id, "test", scopes)
    return {"Authorization": f"Bearer {secret}"}


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, object] = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"/api/v1/problems/{code}"
    assert body["title"]
    assert body["detail"]
    return body


def test_health_needs_no_token(client: TestClient) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert "set-cookie" not in response.headers  # the API never uses the session cookie


def test_me_needs_a_token_with_the_profile_scope(
    client: TestClient, services: Services, member: Member
) -> None:
    missing = client.get("/api/v1/me")
    assert_problem(missing, 401, "web.token_required")
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert_problem(
        client.get("/api/v1/me", headers={"Authorization": "Bearer hol_nope"}),
        401,
        "identity.invalid_token",
    )
    wrong_scope = client.get("/api/v1/me", headers=bearer(services, member, Scope.DATA_READ))
    assert_problem(wrong_scope, 403, "identity.insufficient_scope")
    ok = client.get("/api/v1/me", headers=bearer(services, member, Scope.PROFILE_READ))
    assert ok.status_code == 200
    body = ok.json()
    assert (body["id"], body["name"], body["email"]) == (member.id, "Aline", "aline@example.org")
    assert body["communities"] == [{"slug": "default", "name": "Default", "role": "member"}]


def test_items_list_and_read_the_owners_records(
    client: TestClient, services: Services, member: Member
) -> None:
    services.items.store(member.id, "location.point", DAYS)
    services.items.store(member.id, "ads.interest", [{"interest": "Cycling"}])
    headers = bearer(services, member, Scope.DATA_READ)
    listing = client.get("/api/v1/items", headers=headers).json()
    assert len(listing["items"]) == 3
    assert listing["next_offset"] is None
    points = client.get("/api/v1/items?kind=location.point&limit=1", headers=headers).json()
    assert [item["kind"] for item in points["items"]] == ["location.point"]
    assert points["next_offset"] == 1
    second = client.get("/api/v1/items?kind=location.point&limit=1&offset=1", headers=headers)
    assert second.json()["items"][0]["id"] != points["items"][0]["id"]
    item_id = points["items"][0]["id"]
    detail = client.get(f"/api/v1/items/{item_id}", headers=headers).json()
    assert detail["records"] == [DAYS[0]]
    assert detail["record_count"] == 1


def test_summary_counts_per_kind(client: TestClient, services: Services, member: Member) -> None:
    services.items.store(member.id, "location.point", DAYS)
    response = client.get("/api/v1/summary", headers=bearer(services, member, Scope.DATA_READ))
    [kind] = response.json()["kinds"]
    assert (kind["kind"], kind["items"], kind["records"]) == ("location.point", 2, 2)
    assert kind["label"] == "Location points"


def test_another_members_item_is_not_found(
    client: TestClient, services: Services, member: Member
) -> None:
    other = services.vault.add_member("Bruno")
    theirs = services.items.store(other.id, "ads.interest", [{"interest": "Tea"}]).item_ids[0]
    response = client.get(
        f"/api/v1/items/{theirs}", headers=bearer(services, member, Scope.DATA_READ)
    )
    assert_problem(response, 404, "vault.item_not_found")
    assert "Tea" not in response.text


def test_bad_parameters_are_problems(
    client: TestClient, services: Services, member: Member
) -> None:
    headers = bearer(services, member, Scope.DATA_READ)
    assert_problem(
        client.get("/api/v1/items?kind=nope", headers=headers), 422, "vault.unknown_kind"
    )
    body = assert_problem(
        client.get("/api/v1/items?limit=0", headers=headers), 422, "web.invalid_request"
    )
    assert "limit" in str(body["detail"])
    assert_problem(client.get("/api/v1/nowhere", headers=headers), 404, "web.not_found")


def test_revoked_and_expired_tokens_are_refused(
    client: TestClient, services: Services, member: Member, clock: FixedClock
) -> None:
    token, secret = services.identity.create_token(member.id, "t", [Scope.PROFILE_READ])
    services.identity.revoke_token(member.id, token.id)
    headers = {"Authorization": f"Bearer {secret}"}
    assert_problem(client.get("/api/v1/me", headers=headers), 401, "identity.invalid_token")
    _, short = services.identity.create_token(
        member.id, "t", [Scope.PROFILE_READ], expires_at=clock.now() + timedelta(days=1)
    )
    headers = {"Authorization": f"Bearer {short}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    clock.advance(timedelta(days=2))
    assert_problem(client.get("/api/v1/me", headers=headers), 401, "identity.invalid_token")


def test_a_token_without_a_member_reads_nothing(client: TestClient, services: Services) -> None:
    _, secret = services.identity.create_token(None, "consumer", [Scope.DATA_READ])
    response = client.get("/api/v1/items", headers={"Authorization": f"Bearer {secret}"})
    assert_problem(response, 403, "web.token_not_member")


def test_a_corrupted_blob_names_its_item_and_spares_the_others(
    client: TestClient, services: Services, member: Member
) -> None:
    broken, intact = services.items.store(member.id, "location.point", DAYS).item_ids
    with services.engine.begin() as connection:
        connection.execute(
            update(schema.item_blobs)
            .where(schema.item_blobs.c.item_id == broken)
            .values(ciphertext=b"\x01" + b"\x00" * 40)
        )
    headers = bearer(services, member, Scope.DATA_READ)
    body = assert_problem(
        client.get(f"/api/v1/items/{broken}", headers=headers), 500, "vault.item_unreadable"
    )
    assert broken in str(body["detail"])
    assert body["item_id"] == broken
    assert "Traceback" not in str(body)
    assert client.get(f"/api/v1/items/{intact}", headers=headers).json()["records"] == [DAYS[1]]
    assert len(client.get("/api/v1/items", headers=headers).json()["items"]) == 2


def test_openapi_document_lists_the_paths(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert set(document["paths"]) >= {"/health", "/me", "/items", "/items/{item_id}", "/summary"}
    assert {"url": "/api/v1"} in document["servers"]
    assert document["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert client.get("/api/v1/docs").status_code == 404  # Swagger UI would load from a CDN


def test_problem_types_are_described(client: TestClient) -> None:
    described = client.get("/api/v1/problems/vault.item_unreadable").json()
    assert described["code"] == "vault.item_unreadable"
    assert described["title"] == "Item unreadable"
    assert_problem(client.get("/api/v1/problems/no.such"), 404, "web.not_found")
