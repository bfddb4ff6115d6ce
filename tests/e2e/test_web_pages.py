"""Home, tokens, steward area, languages and error pages, through the real app."""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from holoptic.bootstrap import Services
from holoptic.identity.errors import InvalidToken
from holoptic.identity.model import Scope
from holoptic.vault.model import Member, Role
from holoptic.web.app import create_app

with warnings.catch_warnings():  # starlette nudges towards httpx2; httpx is what we ship
    warnings.filterwarnings("ignore", message="Using `httpx`", category=UserWarning)
    from fastapi.testclient import TestClient

PASSWORD = "a long enough passphrase"
STATIC = Path(__file__).resolve().parents[2] / "src" / "holoptic" / "web" / "static"
MARKER = "rue-des-Lilas-marker-7731"


def csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found, f"no CSRF field on {path}"
    return found.group(1)


def logged_in(
    app: FastAPI, services: Services, role: Role = Role.MEMBER
) -> tuple[TestClient, Member]:
    """A client logged in as a new member (created through the service, then the login form)."""
    count = len(services.vault.members())
    email = f"member{count}@example.org"
    member = services.identity.sign_up(f"Member {count}", email, PASSWORD, role=role)
    client = TestClient(app, headers={"Accept-Language": "en"})
    form = {"csrf_token": csrf(client, "/login"), "email": email, "password": PASSWORD}
    assert client.post("/login", data=form).url.path == "/home"
    return client, member


@pytest.fixture
def app(services: Services) -> FastAPI:
    return create_app(services)


