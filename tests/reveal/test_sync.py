"""Loading the Datenanfragen directory: versions, skipped records, sources that fail whole."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from holoptic.bootstrap import Services
from holoptic.reveal.errors import SyncFailed
from holoptic.reveal.model import DATENANFRAGEN, ReferenceVersion
from tests.conftest import shared_path

GOOD = {"slug": "acme", "name": "ACME SAS", "email": "dpo@acme.example", "web": "https://acme.fr"}


def shared_directory() -> Path:
    return shared_path("data", "datenanfragen")


def write_companies(folder: Path, records: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "companies.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


def active(services: Services) -> ReferenceVersion | None:
    with services.uow() as uow:
        return uow.reveal.active_version(DATENANFRAGEN)


def test_the_shared_directory_loads_with_its_templates(services: Services) -> None:
    folder = shared_directory()
    records = json.loads((folder / "companies.json").read_text("utf-8"))
    version = services.reveal.sync_directory(str(folder))
    assert version.active and version.source == DATENANFRAGEN
    assert version.record_count == len(records) == 3069  # every record of it is valid
    assert version.skipped == ()
    assert version.templates == len(list((folder / "templates").glob("*/*.txt")))
    stored = active(services)
    assert stored is not None
    assert (stored.id, stored.version, stored.sha256) == (
        version.id,
        version.version,
        version.sha256,
    )
    record = services.reveal.directory_record("facebook")
    assert record is not None and record["name"] == "Meta Platforms Ireland Limited"
    assert services.reveal.directory_record("no-such-company") is None
    expected = (folder / "templates" / "en" / "access-default.txt").read_text("utf-8")
    assert services.reveal.template("en", "access-default") == expected
    assert services.reveal.template("xx", "access-default") is None


def test_malformed_records_are_skipped_with_their_reasons(
    services: Services, tmp_path: Path
) -> None:
    records = [
        GOOD,
        {**GOOD, "slug": "Bad Slug"},
        {"slug": "noname", "email": "x@y.example"},
        {"slug": "nocontact", "name": "No Contact Ltd", "web": "https://nc.example"},
        {**GOOD},  # the same slug again
        "not an object",
        {**GOOD, "slug": "runs-bad", "runs": "Acme Ads"},
        {**GOOD, "slug": "mail-bad", "email": "not an address"},
        {"slug": "fax-only", "name": "Fax Only GmbH", "fax": "+49 30 1234"},
    ]
    version = services.reveal.sync_directory(str(write_companies(tmp_path, records)))
    assert version.record_count == 2
    reasons = {(s.index, s.slug): s.reason for s in version.skipped}
    assert reasons == {
        (1, "Bad Slug"): "slug missing or not made of a-z, 0-9 and '-'",
        (2, "noname"): "name missing or empty",
        (3, "nocontact"): "no contact route (email, address, fax or web form)",
        (4, "acme"): "duplicate slug (the first record with it is kept)",
        (5, None): "not a JSON object",
        (6, "runs-bad"): "runs is not a list of names",
        (7, "mail-bad"): "email is not an e-mail address",
    }
    assert services.reveal.directory_record("fax-only") is not None


def _bad_sources(tmp_path: Path) -> dict[str, tuple[str, str]]:
    companies = (shared_directory() / "companies.json").read_bytes()
    truncated = tmp_path / "truncated.json"
    truncated.write_bytes(companies[: len(companies) // 2])
    not_json = tmp_path / "notes.txt"
    not_json.write_text("slug,name\nacme,ACME\n")
    broken = tmp_path / "broken.json"
    broken.write_text('[{"slug": "acme", "name": "ACME",, "email": "a@b.c"}]')
    invalid = write_companies(tmp_path / "invalid", [{"slug": "BAD"}, {"name": "x"}])
    empty = write_companies(tmp_path / "empty", [])
    shape = write_companies(tmp_path / "shape", {"hello": "world"})
    return {
        "missing": (str(tmp_path / "nowhere"), "no such file or folder"),
        "folder without companies": (str(tmp_path / "invalid" / ".."), "no companies.json"),
        "truncated": (str(truncated), "truncated or half-downloaded"),
        "not json": (str(not_json), "not valid JSON"),
        "broken json": (str(broken), "not valid JSON (Expecting property name"),
        "zero valid": (str(invalid), "no valid company record"),
        "empty": (str(empty), "no valid company record (the list is empty)"),
        "not a list": (str(shape), "expected a list of company records"),
        "other scheme": ("ftp://example.org/companies.json", "only http:// and https://"),
    }


def test_a_bad_source_fails_whole_and_the_previous_version_stays(
    services: Services, tmp_path: Path
) -> None:
    before = services.reveal.sync_directory(str(write_companies(tmp_path / "ok", [GOOD])))
    for name, (source, message) in _bad_sources(tmp_path).items():
        with pytest.raises(SyncFailed, match=message.replace("(", r"\(").replace(")", r"\)")):
            services.reveal.sync_directory(source)
        still = active(services)
        assert still is not None and still.id == before.id, name
    assert services.reveal.directory_record("acme") == GOOD
    with services.uow() as uow:
        assert [v.id for v in uow.reveal.versions(DATENANFRAGEN)] == [before.id]


def test_versions_switch_and_only_the_previous_one_is_kept(
    services: Services, tmp_path: Path
) -> None:
    loaded = [
        services.reveal.sync_directory(
            str(write_companies(tmp_path / str(n), [{**GOOD, "name": f"ACME {n}"}]))
        )
        for n in range(3)
    ]
    assert len({v.id for v in loaded}) == 3
    assert active(services) is not None and active(services).id == loaded[2].id  # type: ignore[union-attr]
    record = services.reveal.directory_record("acme")
    assert record is not None and record["name"] == "ACME 2"
    with services.uow() as uow:
        kept = {v.id for v in uow.reveal.versions(DATENANFRAGEN)}
    assert loaded[2].id in kept and len(kept) == 2
    again = services.reveal.sync_directory(str(tmp_path / "2" / "companies.json"))
    assert again.id == loaded[2].id  # the same content is the same version


def test_datenanfragens_own_layout_one_file_per_company(services: Services, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    (folder / "companies").mkdir(parents=True)
    (folder / "companies" / "acme.json").write_text(json.dumps(GOOD))
    (folder / "companies" / "broken.json").write_text('{"slug": "broken", ')
    (folder / "templates" / "fr").mkdir(parents=True)
    (folder / "templates" / "fr" / "access-default.txt").write_text("Bonjour {name}")
    version = services.reveal.sync_directory(str(folder))
    assert (version.record_count, version.templates) == (1, 1)
    assert [(s.slug, "truncated" in s.reason) for s in version.skipped] == [("broken", True)]
    assert services.reveal.template("fr", "access-default") == "Bonjour {name}"


# --- over HTTP ------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    files: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        full = len(body) * (2 if self.path.startswith("/cut") else 1)
        self.send_header("Content-Length", str(full))  # /cut promises more than it sends
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_a_url_loads_and_keeps_the_templates_in_use(services: Services, server: str) -> None:
    first = services.reveal.sync_directory(str(shared_directory()))
    records = [GOOD, {**GOOD, "slug": "other", "name": "Other"}]
    _Handler.files = {
        "/companies.json": json.dumps(records).encode(),
        "/cut/companies.json": json.dumps(records).encode(),
    }
    version = services.reveal.sync_directory(f"{server}/companies.json")
    assert (version.record_count, version.templates) == (2, first.templates)
    assert services.reveal.directory_record("other") is not None
    assert services.reveal.directory_record("facebook") is None  # the new version is in use
    assert services.reveal.template("de", "access-default") is not None
    for path, message in (
        ("/missing.json", "HTTP 404"),
        ("/cut/companies.json", "half-downloaded"),
    ):
        with pytest.raises(SyncFailed, match=message):
            services.reveal.sync_directory(server + path)
        assert active(services) is not None and active(services).id == version.id  # type: ignore[union-attr]


def test_an_unreachable_server_is_a_clear_error(services: Services) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SyncFailed, match="cannot connect"):
        services.reveal.sync_directory(f"http://127.0.0.1:{port}/companies.json")
    assert active(services) is None
