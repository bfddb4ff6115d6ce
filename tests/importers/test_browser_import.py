"""Browser databases through the import service, on both backends: the member's files
stay byte-identical, broken databases fail cleanly, and importing again adds nothing."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

from holoptic.bootstrap import Services
from holoptic.importers.formats import browser_firefox, browser_qutebrowser
from holoptic.importers.model import Emit
from holoptic.importers.sources import DiskFile
from holoptic.vault.model import Member
from tests.conftest import shared_path
from tests.importers import kit
from tests.importkit import make_zip

FIXTURE_COUNTS = {
    "browserexport_brave.sqlite": ("browser.chrome", 2),
    "browserexport_chrome.sqlite": ("browser.chrome", 6),
    "browserexport_firefox.sqlite": ("browser.firefox", 4),
    "browserexport_firefox_mobile_legacy.sqlite": ("browser.fennec", 3),
    "browserexport_palemoon.sqlite": ("browser.firefox", 8),
    "browserexport_qutebrowser.sqlite": ("browser.qutebrowser", 2),
    "browserhistoryR_firefox_places.sqlite": ("browser.firefox", 26),
}


def snapshot(folder: Path) -> dict[str, str]:
    """Every file of a folder with the SHA-256 of its bytes."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
        if path.is_file()
    }


def visits_stored(services: Services, member: Member) -> int:
    return kit.stored(services, member).get("browsing.visit", 0)


def test_every_fixture_imports_once_and_stays_untouched(services: Services) -> None:
    folder = shared_path("fixtures", "browser-history")
    before = snapshot(folder)
    member = services.vault.add_member("Ines")
    report = kit.import_files(services, member, [folder])
    got = {f.path.split("/")[-1]: (f.format, f.records_added) for f in report.files if f.format}
    assert got == FIXTURE_COUNTS
    assert report.ok
    assert visits_stored(services, member) == sum(n for _, n in FIXTURE_COUNTS.values())
    again = kit.import_files(services, member, [folder])
    assert again.records_added == 0
    assert snapshot(folder) == before  # same names, same bytes: nothing written beside them


def test_a_later_overlapping_copy_adds_only_the_new_visit(
    services: Services, tmp_path: Path
) -> None:
    original = shared_path("fixtures", "browser-history", "browserexport_chrome.sqlite")
    member = services.vault.add_member("Jo")
    assert kit.import_files(services, member, [original]).records_added == 6
    later = tmp_path / "History"
    shutil.copyfile(original, later)
    with closing(sqlite3.connect(later)) as conn:
        conn.execute(
            "INSERT INTO visits (url, visit_time, from_visit, transition, segment_id,"
            " visit_duration, incremented_omnibox_typed_score, publicly_routable)"
            " VALUES (119, 13300000000000000, 0, 1, 0, 0, 0, 0)"
        )
        conn.commit()
    report = kit.import_files(services, member, [later])
    (file,) = report.files
    assert (file.records_added, file.records_duplicate, file.rejected_total) == (1, 6, 0)
    assert visits_stored(services, member) == 7


