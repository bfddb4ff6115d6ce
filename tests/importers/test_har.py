"""HAR captures: one browsing.request per entry, pages joined, variants tolerated."""

from __future__ import annotations

import json
import random
from collections import Counter
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from holoptic.bootstrap import Services
from holoptic.importers.errors import MalformedFile
from holoptic.importers.formats.har import HarImporter
from holoptic.importers.model import Emit, ParseEvent, Rejected
from holoptic.importers.sources import DiskFile
from tests.conftest import SHARED, shared_path
from tests.importers import kit
from tests.importers.kit import MemoryFile

IMPORTER = HarImporter()
# file: (entries, distinct hosts, requests that set cookies)
FIXTURES = {
    "pagexray_aftonbladet.se.har": (175, 34, 15),
    "pagexray_arcelormittal.com.har": (40, 6, 20),
    "pagexray_assa.har": (127, 9, 0),
    "pagexray_case-sensitive-protocol.har": (169, 33, 28),
    "pagexray_en.wikipedia.org.spdy-wpt.har": (102, 3, 9),
    "pagexray_http1.1-firefox.har": (12, 2, 0),
    "pagexray_http2-chrome.har": (11, 2, 0),
    "pagexray_mytoys.de.har": (50, 15, 15),
    "pagexray_run.sitespeed.io.har": (10, 2, 0),
    "pagexray_spdy-firefox2.har": (23, 8, 4),
}


def _fixture(name: str) -> list[dict[str, Any]]:
    path = shared_path("fixtures", "har", name)
    source = DiskFile(path, name)
    assert IMPORTER.sniff(source)
    events = kit.parse_all(IMPORTER, source)
    assert all(isinstance(e, Emit) and e.kind == "browsing.request" for e in events)
    return [e.record for e in events if isinstance(e, Emit)]


@pytest.mark.parametrize(("name", "expected"), FIXTURES.items())
def test_every_fixture_gives_one_record_per_request(
    name: str, expected: tuple[int, int, int]
) -> None:
    records = _fixture(name)
    entries, hosts, cookies = expected
    assert len(records) == entries
    assert len({json.dumps(r, sort_keys=True) for r in records}) == entries  # none merge
    assert len({r["host"] for r in records}) == hosts
    assert sum(r["sets_cookies"] for r in records) == cookies
    assert all(r["time"].endswith("Z") for r in records)


def test_webpagetest_capture_exact_values() -> None:
    records = _fixture("pagexray_aftonbladet.se.har")
    assert records[0] == {
        "time": "2015-08-29T19:47:08.375Z",
        "entry": 0,
        "host": "aftonbladet.se",
        "scheme": "http",
        "path": "/",
        "method": "GET",
        "status": 301,
        "size": 0,
        "sets_cookies": False,
        "page": "page_1_0",
        "page_host": "aftonbladet.se",
        "page_title": "Aftonbladet: Sveriges nyhetskälla och mötesplats",
    }
    hosts = Counter(r["host"] for r in records)
    assert hosts.most_common(3) == [
        ("gfx.aftonbladet-cdn.se", 81),
        ("adv.aftonbladet.se", 14),
        ("gfx2.aftonbladet-cdn.se", 9),
    ]
    assert Counter(r.get("initiator_host") for r in records)["www.aftonbladet.se"] == 116
    assert "ib.adnxs.com" in hosts


def test_firefox_negative_sizes_and_utc_times() -> None:
    records = _fixture("pagexray_http1.1-firefox.har")
    assert all("size" not in r for r in records)  # Firefox wrote -1: unknown, not stored
    assert records[0]["time"] == "2016-01-24T14:52:57.513Z"  # +01:00 in the file
    assert records[0]["page_title"] == "New Tab"
    assert records[0]["page_host"] == "www.sitespeed.io"  # from the page's first request
    assert Counter(r["host"] for r in records) == {
        "www.sitespeed.io": 10,
        "ssl.google-analytics.com": 2,
    }


def test_webinspector_capture_without_browser() -> None:
    records = _fixture("pagexray_run.sitespeed.io.har")
    assert {r["page_host"] for r in records} == {"run.sitespeed.io"}  # title is its URL
    assert records[0]["mime"] == "text/html" and records[0]["size"] == 12311


def _har(entries: list[Any], pages: list[Any] | None = None, pages_last: bool = False) -> bytes:
    log: dict[str, Any] = {"version": "1.2", "creator": {"name": "test", "version": "1"}}
    if pages is not None and not pages_last:
        log["pages"] = pages
    log["entries"] = entries
    if pages is not None and pages_last:
        log["pages"] = pages
    return json.dumps({"log": log}).encode()


def _entry(url: str, **extra: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "startedDateTime": "2024-05-01T10:00:00.123+02:00",
        "request": {"method": "get", "url": url, "headers": []},
        "response": {
            "status": 200,
            "cookies": [],
            "headers": [{"name": "Set-Cookie", "value": "id=1"}],
            "content": {"size": 43, "mimeType": "image/gif; charset=binary"},
        },
    }
    entry.update(extra)
    return entry


def _parse(data: bytes) -> list[ParseEvent]:
    source = MemoryFile(data, "capture.har")
    assert IMPORTER.sniff(source)
    return kit.parse_all(IMPORTER, source)