@pytest.fixture
def anonymous(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


def test_home_summarises_the_members_data(app: FastAPI, services: Services) -> None:
    client, member = logged_in(app, services)
    records = [
        {"time": "2026-03-01T08:00:00Z", "lat": 45.1, "lon": 5.7, "note": MARKER},
        {"time": "2026-03-04T09:00:00Z", "lat": 45.2, "lon": 5.8},
    ]
    services.items.store(member.id, "location.point", records)
    services.items.store(member.id, "ads.interest", [{"interest": "Cycling"}])
    page = client.get("/home")
    assert page.status_code == 200
    assert "Location points" in page.text
    assert "Inferred interests" in page.text
    assert "pd:GPSCoordinate" in page.text
    assert "Mar 1, 2026" in page.text
    assert "Mar 4, 2026" in page.text
    assert "Default" in page.text  # the community
    assert MARKER not in page.text  # the home page shows counts, not contents


def test_empty_vault_says_so(app: FastAPI, services: Services) -> None:
    client, _ = logged_in(app, services)
    assert "Your vault is empty for now." in client.get("/home").text


def test_token_is_shown_once_then_listed_and_revocable(app: FastAPI, services: Services) -> None:
    client, member = logged_in(app, services)
    form = {"csrf_token": csrf(client, "/tokens"), "name": "dashboard", "lifetime": "30"}
    created = client.post("/tokens", data=form | {"scopes": ["data:read", "profile:read"]})
    assert created.status_code == 200
    secret = re.search(r"hol_[A-Za-z0-9_-]+", created.text)
    assert secret, "the new token's secret is shown"
    token = services.identity.verify_token(secret.group(0), Scope.DATA_READ)
    assert token.scopes == {Scope.DATA_READ, Scope.PROFILE_READ}
    listing = client.get("/tokens").text
    assert "dashboard" in listing
    assert secret.group(0) not in listing  # shown once only
    revoke = client.post(f"/tokens/{token.id}/revoke", data={"csrf_token": csrf(client, "/tokens")})
    assert revoke.url.path == "/tokens"
    assert "The token was revoked." in revoke.text
    with pytest.raises(InvalidToken):
        services.identity.verify_token(secret.group(0))
    assert services.identity.tokens(member.id)[0].revoked_at is not None


def test_token_form_needs_a_permission(app: FastAPI, services: Services) -> None:
    client, member = logged_in(app, services)
    form = {"csrf_token": csrf(client, "/tokens"), "name": "robot", "lifetime": "90"}
    response = client.post("/tokens", data=form)
    assert response.status_code == 422
    assert "choose at least one permission" in response.text
    assert services.identity.tokens(member.id) == []


def test_htmx_token_requests_get_only_the_panel(app: FastAPI, services: Services) -> None:
    client, _ = logged_in(app, services)
    form = {"csrf_token": csrf(client, "/tokens"), "name": "robot", "scopes": "data:read"}
    response = client.post("/tokens", data=form, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="tokens-panel"')
    assert "<html" not in response.text


def test_revoking_someone_elses_token_is_not_found(app: FastAPI, services: Services) -> None:
    client, _ = logged_in(app, services)
    other = services.vault.add_member("Other")
    token, _ = services.identity.create_token(other.id, "theirs", [Scope.DATA_READ])
    response = client.post(
        f"/tokens/{token.id}/revoke", data={"csrf_token": csrf(client, "/tokens")}
    )
    assert response.status_code == 404
    assert services.identity.tokens(other.id)[0].revoked_at is None


def test_steward_area_is_for_stewards_only(app: FastAPI, services: Services) -> None:
    member_client, member = logged_in(app, services)
    refused = member_client.get("/steward")
    assert refused.status_code == 403
    assert "Stewards only" in refused.text
    assert 'href="/steward"' not in member_client.get("/home").text

    steward_client, _ = logged_in(app, services, role=Role.STEWARD)
    services.items.store(member.id, "ads.interest", [{"interest": MARKER}, {"interest": "Tea"}])
    page = steward_client.get("/steward")
    assert page.status_code == 200
    assert 'href="/steward"' in page.text
    assert "Member 0" in page.text
    assert "Member 1" in page.text
    assert "Inferred interests" in page.text
    assert MARKER not in page.text  # counts only, never records


def test_steward_area_needs_a_login(anonymous: TestClient) -> None:
    assert anonymous.get("/steward").url.path == "/login"


@pytest.mark.parametrize(
    ("header", "lang", "phrase"),
    [
        ("fr-FR,fr;q=0.9,en;q=0.8", "fr", "Reprenez vos données personnelles."),
        ("en-GB,en;q=0.9", "en", "Take your personal data back."),
        ("de-DE", "fr", "Reprenez vos données personnelles."),  # neither: French by default
        ("de;q=1, en;q=0.5, fr;q=0.4", "en", "Take your personal data back."),
    ],
)
def test_language_follows_accept_language(
    anonymous: TestClient, header: str, lang: str, phrase: str
) -> None:
    page = anonymous.get("/", headers={"Accept-Language": header})
    assert f'<html lang="{lang}">' in page.text
    assert phrase in page.text


def test_language_switch_is_remembered(anonymous: TestClient) -> None:
    headers = {"Accept-Language": "en"}
    login = anonymous.get("/login", headers=headers)
    assert 'href="/lang/fr?next=/login"' in login.text
    switched = anonymous.get("/lang/fr?next=/login", headers=headers)
    assert switched.url.path == "/login"
    assert '<html lang="fr">' in switched.text
    assert "Se connecter" in switched.text
    assert 'href="/lang/en?next=/login"' in switched.text
    back = anonymous.get("/lang/en?next=//evil.example", headers=headers)
    assert back.url.host == "testserver"
    assert '<html lang="en">' in back.text


def test_every_page_has_the_language_switch(app: FastAPI, services: Services) -> None:
    client, _ = logged_in(app, services)
    for path in ("/home", "/tokens", "/steward", "/no-such-page"):
        assert 'class="lang-switch"' in client.get(path).text, path
    anonymous = TestClient(app)
    for path in ("/", "/login", "/signup"):
        assert 'class="lang-switch"' in anonymous.get(path).text, path


def test_error_pages_are_translated(anonymous: TestClient) -> None:
    french = anonymous.get("/no-such-page", headers={"Accept-Language": "fr"})
    assert french.status_code == 404
    assert "Page introuvable" in french.text
    english = anonymous.get("/no-such-page", headers={"Accept-Language": "en"})
    assert "Page not found" in english.text
    problem = anonymous.get("/no-such-page", headers={"Accept": "application/json"})
    assert problem.headers["content-type"].startswith("application/problem+json")
    assert problem.json()["code"] == "web.not_found"


def test_unexpected_errors_show_a_page_not_a_traceback(
    app: FastAPI, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = logged_in(app, services)

    def broken(member_id: str) -> list[object]:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(services.items, "summary", broken)
    quiet = TestClient(app, raise_server_exceptions=False, headers={"Accept-Language": "fr"})
    quiet.cookies = client.cookies
    response = quiet.get("/home")
    assert response.status_code == 500
    assert "Elle a été consignée" in response.text
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text


def test_pages_carry_security_headers(anonymous: TestClient) -> None:
    response = anonymous.get("/login")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"


def test_assets_are_vendored_with_recorded_versions(anonymous: TestClient) -> None:
    versions = json.loads((STATIC / "vendor" / "VERSIONS.json").read_text())
    for name, entry in versions.items():
        body = anonymous.get(f"/static/vendor/{name}").content
        assert hashlib.sha256(body).hexdigest() == entry["sha256"]
        assert entry["version"]
        assert entry["license"]
    assert "htmx.min.js" in versions
    page = anonymous.get("/").text
    assets = re.findall(r'<(?:script|link)\b[^>]*(?:src|href)="([^"]+)"', page)
    assert "/static/vendor/htmx.min.js" in assets
    for asset in assets:
        assert asset.startswith("/static/"), f"no asset may come from another site: {asset}"


def test_an_organisation_registers_and_a_steward_approves_it(
    app: FastAPI, services: Services
) -> None:
    from holoptic.trace.keys import create_log_key

    create_log_key(services.settings.keys_dir, "valmont.example/log")
    anonymous = TestClient(app)
    registered = anonymous.post(
        "/api/v1/consumers",
        json={"name": "Labo", "type": "research", "contact_email": "labo@uga.example"},
    )
    assert registered.status_code == 201 and registered.json()["status"] == "pending"
    consumer_id = registered.json()["id"]
    bad = anonymous.post(
        "/api/v1/consumers", json={"name": "X", "type": "spy", "contact_email": "x@y.z"}
    )
    assert bad.status_code == 422
    steward_client, _ = logged_in(app, services, role=Role.STEWARD)
    page = steward_client.get("/steward")
    assert "Labo" in page.text and "pending" in page.text
    approved = steward_client.post(
        f"/steward/consumers/{consumer_id}/approve",
        data={"csrf_token": csrf(steward_client, "/steward")},
    )
    assert approved.status_code == 200
    token = re.search(r"<code>(hol_[^<]+)</code>", approved.text)
    assert token is not None
    body = {
        "purpose": "https://w3id.org/dpv#AcademicResearch",
        "categories": ["https://w3id.org/dpv/pd#Location"],
    }
    asked = anonymous.post(
        "/api/v1/uses", json=body, headers={"Authorization": f"Bearer {token.group(1)}"}
    )
    assert asked.status_code == 403 and asked.json()["code"] == "gate.no_member"
    steward_client.post(
        f"/steward/consumers/{consumer_id}/suspend",
        data={"csrf_token": csrf(steward_client, "/steward")},
    )
    asked = anonymous.post(
        "/api/v1/uses", json=body, headers={"Authorization": f"Bearer {token.group(1)}"}
    )
    assert asked.status_code == 401


def test_registrations_are_throttled_per_address(app: FastAPI, services: Services) -> None:
    from holoptic.web.api import REGISTRATIONS

    anonymous = TestClient(app)
    body = {"type": "research", "contact_email": "labo@uga.example"}
    for n in range(REGISTRATIONS):
        created = anonymous.post("/api/v1/consumers", json={"name": f"Labo {n}", **body})
        assert created.status_code == 201
    refused = anonymous.post("/api/v1/consumers", json={"name": "One too many", **body})
    assert refused.status_code == 429
    assert refused.json()["code"] == "identity.too_many_attempts"
    assert 0 < int(refused.headers["Retry-After"]) <= 3601  # within the hour, rounded up
    names = {c.name for c in services.consumers.list()}
    assert "One too many" not in names and len(names) == REGISTRATIONS
