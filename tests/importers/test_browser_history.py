"""Browser history databases: tiny databases built here whose timestamps are known, so
that each browser's epoch is checked to the microsecond (the real fixtures are in
``test_browser_fixtures``)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from holoptic.errors import HolopticError
from holoptic.importers.formats import (
    browser_chrome,
    browser_firefox,
    browser_qutebrowser,
    browser_safari,
)
from holoptic.importers.formats._browser_common import VisitsImporter
from holoptic.importers.model import Emit, ParseEvent, Rejected
from holoptic.importers.registry import default_importers, detect
from holoptic.importers.sources import DiskFile
from tests.importers import kit

(CHROME,) = browser_chrome.IMPORTERS
FIREFOX, FENNEC = browser_firefox.IMPORTERS
(SAFARI,) = browser_safari.IMPORTERS
(QUTE,) = browser_qutebrowser.IMPORTERS
ALL = (CHROME, FIREFOX, FENNEC, SAFARI, QUTE)

# 2024-02-29T12:34:56.789012Z in each browser's own clock (worked out by hand).
UNIX_US = 1_709_210_096_789_012
CHROME_US = 13_353_683_696_789_012  # + 11 644 473 600 s since 1601-01-01
SAFARI_S = 730_902_896.789012  # - 978 307 200 s: seconds since 2001-01-01
FENIX_MS = 1_709_210_096_789
QUTE_S = 1_709_210_096
WHEN = "2024-02-29T12:34:56.789012Z"


def parse(importer: VisitsImporter, path: Path) -> list[ParseEvent]:
    return kit.parse_path(importer, path)


def build(path: Path, script: str, rows: dict[str, list[tuple[Any, ...]]]) -> Path:
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(script)
        for table, values in rows.items():
            marks = ",".join("?" * len(values[0]))
            conn.executemany(f"INSERT INTO {table} VALUES ({marks})", values)
        conn.commit()
    return path


CHROME_SCHEMA = """
CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);
CREATE TABLE urls(id INTEGER PRIMARY KEY AUTOINCREMENT, url LONGVARCHAR, title LONGVARCHAR,
  visit_count INTEGER DEFAULT 0 NOT NULL, typed_count INTEGER DEFAULT 0 NOT NULL,
  last_visit_time INTEGER NOT NULL, hidden INTEGER DEFAULT 0 NOT NULL);
CREATE TABLE visits(id INTEGER PRIMARY KEY, url INTEGER NOT NULL, visit_time INTEGER NOT NULL,
  from_visit INTEGER, external_referrer_url TEXT, transition INTEGER DEFAULT 0 NOT NULL,
  segment_id INTEGER, visit_duration INTEGER DEFAULT 0 NOT NULL, app_id TEXT);
"""


def chrome_db(path: Path, visits: list[tuple[Any, ...]] | None = None) -> Path:
    """A recent-Chromium-shaped database (extra columns in the middle of ``visits``)."""
    default = [
        (1, 1, CHROME_US, 0, None, 0x30000001, 0, 2_500_000, None),
        (2, 2, CHROME_US + 1, 0, None, 0x40000000 | 8, 0, 0, None),
    ]
    return build(
        path,
        CHROME_SCHEMA,
        {
            "meta": [("version", "67")],
            "urls": [
                (1, "https://a.example/", "A", 1, 1, 0, 0),
                (2, "https://b.example/", "", 1, 0, 0, 0),
            ],
            "visits": visits or default,
        },
    )


def test_chrome_epoch_transition_and_duration(tmp_path: Path) -> None:
    got = kit.records(parse(CHROME, chrome_db(tmp_path / "History")))
    assert got == [
        {
            "time": WHEN,
            "url": "https://a.example/",
            "title": "A",
            "browser": "chromium",
            "transition": "typed",
            "duration_s": 2.5,
        },
        {
            "time": "2024-02-29T12:34:56.789013Z",
            "url": "https://b.example/",
            "browser": "chromium",
            "transition": "reload",
        },
    ]


FIREFOX_SCHEMA = """
CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url LONGVARCHAR, title LONGVARCHAR,
  visit_count INTEGER DEFAULT 0, last_visit_date INTEGER, guid TEXT, origin_id INTEGER);
CREATE TABLE moz_historyvisits (id INTEGER PRIMARY KEY, from_visit INTEGER, place_id INTEGER,
  visit_date INTEGER, visit_type INTEGER, session INTEGER);