@pytest.mark.parametrize("pages_last", [False, True])
def test_pages_are_joined_wherever_they_are(pages_last: bool) -> None:
    page = {"id": "p1", "title": "Le Monde", "_URL": "https://www.lemonde.fr/"}
    data = _har(
        [_entry("https://px.tracker.example:8443/p.gif?uid=42", pageref="p1")], [page], pages_last
    )
    (event,) = _parse(data)
    assert isinstance(event, Emit)
    assert event.record == {
        "time": "2024-05-01T08:00:00.123Z",
        "entry": 0,
        "host": "px.tracker.example",
        "scheme": "https",
        "path": "/p.gif",
        "method": "GET",
        "status": 200,
        "mime": "image/gif",
        "size": 43,
        "sets_cookies": True,
        "page": "p1",
        "page_host": "www.lemonde.fr",
        "page_title": "Le Monde",
    }


def test_missing_pages_pageref_and_odd_entries() -> None:
    chrome_initiator = {
        "type": "script",
        "stack": {"callFrames": [{"url": "https://cdn.x.com/a.js"}]},
    }
    data = _har(
        [
            _entry("https://a.example/", pageref="gone"),
            _entry("https://b.example/x", initiator=chrome_initiator),
            _entry("data:image/png;base64,AAAA"),
            _entry("https://c.example/", startedDateTime="2024-05-01T10:00:00"),
            _entry("https://[::1/broken"),
            {"request": "nope"},
        ]
    )
    events = _parse(b"\xef\xbb\xbf" + data)  # Fiddler and IE write a BOM
    records = [e.record for e in events if isinstance(e, Emit)]
    assert [(r["host"], r.get("page_host"), r.get("initiator_host")) for r in records] == [
        ("a.example", "a.example", None),
        ("b.example", None, "cdn.x.com"),
    ]
    assert [(e.location, e.reason) for e in events if isinstance(e, Rejected)] == [
        ("entry 2", "not a network request (data URL without a host)"),
        ("entry 3", "no startedDateTime with a timezone"),
        ("entry 4", "not a network request (? URL without a host)"),
        ("entry 5", "no request"),
    ]


def test_sniff_accepts_only_har_logs() -> None:
    assert IMPORTER.sniff(MemoryFile(_har([]), "x.har"))
    assert not IMPORTER.sniff(MemoryFile(b'{"logs": {"entries": []}}', "x.har"))
    assert not IMPORTER.sniff(MemoryFile(b'{"log": {"lines": []}}', "x.json"))
    assert not IMPORTER.sniff(MemoryFile(b'[{"log": {}}]', "x.json"))
    assert not IMPORTER.sniff(MemoryFile(b"\x00\x01binary", "x.har"))


def test_truncated_capture_fails_with_its_offset() -> None:
    data = shared_path("fixtures", "har", "pagexray_mytoys.de.har").read_bytes()
    cut = len(data) // 2
    source = MemoryFile(data[:cut], "mytoys.har")
    with pytest.raises(MalformedFile) as caught:
        kit.parse_all(IMPORTER, source)
    assert caught.value.code == "import.malformed"
    assert caught.value.details["offset"] == cut


def test_capture_imports_once_on_both_backends(services: Services, tmp_path: Path) -> None:
    member = services.vault.add_member("Hana")
    folder = shared_path("fixtures", "har")
    report = kit.import_files(services, member, [folder])
    assert report.ok
    added = {f.path.split("/")[-1]: f.records_added for f in report.files if f.format}
    assert added == {name: counts[0] for name, counts in FIXTURES.items()}
    summary = kit.stored(services, member)
    assert summary == {"browsing.request": sum(c[0] for c in FIXTURES.values())}
    assert kit.import_files(services, member, [folder]).records_added == 0
    copy = tmp_path / "renamed.json"  # same capture under another name: merged by content
    copy.write_bytes((folder / "pagexray_assa.har").read_bytes())
    again = kit.import_files(services, member, [copy])
    assert again.records_added == 0 and again.files[0].records_duplicate == 127


def _samples() -> list[MemoryFile]:
    folder = SHARED / "fixtures" / "har"
    names = ["pagexray_http2-chrome.har", "pagexray_run.sitespeed.io.har"]
    if not folder.exists():
        return [MemoryFile(_har([_entry("https://a.example/")], [{"id": "p"}]), "a.har")]
    return [MemoryFile((folder / name).read_bytes(), name) for name in names]


SAMPLES = _samples()
TOKENS = [b'"', b"{", b"]", b"-1", b"\xff", b"null,"]
JUNK: list[object] = [None, True, 0, -1, 1.5, "", "x", "data:,", [], {}, [1, None], {"a": 1}]


@st.composite
def reshaped(draw: st.DrawFn) -> MemoryFile:
    """A valid small capture whose values are swapped for other JSON types."""
    chance = random.Random(draw(st.integers(0, 2**32)))
    page = {"id": "p", "title": "https://a.example/", "_URL": "https://a.example/"}
    initiator = {"type": "script", "stack": {"callFrames": [{"url": "https://c.example/"}]}}
    entries = [
        _entry("https://a.example/", pageref="p"),
        _entry("https://b.example/", initiator=initiator),
    ]
    log = kit.swapped(json.loads(_har(entries, [page]))["log"], chance, JUNK, 0.08)
    return kit.as_file({"log": log}, "export/file.json")


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=st.one_of(kit.mutated_files(SAMPLES, TOKENS), reshaped()))
def test_mutated_captures_parse_or_fail_with_typed_errors(source: MemoryFile) -> None:
    kit.assert_only_typed_errors(partial(IMPORTER.parse, source), each=kit.plain_json)
