"""The import upload page: streamed uploads, background jobs, progress and the report."""

from __future__ import annotations

import dataclasses
import io
import re
import threading
import time
import warnings
import zipfile
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from holoptic.bootstrap import Services
from holoptic.clock import FixedClock
from holoptic.importers.model import FileReport, ImportReport
from holoptic.importers.service import Progress
from holoptic.importers.sources import Limits
from holoptic.web.app import create_app
from holoptic.web.uploads import safe_name
from tests.e2e.test_web_pages import csrf, logged_in

with warnings.catch_warnings():  # starlette nudges towards httpx2; httpx is what we ship
    warnings.filterwarnings("ignore", message="Using `httpx`", category=UserWarning)
    from fastapi.testclient import TestClient

GPX = b"""<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <trk><name>Morning ride</name><trkseg>
    <trkpt lat="45.1880" lon="5.7245"><ele>214</ele><time>2026-03-01T07:00:00Z</time></trkpt>
    <trkpt lat="45.1890" lon="5.7255"><ele>216</ele><time>2026-03-01T07:00:10Z</time></trkpt>
    <trkpt lat="45.1900" lon="5.7265"><ele>219</ele><time>2026-03-01T07:00:20Z</time></trkpt>
    <trkpt lat="45.1910" lon="5.7275"><ele>221</ele></trkpt>
  </trkseg></trk>
</gpx>
"""
MULTIPART = "multipart/form-data"


def evil_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../escape.json", "{}")
    return buffer.getvalue()


def uploads(services: Services) -> Path:
    return services.settings.home / "uploads"


def leftovers(services: Services) -> list[Path]:
    root = uploads(services)
    return sorted(root.rglob("*")) if root.exists() else []


def send(client: TestClient, token: str | None, files: list[tuple[str, bytes]]) -> Any:
    """POST the upload form: the token first, as a browser sends it, then the files."""
    data = {"csrf_token": token} if token is not None else {}
    parts = [("files", (name, content, "application/octet-stream")) for name, content in files]
    return client.post("/imports", data=data, files=parts, follow_redirects=False)


def wait_until_finished(client: TestClient, job_url: str) -> str:
    """Poll the status fragment the way the page does, a bounded number of times."""
    for _ in range(600):
        fragment = client.get(f"{job_url}/status")
        assert fragment.status_code == 200
        if "hx-trigger" not in fragment.text:
            return fragment.text
        time.sleep(0.05)
    pytest.fail("the import job did not finish")


