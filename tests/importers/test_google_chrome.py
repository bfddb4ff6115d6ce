"""Chrome history from Google Takeout (``BrowserHistory.json``, ``History.json``…)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from holoptic.bootstrap import Services
from holoptic.importers.errors import MalformedFile
from holoptic.importers.formats._browser_common import visit_event
from holoptic.importers.formats.google_chrome import ChromeHistory
from holoptic.importers.model import Emit
from holoptic.importers.registry import default_importers, detect
from holoptic.vault.kinds import kind_spec
from tests.importers import kit

IMPORTER = ChromeHistory()
OLDER: dict[str, Any] = {
    "Browser History": [
        {
            "favicon_url": "https://www.example.org/favicon.ico",
            "page_transition": "LINK",
            "title": "Example Domain",
            "url": "https://www.example.org/",
            "client_id": "7J2HlQ7n1c3zEEbg6r9eSw==",
            "time_usec": 1600000000123456,
        },
        {
            "page_transition": "TYPED",
            "title": "",
            "url": "https://news.example/",
            "client_id": "7J2HlQ7n1c3zEEbg6r9eSw==",
            "time_usec": 1600000100000000,
        },
    ]
}
NEWER: dict[str, Any] = {
    "Typed Url": [{"url": "https://www.example.org/", "visits": []}],
    "Browser History": [
        {
            "page_transition_qualifier": "CLIENT_REDIRECT",
            "title": "Example Domain",
            "url": "https://www.example.org/",
            "client_id": "7J2HlQ7n1c3zEEbg6r9eSw==",
            "time_usec": 1700000000000000,
        }
    ],
    "Session": {"windows": []},
}


def test_older_export_with_page_transition() -> None:
    source = kit.as_file(OLDER, "BrowserHistory.json")
    assert isinstance(detect(source, default_importers()), ChromeHistory)
    emits, rejected = kit.run(IMPORTER, source)
    assert rejected == []
    assert [e.kind for e in emits] == ["browsing.visit"] * 2
    assert emits[0].record == {
        "time": "2020-09-13T12:26:40.123456Z",
        "url": "https://www.example.org/",
        "browser": "chromium",
        "title": "Example Domain",
        "transition": "link",
        "client_id": "7J2HlQ7n1c3zEEbg6r9eSw==",
    }
    assert "title" not in emits[1].record
    kit.assert_storable(emits)


def test_newer_export_with_qualifier_and_sibling_sections() -> None:
    source = kit.as_file(NEWER, "Verlauf.json")
    assert isinstance(detect(source, default_importers()), ChromeHistory)
    emits, _ = kit.run(IMPORTER, source)
    assert emits[0].record == {
        "time": "2023-11-14T22:13:20Z",
        "url": "https://www.example.org/",
        "browser": "chromium",
        "title": "Example Domain",
        "transition_qualifier": "client_redirect",
        "client_id": "7J2HlQ7n1c3zEEbg6r9eSw==",
    }


def test_a_head_showing_only_sibling_sections_is_still_chrome() -> None:
    data = b'{"Typed Url": [' + b'{"url": "https://a.example/"},' * 4000 + b"{}],"
    data += b'"Browser History": []}'
    assert IMPORTER.sniff(kit.MemoryFile(data))


def test_bad_visits_are_rejected_one_by_one() -> None:
    visits = [
        {"url": "https://a.example/", "time_usec": 1600000000000000},
        {"url": "https://a.example/"},
        {"time_usec": 1600000000000000},
        {"url": "https://a.example/", "time_usec": "soon"},
        [],
        {"url": "https://a.example/", "time_usec": 1},
    ]
    emits, rejected = kit.run(IMPORTER, kit.as_file({"Browser History": visits}))
    assert len(emits) == 1 and emits[0].record["time"] == "2020-09-13T12:26:40Z"
    assert [(r.location, r.reason) for r in rejected] == [
        ("Browser History[1]", "no time_usec"),
        ("Browser History[2]", "the visit has no URL"),
        ("Browser History[3]", "time_usec is not a number: 'soon'"),
        ("Browser History[4]", "an entry is not an object"),
        ("Browser History[5]", "visit time missing or out of range (before 1990 or after 2100)"),
    ]


@pytest.mark.parametrize(
    "document", [{"locations": []}, [{"url": "x", "time_usec": 1}], {"History": []}]
)
def test_other_json_is_not_taken_for_chrome_history(document: object) -> None:
    assert not IMPORTER.sniff(kit.as_file(document))


def test_truncated_history_fails_cleanly() -> None:
    data = json.dumps(OLDER).encode()[:-40]
    with pytest.raises(MalformedFile, match="truncated"):
        kit.run(IMPORTER, kit.MemoryFile(data, "History.json"))


def test_the_same_visit_as_in_chrome_s_own_database_is_one_visit() -> None:
    emits, _ = kit.run(IMPORTER, kit.as_file(OLDER))
    database = visit_event("row 1", 1600000000123456, "https://www.example.org/", "t", "chromium")
    assert isinstance(database, Emit)
    identity = kind_spec("browsing.visit").identity
    assert {f: emits[0].record.get(f) for f in identity} == {
        f: database.record.get(f) for f in identity
    }


def test_import_then_reimport_adds_nothing(services: Services, tmp_path: Path) -> None:
    member = services.vault.add_member("Fabien")
    path = tmp_path / "History.json"
    path.write_text(json.dumps(OLDER))
    first = kit.import_files(services, member, [path])
    assert (first.files[0].format, first.records_added) == ("google.chrome_history", 2)
    path.write_text(json.dumps({"Browser History": OLDER["Browser History"] * 2}))
    again = kit.import_files(services, member, [path])
    assert again.records_added == 0 and again.files[0].records_duplicate == 2


SEED = json.dumps(NEWER | {"Browser History": OLDER["Browser History"]}).encode()


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kit.mutated(SEED))
def test_mutated_histories_parse_or_fail_typed(data: bytes) -> None:
    kit.parse_or_typed_error(IMPORTER, data)