def test_truncated_database_fails_cleanly_and_leaves_nothing(
    services: Services, tmp_path: Path
) -> None:
    data = shared_path("fixtures", "browser-history", "browserexport_firefox.sqlite").read_bytes()
    cut = tmp_path / "places-cut.sqlite"
    cut.write_bytes(data[: len(data) // 2])  # the table list survives, the visits do not
    chrome = shared_path("fixtures", "browser-history", "browserexport_chrome.sqlite")
    profile = tmp_path / "Default"
    profile.mkdir()
    (profile / "History").write_bytes(chrome.read_bytes()[:40_960])  # known by name only
    member = services.vault.add_member("Kim")
    report = kit.import_files(services, member, [cut, profile])
    errors = {f.path: (f.format, f.error.code, f.error.message) for f in report.files if f.error}
    assert errors["places-cut.sqlite"][:2] == ("browser.firefox", "import.malformed")
    assert "truncated at byte 606208" in errors["places-cut.sqlite"][2]
    assert errors["Default/History"][:2] == ("browser.chrome", "import.malformed")
    assert not report.ok
    assert kit.stored(services, member) == {}


def test_wal_journal_is_read_from_a_private_copy(services: Services, tmp_path: Path) -> None:
    """Visits still in ``places.sqlite-wal`` are imported; neither file is changed."""
    live = tmp_path / "live"
    profile = tmp_path / "profile"
    live.mkdir()
    profile.mkdir()
    with closing(sqlite3.connect(live / "places.sqlite")) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA wal_autocheckpoint=0")
        conn.executescript(
            "CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT, title TEXT);"
            "CREATE TABLE moz_historyvisits (id INTEGER PRIMARY KEY, place_id INTEGER,"
            " visit_date INTEGER, visit_type INTEGER);"
            "INSERT INTO moz_places VALUES (1, 'https://w.example/', 'W');"
            "INSERT INTO moz_historyvisits VALUES (1, 1, 1700000000000000, 1);"
            "INSERT INTO moz_historyvisits VALUES (2, 1, 1700000001000000, 1);"
        )
        conn.commit()
        for name in ("places.sqlite", "places.sqlite-wal"):  # copied while "Firefox runs"
            shutil.copyfile(live / name, profile / name)
    before = snapshot(profile)
    assert set(before) == {"places.sqlite", "places.sqlite-wal"}
    (importer,) = browser_firefox.IMPORTERS[:1]
    db = DiskFile(profile / "places.sqlite", "profile/places.sqlite")
    assert importer.sniff(db)
    assert sum(isinstance(e, Emit) for e in importer.parse(db)) == 2
    member = services.vault.add_member("Lou")
    report = kit.import_files(services, member, [profile])
    added = {f.path: f.records_added for f in report.files}
    assert added == {"profile/places.sqlite": 2, "profile/places.sqlite-wal": 0}
    assert snapshot(profile) == before


def test_hot_journal_is_rolled_back_in_a_private_copy(tmp_path: Path) -> None:
    """A browser killed mid-write leaves ``-journal``: its half-transaction is not read."""
    live, profile = tmp_path / "live", tmp_path / "profile"
    live.mkdir()
    profile.mkdir()
    with closing(sqlite3.connect(live / "history.sqlite", isolation_level=None)) as conn:
        conn.execute("PRAGMA cache_size=1")  # spill the transaction into the file early
        conn.execute("CREATE TABLE History (url, title, atime, redirect)")
        conn.execute("INSERT INTO History VALUES ('https://kept/', 'K', 1700000000, 0)")
        conn.execute("BEGIN")
        for n in range(2000):
            conn.execute("INSERT INTO History VALUES (?, 'x', 1700000001, 0)", (f"https://{n}/",))
        for name in ("history.sqlite", "history.sqlite-journal"):  # copied mid-transaction
            shutil.copyfile(live / name, profile / name)
        conn.execute("ROLLBACK")
    before = snapshot(profile)
    (importer,) = browser_qutebrowser.IMPORTERS
    events = list(importer.parse(DiskFile(profile / "history.sqlite", "history.sqlite")))
    assert [e.record["url"] for e in events if isinstance(e, Emit)] == ["https://kept/"]
    assert snapshot(profile) == before


def test_databases_inside_a_zip_import_too(services: Services, tmp_path: Path) -> None:
    folder = shared_path("fixtures", "browser-history")
    archive = make_zip(
        tmp_path / "profiles.zip",
        {
            "Brave/Default/History": (folder / "browserexport_brave.sqlite").read_bytes(),
            "Firefox/places.sqlite": (folder / "browserexport_palemoon.sqlite").read_bytes(),
        },
    )
    member = services.vault.add_member("Max")
    report = kit.import_files(services, member, [archive])
    assert {f.path: (f.format, f.records_added) for f in report.files} == {
        "profiles.zip/Brave/Default/History": ("browser.chrome", 2),
        "profiles.zip/Firefox/places.sqlite": ("browser.firefox", 8),
    }
