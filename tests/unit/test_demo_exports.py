"""The demo's export files: deterministic, shaped as the importers expect, true to the data.

These read the files with the real importers (detection and parsing, no database), so a
change on either side that would break the demo's imports shows here first.
"""

from __future__ import annotations

import importlib.resources
import re
import zipfile
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from holoptic.demo import capture, exports, meta
from holoptic.demo.generate import records_for, roster
from holoptic.demo.people import ENERGY, LOCATION, Resident
from holoptic.importers.model import Emit, Rejected
from holoptic.importers.registry import default_importers, detect
from holoptic.importers.sources import Limits, Problem, walk
from holoptic.vault.model import Record

SEED = 7
CAMILLE_FORMATS = {
    "takeout-20261101T081500Z-001.zip/Takeout/Location History (Timeline)/Records.json": (
        "google.location_records"
    ),
    "takeout-20261101T081500Z-001.zip/Takeout/My Activity/Search/MyActivity.json": (
        "google.my_activity"
    ),
    "takeout-20261101T081500Z-001.zip/Takeout/Chrome/History.json": "google.chrome_history",
    "regie-lize-green-button.xml": "greenbutton",
    "sortie-velo-2026-10-25.gpx": "gpx",
    "www.lemonde.fr.har": "har",
}
META_FORMATS = {
    meta.USING: "meta.custom_audiences",
    meta.IG_USING: "meta.custom_audiences",
    meta.INTERACTED: "meta.ad_interactions",
    meta.INTERESTS: "meta.ad_interests",
    meta.IG_TOPICS: "meta.ad_interests",
    meta.OFF_META: "meta.off_platform",
}
BRIEF_TRACKERS = {
    "doubleclick.net",
    "google-analytics.com",
    "facebook.net",
    "criteo.com",
    "scorecardresearch.com",
}

Parsed = dict[str, tuple[str | None, list[Emit], list[Rejected]]]


def _parse(paths: list[Path]) -> Parsed:
    """Every file under ``paths`` as the import service sees it: format, records, rejects."""
    importers = default_importers()
    found: Parsed = {}
    with ExitStack() as stack:
        for source in walk(paths, Limits(), stack):
            assert not isinstance(source, Problem), source
            importer = detect(source, importers)
            if importer is None:
                found[source.name] = (None, [], [])
                continue
            events = list(importer.parse(source))
            emitted = [event for event in events if isinstance(event, Emit)]
            rejected = [event for event in events if isinstance(event, Rejected)]
            found[source.name] = (importer.format, emitted, rejected)
    return found


def _write(folder: Path, person: Resident) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return exports.write(folder, SEED, person, records_for(SEED, person))


@pytest.fixture(scope="module")
def camille(tmp_path_factory: pytest.TempPathFactory) -> tuple[Resident, Parsed]:
    person = roster(SEED, 4)[0]
    return person, _parse(_write(tmp_path_factory.mktemp("camille"), person))


def _records(parsed: Parsed, kind: str) -> list[Record]:
    return [
        event.record for _, emitted, _ in parsed.values() for event in emitted if event.kind == kind
    ]


def test_the_first_twelve_residents_with_data_take_part() -> None:
    people = roster(SEED, 300)
    taking_part = [person.index for person in people if exports.takes_part(person)]
    assert taking_part == [0, *range(2, 12)]  # Hélène, the town hall, brought nothing
    assert all(not exports.imported_kinds(person) for person in people[12:])
    assert exports.imported_kinds(people[0]) == people[0].kinds


def test_files_are_the_same_bytes_for_the_same_seed(tmp_path: Path) -> None:
    person = roster(SEED, 4)[0]
    first = {path.name: path.read_bytes() for path in _write(tmp_path / "a", person)}
    second = {path.name: path.read_bytes() for path in _write(tmp_path / "b", person)}
    assert first == second
    assert len(first) == 5  # Takeout, Meta, Green Button, GPX, HAR


@pytest.mark.parametrize("index", range(12))
def test_every_planned_file_is_recognised_and_nothing_is_rejected(
    tmp_path: Path, index: int
) -> None:
    person = roster(SEED, 12)[index]
    parsed = _parse(_write(tmp_path, person))
    recognised = {name for name, (fmt, _, _) in parsed.items() if fmt is not None}
    assert recognised == set(exports.planned(person))
    assert all(not rejected for _, _, rejected in parsed.values())
    unrecognised = {name for name, (fmt, _, _) in parsed.items() if fmt is None}
    assert unrecognised <= {f"{exports.TAKEOUT_ZIP}/Takeout/archive_browser.html"}


