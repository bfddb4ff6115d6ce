"""Google Location History ``Records.json`` / ``Location History.json``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from holoptic.bootstrap import Services
from holoptic.importers.errors import MalformedFile
from holoptic.importers.formats.google_location import LocationRecords
from holoptic.importers.registry import default_importers, detect
from holoptic.importers.sources import DiskFile
from tests.conftest import shared_path
from tests.importers import kit

IMPORTER = LocationRecords()
TAKEOUT = "fixtures", "google-takeout"


def fixture(name: str) -> DiskFile:
    path = shared_path(*TAKEOUT, name)
    return DiskFile(path, path.name)


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("location-history-italy-slovenia-2017-07-29.json", 3810),
        ("reitti_Records.json", 95),
        ("dogsheep_Location History.json", 2),
    ],
)
def test_fixtures_are_detected_by_content_and_read_whole(name: str, count: int) -> None:
    source = fixture(name)
    assert isinstance(detect(source, default_importers()), LocationRecords)
    emits, rejected = kit.run(IMPORTER, source)
    assert (kit.kinds(emits), rejected) == ({"location.point": count}, [])
    kit.assert_storable(emits)


def test_old_style_timestamp_ms_export() -> None:
    emits, _ = kit.run(IMPORTER, fixture("location-history-italy-slovenia-2017-07-29.json"))
    assert emits[0].record == {
        "time": "2017-07-29T09:59:40.583Z",
        "lat": 46.6382052,
        "lon": 16.2043272,
        "accuracy": 2500,
    }
    assert emits[-1].record == {
        "time": "2017-08-02T13:01:56Z",
        "lat": 46.551535,
        "lon": 16.4742742,
        "accuracy": 3,
        "ele": 206,
    }


def test_new_style_iso_export_keeps_source_device_and_top_activity() -> None:
    emits, _ = kit.run(IMPORTER, fixture("reitti_Records.json"))
    assert emits[0].record == {
        "time": "2013-04-15T06:31:26.860Z",
        "lat": 52.5121303,
        "lon": 13.4309551,
        "accuracy": 25,
        "source": "gps",
        "device": 335552189,
    }
    assert emits[3].record["activity"] == "STILL"
    assert emits[3].record["activity_confidence"] == 100
    assert sum("activity" in e.record for e in emits) == 47


def test_the_most_confident_activity_is_kept() -> None:
    emits, _ = kit.run(IMPORTER, fixture("dogsheep_Location History.json"))
    assert emits[1].record["activity"] == "UNKNOWN"
    assert emits[1].record["activity_confidence"] == 40
    assert emits[1].record["lon"] == -121.9287454


def test_the_schema_documented_example_is_read() -> None:
    schema = json.loads(
        shared_path("fixtures", "google-location-schemas", "Records.schema.json").read_text()
    )
    example = schema["$defs"]["locationRecord"]["examples"][0]
    emits, rejected = kit.run(IMPORTER, kit.as_file({"locations": [example]}))
    assert rejected == []
    assert emits[0].record == {
        "time": "2022-01-12T17:18:24.190Z",
        "lat": 41.4216106,
        "lon": 2.1684775,
        "accuracy": 20,
        "speed": 10,
        "heading": 270,
        "ele": 150,
        "vertical_accuracy": 10,
        "source": "wifi",
        "device": 1234567890,
        "platform": "ANDROID",
    }


def test_both_timestamp_styles_give_the_same_record() -> None:
    old = {"timestampMs": "1365985886860", "latitudeE7": 1, "longitudeE7": 2, "source": "WIFI"}
    new = {"timestamp": "2013-04-15T00:31:26.860Z", "latitudeE7": 1, "longitudeE7": 2}
    new["source"] = "wifi"
    first, _ = kit.run(IMPORTER, kit.as_file({"locations": [old]}))
    second, _ = kit.run(IMPORTER, kit.as_file({"locations": [new]}))
    assert first[0].record == second[0].record


def test_signed_overflow_is_corrected() -> None:
    entry = {"timestampMs": "0", "latitudeE7": 4294967296 - 337_000_000, "longitudeE7": 4_000}
    entry["longitudeE7"] = 4294967296 - 1_220_000_000
    emits, _ = kit.run(IMPORTER, kit.as_file({"locations": [entry]}))
    assert (emits[0].record["lat"], emits[0].record["lon"]) == (-33.7, -122.0)


def test_bad_entries_are_rejected_one_by_one() -> None:
    entries = [
        {"timestampMs": "1", "latitudeE7": 1, "longitudeE7": 1},
        {"timestampMs": "1", "latitudeE7": 1},
        {"timestamp": "yesterday", "latitudeE7": 1, "longitudeE7": 1},
        {"latitudeE7": 1, "longitudeE7": 1},
        {"timestampMs": "1", "latitudeE7": 3_000_000_000, "longitudeE7": 1},
        "not an object",
        {"timestampMs": "1", "latitudeE7": "12", "longitudeE7": 1},
    ]
    emits, rejected = kit.run(IMPORTER, kit.as_file({"locations": entries}))
    assert len(emits) == 1
    assert [r.location for r in rejected] == [f"locations[{n}]" for n in range(1, 7)]
    assert rejected[0].reason == "no latitudeE7/longitudeE7"
    assert rejected[2].reason == "no timestampMs or timestamp"


def test_empty_records_file_is_recognised_and_imports_nothing() -> None:
    source = kit.as_file({"locations": []})
    assert IMPORTER.sniff(source)
    assert kit.run(IMPORTER, source) == ([], [])


@pytest.mark.parametrize(
    "document",
    [{"timelineObjects": []}, [{"locations": []}], {"data": {"locations": []}}],
)
def test_other_json_is_not_taken_for_records(document: object) -> None:
    assert not IMPORTER.sniff(kit.as_file(document))


def test_truncated_records_fail_with_the_byte_offset() -> None:
    data = shared_path(*TAKEOUT, "reitti_Records.json").read_bytes()[:5000]
    with pytest.raises(MalformedFile, match="byte 5000"):
        kit.run(IMPORTER, kit.MemoryFile(data, "Records.json"))


def test_import_and_reimport_add_nothing_twice(services: Services, tmp_path: Path) -> None:
    member = services.vault.add_member("Ana")
    path = shared_path(*TAKEOUT, "reitti_Records.json")
    first = kit.import_files(services, member, [path])
    (report,) = first.files
    assert (report.format, report.records_added, report.error) == (
        "google.location_records",
        95,
        None,
    )
    copy = tmp_path / "Standortverlauf.json"  # renamed, so the file hash still matches
    copy.write_bytes(path.read_bytes())
    again = kit.import_files(services, member, [copy])
    assert again.records_added == 0 and again.files[0].records_duplicate == 95
    edited = tmp_path / "Records.json"  # different bytes, same points: merged by content
    edited.write_text(json.dumps(json.loads(path.read_text()), indent=1))
    merged = kit.import_files(services, member, [edited])
    assert merged.records_added == 0 and merged.files[0].records_duplicate == 95


def test_a_truncated_file_leaves_nothing(services: Services, tmp_path: Path) -> None:
    member = services.vault.add_member("Ben")
    path = tmp_path / "Records.json"
    path.write_bytes(shared_path(*TAKEOUT, "reitti_Records.json").read_bytes()[:20000])
    report = kit.import_files(services, member, [path])
    assert report.files[0].error is not None
    assert report.files[0].error.code == "import.malformed"
    assert kit.stored(services, member) == {}


SEED = (
    b'{"locations": [{"timestampMs": "1437263846012", "latitudeE7": 376955289, '
    b'"longitudeE7": -1219287261, "accuracy": 45, "activity": [{"timestampMs": "1", '
    b'"activity": [{"type": "STILL", "confidence": 40}]}]}, {"timestamp": '
    b'"2013-04-15T06:31:26.860Z", "latitudeE7": 525121303, "longitudeE7": 134309551, '
    b'"source": "WIFI", "deviceTag": 335552189, "velocity": 3.5}]}'
)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(kit.mutated(SEED), st.just(SEED)))
def test_mutated_records_parse_or_fail_typed(data: bytes) -> None:
    kit.parse_or_typed_error(IMPORTER, data)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_real_fixture_parses_or_fails_typed(data: st.DataObject) -> None:
    real = shared_path(*TAKEOUT, "reitti_Records.json").read_bytes()
    kit.parse_or_typed_error(IMPORTER, data.draw(kit.mutated(real)))