"""

FENIX_SCHEMA = """
CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url LONGVARCHAR NOT NULL, title LONGVARCHAR,
  url_hash INTEGER NOT NULL DEFAULT 0, frecency INTEGER NOT NULL DEFAULT -1,
  last_visit_date_local INTEGER NOT NULL DEFAULT 0, guid TEXT NOT NULL UNIQUE,
  visit_count_local INTEGER NOT NULL DEFAULT 0, origin_id INTEGER NOT NULL);
CREATE TABLE moz_historyvisits (id INTEGER PRIMARY KEY, is_local INTEGER NOT NULL,
  from_visit INTEGER, place_id INTEGER NOT NULL, visit_date INTEGER NOT NULL,
  visit_type INTEGER NOT NULL, unknown_fields TEXT);
PRAGMA user_version = 16;
"""


def test_firefox_desktop_epoch_is_microseconds(tmp_path: Path) -> None:
    path = build(
        tmp_path / "places.sqlite",
        FIREFOX_SCHEMA,
        {
            "moz_places": [(7, "https://f.example/", "F", 1, UNIX_US, "g", 1)],
            "moz_historyvisits": [(1, 0, 7, UNIX_US, 5, 0), (2, 0, 7, UNIX_US - 1, 42, 0)],
        },
    )
    base = {"url": "https://f.example/", "title": "F", "browser": "firefox"}
    assert kit.records(parse(FIREFOX, path)) == [
        {**base, "time": "2024-02-29T12:34:56.789011Z"},  # an unknown visit type: left out
        {**base, "time": WHEN, "transition": "redirect_permanent"},
    ]


def test_fenix_epoch_is_milliseconds(tmp_path: Path) -> None:
    path = build(
        tmp_path / "places.sqlite",
        FENIX_SCHEMA,
        {
            "moz_places": [(3, "https://m.example/", None, 0, 0, 0, "g", 1, 1)],
            "moz_historyvisits": [(1, 1, None, 3, FENIX_MS, 2, None)],
        },
    )
    assert kit.records(parse(FIREFOX, path)) == [
        {
            "time": "2024-02-29T12:34:56.789000Z",
            "url": "https://m.example/",
            "browser": "firefox-android",
            "transition": "typed",
        }
    ]


def test_fennec_epoch_is_microseconds_and_deleted_rows_stay_out(tmp_path: Path) -> None:
    path = build(
        tmp_path / "browser.db",
        "CREATE TABLE history(_id INTEGER PRIMARY KEY, title TEXT, url TEXT NOT NULL,"
        " guid TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0);"
        "CREATE TABLE visits(_id INTEGER PRIMARY KEY, history_guid TEXT NOT NULL,"
        " visit_type TINYINT NOT NULL DEFAULT 1, date INTEGER NOT NULL, is_local TINYINT);",
        {
            "history": [(1, "K", "https://k.example/", "gk", 0), (2, "D", "https://d/", "gd", 1)],
            "visits": [(1, "gk", 1, UNIX_US, 1), (2, "gd", 1, UNIX_US, 1)],
        },
    )
    assert kit.records(parse(FENNEC, path)) == [
        {
            "time": WHEN,
            "url": "https://k.example/",
            "title": "K",
            "browser": "firefox-android",
            "transition": "link",
        }
    ]


SAFARI_SCHEMA = """
CREATE TABLE history_items (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL UNIQUE,
  domain_expansion TEXT NULL, visit_count INTEGER NOT NULL, daily_visit_counts BLOB NOT NULL,
  weekly_visit_counts BLOB NULL, autocomplete_triggers BLOB NULL,
  should_recompute_derived_visit_counts INTEGER NOT NULL, visit_count_score INTEGER NOT NULL,
  status_code INTEGER NOT NULL DEFAULT 0);
CREATE TABLE history_visits (id INTEGER PRIMARY KEY AUTOINCREMENT,
  history_item INTEGER NOT NULL REFERENCES history_items(id) ON DELETE CASCADE,
  visit_time REAL NOT NULL, title TEXT NULL, load_successful BOOLEAN NOT NULL DEFAULT 1,
  http_non_get BOOLEAN NOT NULL DEFAULT 0, synthesized BOOLEAN NOT NULL DEFAULT 0,
  redirect_source INTEGER NULL UNIQUE, redirect_destination INTEGER NULL UNIQUE,
  origin INTEGER NOT NULL DEFAULT 0, generation INTEGER NOT NULL DEFAULT 0,
  attributes INTEGER NOT NULL DEFAULT 0, score INTEGER NOT NULL DEFAULT 0);
CREATE TABLE history_tombstones (id INTEGER PRIMARY KEY AUTOINCREMENT,
  start_time REAL NOT NULL, end_time REAL NOT NULL, url TEXT, generation INTEGER NOT NULL);