def test_camille_brings_every_format(camille: tuple[Resident, Parsed]) -> None:
    person, parsed = camille
    formats = {name: fmt for name, (fmt, _, _) in parsed.items() if fmt is not None}
    expected = CAMILLE_FORMATS | {
        f"{exports.meta_zip(person)}/{name}": fmt for name, fmt in META_FORMATS.items()
    }
    assert formats == expected
    kinds = Counter(event.kind for _, emitted, _ in parsed.values() for event in emitted)
    assert set(kinds) == person.kinds | {
        "location.track",
        "browsing.request",
        "search.query",
        "activity.event",
        "ads.interaction",
    }


def test_location_history_holds_the_generated_points(camille: tuple[Resident, Parsed]) -> None:
    person, parsed = camille
    generated = records_for(SEED, person)[LOCATION]
    imported = _records(parsed, "location.point")
    assert len(imported) == len(generated)
    assert {(r["lat"], r["lon"]) for r in imported} == {(g["lat"], g["lon"]) for g in generated}
    assert {r["time"][:19] for r in imported} == {g["time"][:19] for g in generated}
    assert all(re.fullmatch(r".{19}\.\d{3}Z", r["time"]) for r in imported)  # ISO, ms
    days = {r["time"][:10] for r in imported}
    assert len(days) == 14


def test_green_button_carries_the_generated_energy_exactly(
    camille: tuple[Resident, Parsed],
) -> None:
    person, parsed = camille
    generated = records_for(SEED, person)[ENERGY]
    imported = _records(parsed, "energy.interval")
    assert sorted((r["time"], r["value"]) for r in imported) == sorted(
        (g["time"], g["wh"]) for g in generated
    )
    assert {r["meter"] for r in imported} == {g["meter"] for g in generated}
    assert {(r["uom"], r["service"], r["currency"]) for r in imported} == {
        ("Wh", "electricity", "EUR")
    }


def test_searches_include_one_from_google_ads(camille: tuple[Resident, Parsed]) -> None:
    _, parsed = camille
    assert len(_records(parsed, "search.query")) >= 14
    (ad,) = _records(parsed, "activity.event")
    assert ad["from_ads"] is True and ad["details"] == ["From Google Ads"]


def test_meta_names_arrive_garbled_and_are_repaired(tmp_path: Path) -> None:
    person = roster(SEED, 4)[0]
    paths = _write(tmp_path, person)
    with zipfile.ZipFile(tmp_path / exports.meta_zip(person)) as archive:
        raw = b"".join(archive.read(name) for name in archive.namelist())
    assert rb"\u00c3" in raw  # UTF-8 bytes written one escape each, as Meta does
    assert meta.mojibake("Boulangerie à l'ancienne") == "Boulangerie Ã\xa0 l'ancienne"
    parsed = _parse(paths)
    advertisers = {r["advertiser"] for r in _records(parsed, "ads.custom_audience")}
    accented = {name for name in advertisers if not name.isascii()}
    assert accented and not any("Ã" in name for name in advertisers)
    generated = {r["advertiser"] for r in records_for(SEED, person)["ads.custom_audience"]}
    assert advertisers == generated


def _tracker_domains() -> set[str]:
    dump = importlib.resources.files("whotracksme").joinpath("data/assets/trackerdb.sql")
    text = dump.read_text(encoding="utf-8")
    return set(re.findall(r"INSERT INTO \"tracker_domains\" VALUES\('[^']*','([^']+)'\)", text))


def _registered(host: str, domains: set[str]) -> str | None:
    parts = host.split(".")
    for start in range(len(parts) - 1):
        candidate = ".".join(parts[start:])
        if candidate in domains:
            return candidate
    return None


def test_the_captured_page_calls_real_trackers(camille: tuple[Resident, Parsed]) -> None:
    _, parsed = camille
    domains = _tracker_domains()
    hosts = {r["host"] for r in _records(parsed, "browsing.request")}
    third_parties = {host for host in hosts if not host.endswith("lemonde.fr")}
    found = {host: _registered(host, domains) for host in third_parties}
    assert all(found.values()), found
    assert set(found.values()) >= BRIEF_TRACKERS
    assert len(hosts) == len({urlsplit(url).hostname for *_, url in capture.REQUESTS})
