"""A person's first visit, in Debian's chromium driven by Playwright.

Starts the real server (uvicorn, SQLite, a fresh HOLOPTIC_HOME) in a subprocess, then
signs up, logs out, logs in, sees the home page, imports a GPX file through the upload
page (progress polled by HTMX, then the report), creates an API token through HTMX and
switches language. Skipped with a reason where /usr/bin/chromium is missing, except
under CI=true, where that is a failure.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from holoptic.bootstrap import Services
from holoptic.db.engine import build_engine
from holoptic.db.migrate import upgrade
from holoptic.settings import Settings
from holoptic.vault.keystore import create_master_key

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = Path("/tmp/holoptic-home.png")
PASSWORD = "un mot de passe assez long"
GPX = b"""<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>
<trkpt lat="45.188" lon="5.7245"><time>2026-03-01T07:00:00Z</time></trkpt>
<trkpt lat="45.189" lon="5.7255"><time>2026-03-01T07:00:10Z</time></trkpt>
</trkseg></trk></gpx>
"""

pytestmark = pytest.mark.browser


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI=true requires the browser test", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare_home(home: Path) -> dict[str, str]:
    """A deployment as `holoptic init` leaves it: master key, migrated SQLite, default community."""
    settings = Settings.from_env({"HOLOPTIC_HOME": str(home)})
    create_master_key(settings.keys_dir)
    engine = build_engine(settings.database_url)
    try:
        upgrade(engine)
        Services(settings, engine_override=engine).vault.ensure_community("default", "Default")
    finally:
        engine.dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOLOPTIC_")}
    return env | {"HOLOPTIC_HOME": str(home)}


def wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server exited with code {server.returncode}", pytrace=False)
        try:
            with urllib.request.urlopen(f"{base}/api/v1/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail("the server did not answer within 60 seconds", pytrace=False)


@contextmanager
def running_server(env: dict[str, str]) -> Iterator[str]:
    """uvicorn serving the app on a free port of 127.0.0.1, stopped on exit."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--factory", "holoptic.web.app:from_env"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    process = subprocess.Popen(command, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    require_chromium()
    with running_server(prepare_home(tmp_path / "home")) as base:
        yield base


def test_sign_up_log_in_and_switch_language(server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(locale="fr-FR", viewport={"width": 1200, "height": 900})
        page = context.new_page()
        problems: list[str] = []
        page.on(
            "console", lambda message: message.type == "error" and problems.append(message.text)
        )

        page.goto(f"{server}/signup")
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        page.get_by_label("Nom").fill("Aline Marchal")
        page.get_by_label("Adresse e-mail").fill("aline@example.org")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Créer mon compte").click()
        expect(page).to_have_url(f"{server}/home")
        expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour, Aline Marchal")

        page.get_by_role("button", name="Se déconnecter").click()
        expect(page).to_have_url(f"{server}/login")
        expect(page.get_by_text("Vous êtes déconnecté.")).to_be_visible()

        page.get_by_label("Adresse e-mail").fill("aline@example.org")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        expect(page).to_have_url(f"{server}/home")
        expect(
            page.get_by_text("Votre coffre est vide pour l'instant.", exact=False)
        ).to_be_visible()
        page.screenshot(path=str(SCREENSHOT), full_page=True)

        page.get_by_role("link", name="Importer mes données").first.click()
        upload = {"name": "sortie.gpx", "mimeType": "application/gpx+xml", "buffer": GPX}
        page.get_by_label("Fichiers à importer").set_input_files(upload)
        page.get_by_role("button", name="Importer", exact=True).click()
        expect(page).to_have_url(re.compile(f"{re.escape(server)}/imports/[A-Za-z0-9_-]+$"))
        expect(page.get_by_text("Import terminé : 2 enregistrements ajoutés.")).to_be_visible()
        expect(page.get_by_role("row", name="sortie.gpx")).to_contain_text("importé")

        page.get_by_role("link", name="Jetons d'API").first.click()
        page.get_by_label("Nom", exact=True).fill("tableau de bord")
        page.get_by_label("data:read", exact=False).check()
        page.get_by_role("button", name="Créer le jeton").click()
        expect(page.locator("#new-token")).to_contain_text("hol_")  # swapped in by HTMX

        page.get_by_role("link", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
        page.get_by_role("link", name="My data", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Aline Marchal")
        page.get_by_role("link", name="Français").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour, Aline Marchal")

        browser.close()
    assert problems == [], f"the browser console reported errors: {problems}"
