"""Sign-up, login, logout, sessions, CSRF and login throttling, through the real app."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import httpx
import pytest

from holoptic.bootstrap import Services
from holoptic.clock import FixedClock
from holoptic.web.app import create_app

with warnings.catch_warnings():  # starlette nudges towards httpx2; httpx is what we ship
    warnings.filterwarnings("ignore", message="Using `httpx`", category=UserWarning)
    from fastapi.testclient import TestClient

PASSWORD = "a long enough passphrase"


def csrf(client: TestClient, path: str) -> str:
    page = client.get(path)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, f"no CSRF field on {path}"
    return found.group(1)


def sign_up(
    client: TestClient, email: str = "aline@example.org", password: str = PASSWORD
) -> httpx.Response:
    form = {"csrf_token": csrf(client, "/signup"), "name": "Aline", "email": email}
    return client.post("/signup", data=form | {"password": password})


def log_in(client: TestClient, email: str, password: str, next: str = "/home") -> httpx.Response:
    form = {"csrf_token": csrf(client, "/login"), "email": email, "password": password}
    return client.post("/login", data=form | {"next": next})


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services), headers={"Accept-Language": "en"}) as test_client:
        yield test_client


def test_sign_up_logs_in_and_shows_home(client: TestClient, services: Services) -> None:
    response = sign_up(client)
    assert response.status_code == 200
    assert response.url.path == "/home"
    assert "Hello, Aline" in response.text
    assert "Welcome! Your account is ready." in response.text
    member = services.vault.find_by_email("aline@example.org")
    assert member is not None
    assert member.lang == "en"
    cookie = response.history[0].headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # settings.secure_cookies is off in tests


def test_duplicate_email_shows_the_form_again(client: TestClient, services: Services) -> None:
    sign_up(client)
    client.cookies.clear()
    response = sign_up(client, email="ALINE@example.org")
    assert response.status_code == 409
    assert "An account with this e-mail address already exists" in response.text
    assert 'value="ALINE@example.org"' in response.text  # what was typed is kept
    assert len(services.vault.members()) == 1


def test_weak_password_writes_nothing(client: TestClient, services: Services) -> None:
    response = sign_up(client, password="short")
    assert response.status_code == 422
    assert "Choose a password of at least 10 characters." in response.text
    assert services.vault.members() == []


def test_wrong_password_is_refused(client: TestClient) -> None:
    sign_up(client)
    client.post("/logout", data={"csrf_token": csrf(client, "/home")})
    response = log_in(client, "aline@example.org", "not the password at all")
    assert response.status_code == 401
    assert "Wrong e-mail address or password." in response.text
    assert client.get("/home").url.path == "/login"


def test_log_out_then_in_again_goes_to_next(client: TestClient) -> None:
    sign_up(client)
    out = client.post("/logout", data={"csrf_token": csrf(client, "/home")})
    assert out.url.path == "/login"
    assert "You are logged out." in out.text
    redirected = client.get("/tokens")
    assert redirected.url.path == "/login"
    assert "Please log in to continue." in redirected.text
    response = log_in(client, "aline@example.org", PASSWORD, next="/tokens")
    assert response.url.path == "/tokens"


def test_next_never_leaves_the_site(client: TestClient) -> None:
    sign_up(client)
    client.post("/logout", data={"csrf_token": csrf(client, "/home")})
    response = log_in(client, "aline@example.org", PASSWORD, next="//evil.example/")
    assert response.url.path == "/home"
    assert response.url.host == "testserver"


def test_login_is_rate_limited(client: TestClient, services: Services, clock: FixedClock) -> None:
    sign_up(client)
    client.post("/logout", data={"csrf_token": csrf(client, "/home")})
    for _ in range(services.settings.login_attempts):
        assert log_in(client, "aline@example.org", "wrong password!").status_code == 401
    blocked = log_in(client, "aline@example.org", PASSWORD)
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    assert "Too many failed logins" in blocked.text
    clock.advance(timedelta(minutes=16))
    assert log_in(client, "aline@example.org", PASSWORD).url.path == "/home"


def test_rate_limit_also_counts_per_account(services: Services) -> None:
    app = create_app(services)
    first = TestClient(app, client=("10.0.0.1", 1000), headers={"Accept-Language": "en"})
    sign_up(first)
    first.post("/logout", data={"csrf_token": csrf(first, "/home")})
    for attempt in range(services.settings.login_attempts):
        other = TestClient(app, client=(f"10.0.1.{attempt}", 1000))
        assert log_in(other, "aline@example.org", "wrong password!").status_code == 401
    fresh = TestClient(app, client=("10.0.2.1", 1000))
    assert log_in(fresh, "aline@example.org", PASSWORD).status_code == 429


def test_post_without_csrf_token_is_refused_and_writes_nothing(
    client: TestClient, services: Services
) -> None:
    client.get("/signup")
    form = {"name": "Aline", "email": "aline@example.org", "password": PASSWORD}
    missing = client.post("/signup", data=form)
    assert missing.status_code == 403
    assert "Form refused" in missing.text
    assert "Nothing was changed" in missing.text
    wrong = client.post("/signup", data=form | {"csrf_token": "forged"})
    assert wrong.status_code == 403
    assert services.vault.members() == []


def test_csrf_refusal_is_a_problem_document_for_htmx(
    client: TestClient, services: Services
) -> None:
    sign_up(client)
    member = services.vault.find_by_email("aline@example.org")
    assert member is not None
    response = client.post(
        "/tokens",
        data={"name": "robot", "scopes": "data:read", "csrf_token": "forged"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "web.csrf_rejected"
    assert services.identity.tokens(member.id) == []


def test_csrf_token_from_another_session_is_refused(client: TestClient, services: Services) -> None:
    other = TestClient(client.app)
    stolen = csrf(other, "/signup")
    client.get("/signup")
    form = {"name": "A", "email": "a@example.org", "password": PASSWORD, "csrf_token": stolen}
    assert client.post("/signup", data=form).status_code == 403
    assert services.vault.members() == []


def test_idle_session_expires(client: TestClient, services: Services, clock: FixedClock) -> None:
    sign_up(client)
    max_age = services.settings.session_max_age
    clock.advance(timedelta(seconds=max_age - 60))
    assert client.get("/home").url.path == "/home"  # activity keeps the session alive
    clock.advance(timedelta(seconds=max_age - 60))
    assert client.get("/home").url.path == "/home"
    clock.advance(timedelta(seconds=max_age + 1))
    expired = client.get("/home")
    assert expired.url.path == "/login"
    assert "Your session expired. Please log in again." in expired.text
    assert client.get("/home").url.path == "/login"


def test_a_form_sent_after_expiry_goes_to_login(
    client: TestClient, services: Services, clock: FixedClock
) -> None:
    sign_up(client)
    member = services.vault.find_by_email("aline@example.org")
    assert member is not None
    token = csrf(client, "/tokens")
    clock.advance(timedelta(seconds=services.settings.session_max_age + 1))
    form = {"csrf_token": token, "name": "late", "scopes": "data:read"}
    response = client.post("/tokens", data=form)
    assert response.url.path == "/login"
    assert "Your session expired. Please log in again." in response.text
    assert services.identity.tokens(member.id) == []


def test_cookies_are_secure_when_configured(services: Services) -> None:
    secure = Services(
        replace(services.settings, secure_cookies=True), services.clock, services.engine
    )
    with TestClient(create_app(secure), base_url="https://testserver") as client:
        assert "; Secure" in client.get("/login").headers["set-cookie"]
        switched = client.get("/lang/en?next=/login", follow_redirects=False)
        assert "Secure" in switched.headers["set-cookie"]


def test_tampered_session_cookie_is_ignored(client: TestClient) -> None:
    sign_up(client)
    value = client.cookies["holoptic_session"]
    client.cookies.set("holoptic_session", value[:-2] + ("A" if value[-2] != "A" else "B") + "x")
    assert client.get("/home").url.path == "/login"
