""" "Who holds my data?" through the real app: cards by purpose, filters, matches, letters.

Records are stored with the item service as the importers would leave them; the company
directory is loaded from ../shared. Runs on SQLite and PostgreSQL (``services``).
"""

from __future__ import annotations

import re
import warnings
from datetime import timedelta

import pytest
from fastapi import FastAPI

from holoptic.bootstrap import Services
from holoptic.clock import FixedClock
from holoptic.identity.model import Scope
from holoptic.vault.model import Member
from holoptic.web.app import create_app
from tests.conftest import shared_path
from tests.e2e.test_web_pages import PASSWORD, csrf, logged_in

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx`", category=UserWarning)
    from fastapi.testclient import TestClient

NO_RECORD = "Boulangerie Quintessence Vercors"  # an advertiser the directory does not know


@pytest.fixture
def app(services: Services) -> FastAPI:
    return create_app(services)


def store_ad_data(services: Services, member: Member) -> None:
    """Meta's ad files and a page capture, as the importers store them."""
    audiences = [
        {"advertiser": "Zalando", "types": ["data_file"]},
        {"advertiser": NO_RECORD, "types": ["remarketing"]},
    ]
    services.items.store(member.id, "ads.custom_audience", audiences)
    events = [
        {"time": "2026-03-01T10:00:00Z", "company": "Booking.com", "event": "PURCHASE", "id": "1"},
        {"time": "2026-03-05T10:00:00Z", "company": "Booking.com", "event": "VIEW", "id": "2"},
    ]
    services.items.store(member.id, "ads.off_platform", events)
    hosts = ["script.hotjar.com", "www.google-analytics.com", "static.criteo.net"]
    requests = [
        {"time": "2026-03-02T08:00:00Z", "entry": i, "host": host, "sets_cookies": True}
        for i, host in enumerate(hosts)
    ]
    services.items.store(member.id, "browsing.request", requests)


def sync_directory(services: Services) -> None:
    services.reveal.sync_directory(str(shared_path("data", "datenanfragen")))


def card_names(html: str) -> list[str]:
    return re.findall(r'<h3 id="holder-[^"]+-name">([^<]+)</h3>', html)


def group_titles(html: str) -> list[str]:
    return re.findall(r'<h2 id="purpose-([a-z_]+)">', html)


def test_holders_are_shown_grouped_by_purpose(app: FastAPI, services: Services) -> None:
    client, member = logged_in(app, services)
    store_ad_data(services, member)
    sync_directory(services)
    page = client.get("/reveal")
    assert page.status_code == 200
    names = card_names(page.text)
    assert {"Meta Platforms", "Zalando", "Booking.com", "Criteo", "Hotjar", NO_RECORD} <= set(names)
    assert group_titles(page.text) == ["advertising", "site_analytics"]
    assert "Advertising" in page.text and "Site analytics" in page.text
    assert "Contact details" in page.text  # Zalando uploaded a customer list
    assert "Received it from" in page.text  # Meta got data from Booking.com and Zalando
    assert "data-spec='{\"" in page.text  # a chart for the holders with dated records
    assert "CC BY 4.0" in page.text and "CC0 1.0" in page.text
    assert "2018.5.17" in page.text  # the tracker list version used


def test_the_page_speaks_french(app: FastAPI, services: Services) -> None:
    client, member = logged_in(app, services)
    store_ad_data(services, member)
    client.cookies.set("lang", "fr")
    page = client.get("/reveal")
    assert "Qui détient mes données ?" in page.text
    assert "Publicité" in page.text and "Mesure d&#39;audience" in page.text
    assert "Coordonnées" in page.text


def test_filters_narrow_the_list(app: FastAPI, services: Services) -> None:
    client, member = logged_in(app, services)
    store_ad_data(services, member)
    analytics = client.get("/reveal", params={"purpose": "site_analytics"}).text
    assert set(card_names(analytics)) == {"Hotjar", "Google"}
    trackers = client.get("/reveal", params={"kind": "tracker"}).text
    assert "Criteo" in card_names(trackers)
    assert "Zalando" not in card_names(trackers)
    text = client.get("/reveal", params={"q": "hotjar"}).text
    assert card_names(text) == ["Hotjar"]
    nothing = client.get("/reveal", params={"q": "no such organisation"}).text
    assert card_names(nothing) == []
    assert "No organisation matches these filters." in nothing
    partial = client.get("/reveal", params={"q": "criteo"}, headers={"HX-Request": "true"})
    assert partial.text.lstrip().startswith('<div id="reveal-holders"')
    assert card_names(partial.text) == ["Criteo"]
    restore = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    assert "<!doctype html>" in client.get("/reveal", headers=restore).text  # the whole page


def test_another_member_does_not_see_them(app: FastAPI, services: Services) -> None:
    _, member = logged_in(app, services)
    store_ad_data(services, member)
    other, _ = logged_in(app, services)
    page = other.get("/reveal")
    assert card_names(page.text) == []
    assert "Zalando" not in page.text
    assert 'href="/imports"' in page.text  # the empty state points to the imports
    assert other.get("/reveal/zalando/letter").status_code == 404


def test_match_form_needs_csrf_and_records_the_choice(app: FastAPI, services: Services) -> None:
    client, member = logged_in(app, services)
    store_ad_data(services, member)
    sync_directory(services)
    refused = client.post("/reveal/hotjar/match", data={"choice": "other", "other": "criteo"})
    assert refused.status_code == 403
    assert services.reveal.confirmed_matches(member.id) == {}

    form = {"csrf_token": csrf(client, "/reveal"), "choice": "other", "other": "google"}
    saved = client.post("/reveal/hotjar/match", data=form)
    assert saved.url.path == "/reveal"
    assert "Your choice of directory record is saved." in saved.text
    assert services.reveal.confirmed_matches(member.id) == {"hotjar": "google"}
    assert services.reveal.holder(member.id, "hotjar").match.method == "confirmed"  # type: ignore[union-attr]

    unknown = client.post("/reveal/hotjar/match", data=form | {"other": "no-such-record-xyz"})
    assert "The directory has no record with this identifier." in unknown.text
    assert services.reveal.confirmed_matches(member.id) == {"hotjar": "google"}

    client.post("/reveal/hotjar/match", data=form | {"choice": "none"})
    assert services.reveal.confirmed_matches(member.id) == {"hotjar": None}


def test_letter_page_shows_the_letter_or_says_why_not(app: FastAPI, services: Services) -> None:
    client, member = logged_in(app, services)
    store_ad_data(services, member)
    sync_directory(services)
    letter = client.get("/reveal/booking-com/letter", params={"type": "access", "lang": "en"})
    assert letter.status_code == 200
    assert "Article 15" in letter.text
    assert "dataprotectionoffice@booking.com" in letter.text
    assert member.name in letter.text
    french = client.get("/reveal/booking-com/letter", params={"type": "erasure", "lang": "fr"})
    assert "article 17" in french.text
    german = client.get("/reveal/booking-com/letter", params={"type": "objection", "lang": "de"})
    assert "Art. 21 DSGVO" in german.text

    slug = "boulangerie-quintessence-vercors"
    missing = client.get(f"/reveal/{slug}/letter", params={"type": "access"})
    assert missing.status_code == 200
    assert "No privacy contact known" in missing.text
    assert 'id="letter-text"' not in missing.text


def test_letter_download_and_extra_identifiers(app: FastAPI, services: Services) -> None:
    client, member = logged_in(app, services)
    store_ad_data(services, member)
    sync_directory(services)
    token = csrf(client, "/reveal/booking-com/letter")
    form = {"csrf_token": token, "type": "access", "letter_lang": "en"}
    extra = {"identifier_key": ["customer_number"], "identifier_value": ["BK-991"]}
    preview = client.post("/reveal/booking-com/letter", data=form | extra | {"action": "preview"})
    assert preview.status_code == 200
    assert "BK-991" in preview.text
    download = client.post("/reveal/booking-com/letter", data=form | extra | {"action": "download"})
    assert download.headers["content-type"].startswith("text/plain")
    assert "attachment" in download.headers["content-disposition"]
    assert "BK-991" in download.text
    assert services.letters.requests(member.id) == []  # nothing kept until sent


def test_recording_a_request_shows_its_deadline(
    app: FastAPI, services: Services, clock: FixedClock
) -> None:
    client, member = logged_in(app, services)
    store_ad_data(services, member)
    sync_directory(services)
    form = {
        "csrf_token": csrf(client, "/reveal/criteo/letter"),
        "type": "access",
        "letter_lang": "fr",
        "action": "sent",
        "sent_on": clock.now().date().isoformat(),
    }
    assert client.post("/reveal/criteo/letter", data=form | {"csrf_token": ""}).status_code == 403
    recorded = client.post("/reveal/criteo/letter", data=form)
    assert recorded.url.path == "/reveal"
    assert "The request is recorded." in recorded.text
    [request] = services.letters.requests(member.id)
    assert request.deadline == (clock.now() + timedelta(days=31)).date()  # 1 Jan → 1 Feb
    requests_panel = recorded.text[recorded.text.index('id="requests"') :]
    assert "Criteo" in requests_panel
    assert "Feb 1, 2026" in requests_panel
    assert "waiting for an answer" in requests_panel

    future = form | {"sent_on": (clock.now() + timedelta(days=3)).date().isoformat()}
    assert client.post("/reveal/criteo/letter", data=future).status_code == 422
    assert len(services.letters.requests(member.id)) == 1

    clock.advance(timedelta(days=40))  # the session idles out: log in again
    login = {"csrf_token": csrf(client, "/login"), "email": member.email, "password": PASSWORD}
    client.post("/login", data=login)
    overdue = client.get("/reveal").text
    assert "overdue" in overdue and "9 days late" in overdue
    answer = {"csrf_token": csrf(client, "/reveal"), "answered_on": "", "note": "sent a zip"}
    answered = client.post(f"/reveal/requests/{request.id}/answered", data=answer)
    assert "The request is marked as answered." in answered.text
    assert services.letters.requests(member.id)[0].answered_at is not None


def test_api_returns_the_report(app: FastAPI, services: Services) -> None:
    _, member = logged_in(app, services)
    store_ad_data(services, member)
    _, secret = services.identity.create_token(member.id, "script", [Scope.DATA_READ])
    _, profile_only = services.identity.create_token(member.id, "me", [Scope.PROFILE_READ])
    with TestClient(app) as api:
        response = api.get("/api/v1/reveal", headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 200
        document = response.json()
        assert set(document) == {"reference", "holders"}
        slugs = {holder["slug"] for holder in document["holders"]}
        assert {"meta", "zalando", "criteo", "hotjar"} <= slugs
        meta = next(h for h in document["holders"] if h["slug"] == "meta")
        assert "zalando" in meta["received_from"]
        assert api.get("/api/v1/reveal").status_code == 401
        denied = api.get("/api/v1/reveal", headers={"Authorization": f"Bearer {profile_only}"})
        assert denied.status_code == 403
