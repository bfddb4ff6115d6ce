""" "Who holds my data?" in Debian's chromium: cards, a drawn chart, no CSP error, languages.

The deployment is prepared before the server starts (same pattern as
``test_browser_flow``): a member with Meta ad records and a page capture, and the
Datenanfragen directory from ../shared. The test logs in through the form, opens the
page, waits for Vega to draw inside the chart containers, filters with HTMX, opens a
letter and switches language. Any console error (a CSP violation above all: Vega must
run without eval) fails it. Screenshot: /tmp/holoptic-reveal.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from holoptic.bootstrap import Services
from holoptic.settings import Settings
from tests.browser.test_browser_flow import (
    CHROMIUM,
    CHROMIUM_ARGS,
    prepare_home,
    require_chromium,
    running_server,
)
from tests.conftest import shared_path

pytestmark = pytest.mark.browser

SCREENSHOT = Path("/tmp/holoptic-reveal.png")
EMAIL = "aline@example.org"
PASSWORD = "un mot de passe assez long"


def seed(home: Path) -> None:
    """A member whose imports show advertisers and trackers, and the company directory."""
    services = Services(Settings.from_env({"HOLOPTIC_HOME": str(home)}))
    try:
        member = services.identity.sign_up("Aline Marchal", EMAIL, PASSWORD)
        audiences = [
            {"advertiser": "Zalando", "types": ["data_file"]},
            {"advertiser": "Boulangerie Quintessence Vercors", "types": ["remarketing"]},
        ]
        services.items.store(member.id, "ads.custom_audience", audiences)
        events = [
            {"time": f"2026-0{month}-{day:02d}T10:00:00Z", "company": "Booking.com"}
            | {"event": "PURCHASE" if day % 3 else "VIEW_CONTENT", "id": f"{month}-{day}"}
            for month in (1, 2, 3)
            for day in range(1, 28, 4)
        ]
        services.items.store(member.id, "ads.off_platform", events)
        hosts = ["script.hotjar.com", "www.google-analytics.com", "static.criteo.net"]
        requests = [
            {"time": f"2026-03-{day:02d}T08:00:00Z", "entry": i, "host": host}
            for day in (2, 3, 9)
            for i, host in enumerate(hosts)
        ]
        services.items.store(member.id, "browsing.request", requests)
        services.reveal.sync_directory(str(shared_path("data", "datenanfragen")))
    finally:
        services.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    require_chromium()
    home = tmp_path / "home"
    env = prepare_home(home)
    seed(home)
    with running_server(env) as base:
        yield base


def test_reveal_page_draws_its_charts_without_csp_errors(server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        problems: list[str] = []
        page.on(
            "console", lambda message: message.type == "error" and problems.append(message.text)
        )
        page.on("pageerror", lambda error: problems.append(str(error)))

        page.goto(f"{server}/login")
        page.get_by_label("Adresse e-mail").fill(EMAIL)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        expect(page).to_have_url(f"{server}/home")
        page.get_by_role("link", name="Qui détient mes données ?").click()
        expect(page).to_have_url(f"{server}/reveal")
        expect(page.get_by_role("heading", level=1)).to_have_text("Qui détient mes données ?")
        expect(page.locator(".holder-card").first).to_be_visible()
        expect(page.locator("#holder-booking-com")).to_contain_text("Booking.com")
        expect(page.get_by_role("heading", name="Publicité")).to_be_visible()
        overview = page.locator(".chart-overview svg")
        expect(overview).to_have_count(1)
        expect(page.locator("#holder-booking-com .chart svg")).to_have_count(1)
        expect(overview.locator("text", has_text="Booking.com").first).to_be_attached()
        # caret="initial": hiding the caret leaves style="" on every input, which HTMX
        # would then copy onto the swapped-in inputs, a CSP violation of the test's making.
        page.screenshot(path=str(SCREENSHOT), full_page=True, caret="initial")

        page.get_by_label("Finalité", exact=True).select_option(
            "site_analytics"
        )  # HTMX swaps the results
        expect(page.locator("#holder-booking-com")).to_have_count(0)
        expect(page.locator("#holder-hotjar")).to_be_visible()
        expect(page.locator("#holder-hotjar .chart svg")).to_have_count(1)
        expect(page).to_have_url(f"{server}/reveal?purpose=site_analytics&kind=&q=")

        page.go_back()  # not from a snapshot in localStorage (personal data): from the server
        expect(page.locator("#holder-booking-com")).to_be_visible()
        expect(page.locator("#holder-booking-com .chart svg")).to_have_count(1)
        assert page.evaluate("window.localStorage.length") == 0

        page.locator("#holder-booking-com").get_by_role("link", name="Demander l'accès").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Lettre à Booking.com")
        expect(page.locator("#letter-text")).to_contain_text("article 15")
        expect(page.get_by_role("button", name="Copier la lettre")).to_be_visible()

        page.get_by_role("navigation", name="Langue").get_by_role("link", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.get_by_role("heading", level=1)).to_have_text("Letter to Booking.com")
        page.get_by_role("link", name="Who holds my data?").first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Who holds my data?")
        expect(page.get_by_role("heading", name="Advertising")).to_be_visible()
        expect(page.locator(".chart-overview svg")).to_have_count(1)

        browser.close()
    assert problems == [], f"the browser console reported errors: {problems}"