class Gate:
    """Wraps the import service and holds the job after its first file, until released."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.held = threading.Event()
        self.release = threading.Event()

    def run(
        self,
        member_id: str,
        paths: Iterable[Path],
        limits: Limits | None = None,
        progress: Progress | None = None,
    ) -> ImportReport:
        assert progress is not None
        held, gate, inner = self.held, self.release, progress

        class Held(Progress):
            def file_started(self, name: str, size: int) -> None:
                inner.file_started(name, size)

            def records(self, name: str, count: int) -> None:
                inner.records(name, count)

            def file_done(self, report: FileReport) -> None:
                inner.file_done(report)
                held.set()
                assert gate.wait(timeout=60), "the test never released the import"

        report: ImportReport = self.real.run(member_id, paths, limits, Held())
        return report


class Crashing:
    def run(self, *args: object, **kwargs: object) -> ImportReport:
        raise RuntimeError("a bug in the importer")


@pytest.fixture
def app(services: Services) -> FastAPI:
    return create_app(services)


@pytest.fixture
def client(app: FastAPI, services: Services) -> TestClient:
    client, _ = logged_in(app, services)
    return client


def test_upload_without_the_csrf_token_is_refused_and_writes_nothing(
    client: TestClient, services: Services
) -> None:
    member = services.vault.members()[0]
    for token in (None, "not-the-token"):
        response = send(client, token, [("track.gpx", GPX)])
        assert response.status_code == 403
        assert "web.csrf_rejected" in response.text
    assert leftovers(services) == []
    assert services.items.batches(member.id) == []
    assert services.items.summary(member.id) == []


def test_upload_runs_in_the_background_and_reports_each_file(
    client: TestClient, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(services.imports)
    monkeypatch.setattr(services, "imports", gate)
    files = [("track.gpx", GPX), ("export.zip", evil_zip())]
    response = send(client, csrf(client, "/imports"), files)
    assert response.status_code == 303
    job_url = response.headers["location"]
    assert re.fullmatch(r"/imports/[A-Za-z0-9_-]{32}", job_url)

    assert gate.held.wait(timeout=60), "the import never reached its first file"
    page = client.get(job_url)  # held after its first file: still running
    assert page.status_code == 200
    assert 'hx-trigger="every 1s"' in page.text
    assert '<meta http-equiv="refresh"' in page.text  # inside <noscript>
    assert "Importing…" in page.text
    assert "1 of 1 seen so far" in page.text
    assert "track.gpx" in page.text
    folder = uploads(services) / job_url.rsplit("/", 1)[1]
    assert sorted(p.name for p in folder.iterdir()) == ["export.zip", "track.gpx"]

    gate.release.set()
    report = wait_until_finished(client, job_url)
    assert "Import finished" in report
    assert "Import finished: 3 records added." in report
    assert "<code>gpx</code>" in report
    assert "export.zip/../../escape.json" in report
    assert "import.unsafe_archive" in report
    assert 'href="/home"' in report
    assert "The uploaded files have been deleted from the server." in report
    assert not folder.exists()
    assert leftovers(services) == []

    member = services.vault.members()[0]
    assert sum(s.records for s in services.items.summary(member.id)) == 3
    past = client.get("/imports").text
    assert "track.gpx" in past and "Past imports" in past


def test_skipped_parts_are_listed_with_their_reason(client: TestClient, services: Services) -> None:
    response = send(client, csrf(client, "/imports"), [("track.gpx", GPX)])
    report = wait_until_finished(client, response.headers["location"])
    assert "<summary>1</summary>" in report  # the point without a time
    assert "Import finished: 3 records added." in report


def test_another_member_cannot_see_the_job(
    app: FastAPI, client: TestClient, services: Services
) -> None:
    response = send(client, csrf(client, "/imports"), [("notes.txt", b"nothing to see")])
    job_url = response.headers["location"]
    wait_until_finished(client, job_url)
    other, _ = logged_in(app, services)
    for url in (job_url, f"{job_url}/status", "/imports/not-a-job"):
        refused = other.get(url)
        assert refused.status_code == 404
        assert "web.import_not_found" in refused.text
    anonymous = TestClient(app)
    assert anonymous.get(job_url).url.path == "/login"


def test_finished_jobs_are_forgotten_after_a_few_hours(
    client: TestClient, services: Services, clock: FixedClock
) -> None:
    response = send(client, csrf(client, "/imports"), [("notes.txt", b"nothing to see")])
    job_url = response.headers["location"]
    assert "not recognised" in wait_until_finished(client, job_url)
    clock.advance(timedelta(hours=7))
    assert client.get(job_url).status_code == 404


def test_a_crash_fails_the_job_and_still_deletes_the_uploads(
    client: TestClient, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "imports", Crashing())
    response = send(client, csrf(client, "/imports"), [("track.gpx", GPX)])
    status = wait_until_finished(client, response.headers["location"])
    assert "Import failed" in status
    assert "An unexpected error occurred. It has been logged." in status
    assert "The uploaded files have been deleted from the server." in status
    assert leftovers(services) == []
    assert client.get("/imports").status_code == 200  # the server carries on


@pytest.mark.parametrize("size", [5_000, 2 * 1024 * 1024], ids=["streamed", "declared"])
def test_an_oversize_upload_is_refused_with_413_and_nothing_kept(
    services: Services, size: int
) -> None:
    small = dataclasses.replace(services.settings, max_upload_bytes=1_000)
    capped = Services(small, services.clock, engine_override=services.engine)
    client, member = logged_in(create_app(capped), capped)
    response = send(client, csrf(client, "/imports"), [("big.json", b"x" * size)])
    assert response.status_code == 413
    assert "Nothing was kept." in response.text
    assert "The limit is 1,000 bytes per upload." in response.text
    assert leftovers(capped) == []
    assert capped.items.batches(member.id) == []


def test_a_form_without_files_asks_for_one(client: TestClient, services: Services) -> None:
    response = send(client, csrf(client, "/imports"), [("", b"")])  # what a browser sends
    assert response.status_code == 422
    assert "Choose at least one file to import." in response.text
    assert leftovers(services) == []


def test_file_names_lose_their_folders(client: TestClient, services: Services) -> None:
    response = send(client, csrf(client, "/imports"), [("../../track.gpx", GPX)])
    report = wait_until_finished(client, response.headers["location"])
    assert ">track.gpx<" in report
    assert not (services.settings.home.parent / "track.gpx").exists()


def test_safe_names() -> None:
    assert safe_name("../../etc/passwd", set()) == "passwd"
    assert safe_name("C:\\Users\\nina\\Takeout.zip", set()) == "Takeout.zip"
    assert safe_name("..", set()) == "upload"
    assert safe_name("a\x00b\n.json", set()) == "ab.json"
    assert safe_name("a.json", {"a.json"}) == "2-a.json"
    long = safe_name("é" * 300 + ".json", set())
    assert long.endswith(".json") and len(long.encode()) <= 200


def test_the_import_page_is_linked_and_translated(client: TestClient) -> None:
    home = client.get("/home").text
    assert 'href="/imports"' in home and "Import my data" in home
    page = client.get("/imports", headers={"Accept-Language": "fr"})
    assert "Importer mes données" in page.text
    assert "4 Gio" in page.text
    assert 'name="csrf_token"' in page.text.split('type="file"')[0]  # the token comes first