CREATE TABLE metadata (key TEXT NOT NULL UNIQUE, value);
"""


def safari_db(path: Path) -> Path:
    visit = (None, 0, 0, None, None, 0, 0, 0, 0)
    return build(
        path,
        SAFARI_SCHEMA,
        {
            "history_items": [(1, "https://s.example/", "s", 2, b"", None, None, 0, 2, 0)],
            "history_visits": [
                (1, 1, SAFARI_S, "Then", 1, *visit[1:]),
                (2, 1, 730_902_896.5, None, 1, *visit[1:]),
                (3, 1, 730_902_896, "Whole", 1, *visit[1:]),
            ],
        },
    )


def test_safari_epoch_is_real_seconds_since_2001(tmp_path: Path) -> None:
    got = kit.records(parse(SAFARI, safari_db(tmp_path / "History.db")))
    assert got == [
        {"time": "2024-02-29T12:34:56Z", "url": "https://s.example/", "title": "Whole",
         "browser": "safari"},
        {"time": "2024-02-29T12:34:56.500000Z", "url": "https://s.example/", "browser": "safari"},
        {"time": WHEN, "url": "https://s.example/", "title": "Then", "browser": "safari"},
    ]  # fmt: skip


def test_qutebrowser_epoch_is_unix_seconds(tmp_path: Path) -> None:
    path = build(
        tmp_path / "history.sqlite",
        "CREATE TABLE History (url NOT NULL, title NOT NULL, atime NOT NULL, redirect NOT NULL);",
        {"History": [("https://q.example/", "Q", QUTE_S, 0), ("https://r/", "", QUTE_S, 1)]},
    )
    assert kit.records(parse(QUTE, path)) == [
        {"time": "2024-02-29T12:34:56Z", "url": "https://q.example/", "title": "Q",
         "browser": "qutebrowser"},
        {"time": "2024-02-29T12:34:56Z", "url": "https://r/", "browser": "qutebrowser",
         "transition": "redirect"},
    ]  # fmt: skip


def test_broken_visits_are_rejected_and_the_rest_imports(tmp_path: Path) -> None:
    visits = [
        (1, 1, CHROME_US, 0, None, 0, 0, 0, None),
        (2, 1, 0, 0, None, 0, 0, 0, None),  # 1601: a zeroed clock
        (3, 99, CHROME_US, 0, None, 0, 0, 0, None),  # its urls row is gone
        (4, 1, "yesterday", 0, None, 0, 0, 0, None),
    ]
    events = parse(CHROME, chrome_db(tmp_path / "History", visits))
    assert len(kit.records(events)) == 1
    rejected = {e.location: e.reason for e in events if isinstance(e, Rejected)}
    assert rejected == {
        "visits row 2": "visit time missing or out of range (before 1990 or after 2100)",
        "visits row 3": "the visit has no URL",
        "visits row 4": "visit time missing or out of range (before 1990 or after 2100)",
    }


def test_oversized_urls_are_skipped_and_long_titles_cut(tmp_path: Path) -> None:
    path = build(
        tmp_path / "history.sqlite",
        "CREATE TABLE History (url, title, atime, redirect);",
        {
            "History": [
                ("https://x/" + "a" * 40_000, "t", QUTE_S, 0),
                ("https://y/", "T" * 9000, QUTE_S, 0),
            ]
        },
    )
    events = parse(QUTE, path)
    assert [type(e) for e in events] == [Rejected, Emit]
    assert len(kit.records(events)[0]["title"]) == 4096


def test_sniff_knows_each_database_by_its_tables_not_its_name(tmp_path: Path) -> None:
    built = {
        CHROME: chrome_db(tmp_path / "a.bin"),
        SAFARI: safari_db(tmp_path / "b.bin"),
        QUTE: build(tmp_path / "c.bin", "CREATE TABLE History (url, title, atime, redirect);", {}),
    }
    for owner, path in built.items():
        source = DiskFile(path, path.name)
        assert [imp for imp in ALL if imp.sniff(source)] == [owner]
    other = build(tmp_path / "History", "CREATE TABLE notes (id, body);", {})
    text = tmp_path / "places.sqlite"
    text.write_text('{"not": "a database"}')
    for path in (other, text):
        assert not any(imp.sniff(DiskFile(path, path.name)) for imp in ALL)


def test_a_non_database_named_like_one_fails_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "History"
    path.write_bytes(bytes(range(256)) * 64)  # encrypted-looking bytes
    source = DiskFile(path, "Profile 1/History")
    assert detect(source, default_importers()) is CHROME
    with pytest.raises(HolopticError) as caught:
        list(CHROME.parse(source))
    assert caught.value.code == "import.malformed"
    assert "not a readable SQLite database" in caught.value.message
