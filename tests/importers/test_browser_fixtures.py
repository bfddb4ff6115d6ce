"""Browser history databases: the real fixtures, every visit imported and one known
visit checked in each."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from holoptic.importers.formats import browser_chrome, browser_firefox, browser_qutebrowser
from holoptic.importers.formats._browser_common import VisitsImporter
from holoptic.importers.model import Rejected
from holoptic.importers.registry import default_importers, detect
from holoptic.importers.sources import DiskFile
from tests.conftest import shared_path
from tests.importers import kit

(CHROME,) = browser_chrome.IMPORTERS
FIREFOX, FENNEC = browser_firefox.IMPORTERS
(QUTE,) = browser_qutebrowser.IMPORTERS


def count(path: Path, sql: str) -> int:
    with closing(sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)) as conn:
        return int(conn.execute(sql).fetchone()[0])


FIXTURES = [
    # file, importer, SQL that counts its visits, one known visit
    (
        "browserexport_chrome.sqlite",
        CHROME,
        "SELECT count(*) FROM visits",
        {
            "time": "2021-04-01T06:59:07.057571Z",  # 13261733947057571 µs since 1601
            "url": "https://www.discogs.com/artist/2971103-%E3%81%95%E3%82%88%E3%81%AA%E3%82%89"
            "%E3%83%9D%E3%83%8B%E3%83%BC%E3%83%86%E3%83%BC%E3%83%AB",
            "title": "Goodbye Ponytail |",
            "browser": "chromium",
            "transition": "link",
            "duration_s": 16.603249,
        },
    ),
    (
        "browserexport_brave.sqlite",
        CHROME,
        "SELECT count(*) FROM visits",
        {
            "time": "2021-04-17T19:30:32.885828Z",  # 13263161432885828 µs since 1601
            "url": "https://basicattentiontoken.org/user-terms-of-service/",
            "title": "User Terms of Service | Basic Attention Token",
            "browser": "chromium",
            "transition": "link",  # 0xA0000000: a server redirect ending a chain
            "duration_s": 4.701716,
        },
    ),
    (
        "browserexport_firefox.sqlite",
        FIREFOX,
        "SELECT count(*) FROM moz_historyvisits",
        {
            "time": "2020-06-27T09:29:54.663271Z",  # 1593250194663271 µs since 1970
            "url": "https://www.mozilla.org/en-US/privacy/firefox/",
            "title": "Firefox Privacy Notice — Mozilla",
            "browser": "firefox",
            "transition": "redirect_permanent",
        },
    ),
    (
        "browserexport_palemoon.sqlite",
        FIREFOX,
        "SELECT count(*) FROM moz_historyvisits",
        {
            "time": "2021-04-16T18:23:32.825776Z",  # 1618597412825776
            "url": "https://www.youtube.com/",
            "title": "YouTube",
            "browser": "firefox",
            "transition": "redirect_permanent",
        },
    ),
    (
        "browserhistoryR_firefox_places.sqlite",
        FIREFOX,
        "SELECT count(*) FROM moz_historyvisits",
        {
            "time": "2024-05-24T15:43:23.366440Z",  # 1716565403366440
            "url": "https://en.wikipedia.org/wiki/Firefox",
            "title": "Firefox - Wikipedia",
            "browser": "firefox",
            "transition": "redirect_temporary",
        },
    ),
    (
        "browserexport_firefox_mobile_legacy.sqlite",
        FENNEC,
        "SELECT count(*) FROM visits JOIN history ON guid = history_guid WHERE deleted = 0",
        {
            "time": "2020-06-27T17:34:01.963730Z",  # 1593279241963730
            "url": "https://github.com/",
            "title": "GitHub",
            "browser": "firefox-android",
            "transition": "reload",
        },
    ),
    (
        "browserexport_qutebrowser.sqlite",
        QUTE,
        'SELECT count(*) FROM "History"',
        {
            "time": "2025-12-31T08:13:24Z",  # 1767168804
            "url": "https://www.qutebrowser.org/quickstart.html",
            "title": "qutebrowser quickstart | qutebrowser",
            "browser": "qutebrowser",
        },
    ),
]


@pytest.mark.parametrize(("name", "importer", "sql", "known"), FIXTURES, ids=lambda v: str(v)[:30])
def test_fixture_imports_every_visit(
    name: str, importer: VisitsImporter, sql: str, known: dict[str, Any]
) -> None:
    path = shared_path("fixtures", "browser-history", name)
    source = DiskFile(path, name)
    assert detect(source, default_importers()) is importer
    events = kit.parse_path(importer, path)
    assert not [e for e in events if isinstance(e, Rejected)]
    got = kit.records(events)
    assert len(got) == count(path, sql) > 0
    assert known in got
    assert [r["time"] for r in got] == sorted(r["time"] for r in got)
