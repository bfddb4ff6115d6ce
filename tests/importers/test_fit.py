"""FIT files: activity, monitoring and weight-scale fixtures, one checked value by value
against python-fitparse's CSV, and the corrupt ones refused whole."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from hypothesis import given, settings

from holoptic.bootstrap import Services
from holoptic.importers.errors import MalformedFile
from holoptic.importers.formats.fit import SEMICIRCLES, FitImporter
from holoptic.importers.model import Emit, Rejected
from holoptic.importers.sources import DiskFile
from tests.conftest import SHARED, shared_path
from tests.importers import kit

FIT = FitImporter()
# file → {kind: count}
COUNTS = {
    "20170518-191602-1740899583.fit": {"health.record": 1641, "health.workout": 9},
    "2019-02-17-062644-ELEMNT-297E-195-0.fit": {
        "location.track": 13348,
        "health.record": 122,
        "health.workout": 2,
    },
    "Edge810-Vector-2013-08-16-15-35-10.fit": {"location.track": 4700, "health.workout": 9},
    "MonitoringFile.fit": {"health.record": 337},
    "WeightScaleSingleUser.fit": {"body.measurement": 2},
    "activity-small-fenix2-run.fit": {"location.track": 2809, "health.workout": 5},
    "developer-types-sample.fit": {"location.track": 3424, "health.workout": 2},
    "elemnt-bolt-no-application-id-inside-developer-data-id.fit": {
        "location.track": 131,
        "health.record": 1,
        "health.workout": 2,
    },
    "garmin-edge-500-activity.fit": {
        "location.track": 10677,
        "health.record": 9,
        "health.workout": 10,
    },
    "garmin-fenix-5-bike.fit": {"location.track": 19, "health.workout": 2},
    "garmin-fenix-5-run.fit": {"location.track": 21, "health.workout": 2},
    "garmin-fenix-5-walk.fit": {"location.track": 17, "health.workout": 2},
    "reitti_sample.fit": {"location.track": 591, "health.workout": 2},
    "sample-activity-indoor-trainer.fit": {"health.record": 2263, "health.workout": 6},
    "sample-activity.fit": {"location.track": 2965, "health.record": 133, "health.workout": 5},
}
BROKEN = {
    "activity-settings-corruptheader.fit": "not a FIT file",
    "activity-unexpected-eof.fit": "expected 1 bytes, got 0",
    "strava-android-app-201.10-b1218918.fit": "local message 11 not defined",  # crashed app
}


parse = partial(kit.parse_path, FIT)
parse_bytes = partial(kit.parse_bytes, FIT, name="activity.fit")


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_fixture_counts(name: str) -> None:
    path = shared_path("fixtures", "fit", name)
    assert FIT.sniff(DiskFile(path, name))
    events = parse(path)
    assert not [e for e in events if isinstance(e, Rejected)]
    assert Counter(e.kind for e in events if isinstance(e, Emit)) == COUNTS[name]


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_files_fail_whole(name: str) -> None:
    path = shared_path("fixtures", "fit", name)
    assert FIT.sniff(DiskFile(path, name))
    with pytest.raises(MalformedFile, match=BROKEN[name]) as caught:
        parse(path)
    assert caught.value.code == "import.malformed"


def test_crc_mismatch_is_malformed() -> None:
    data = bytearray(shared_path("fixtures", "fit", "garmin-fenix-5-run.fit").read_bytes())
    data[-1] ^= 0xFF
    with pytest.raises(MalformedFile, match="CRC"):
        parse_bytes(bytes(data))


def test_records_match_fitparse_csv_value_by_value() -> None:
    tracks = [
        e.record
        for e in parse(shared_path("fixtures", "fit", "garmin-fenix-5-run.fit"))
        if isinstance(e, Emit) and e.kind == "location.track"
    ]
    with shared_path("fixtures", "fit", "garmin-fenix-5-run-records.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(tracks) == len(rows) == 21
    for record, row in zip(tracks, rows, strict=True):
        local = datetime.strptime(row["timestamp"], "%a %b %d %H:%M:%S PDT %Y")
        assert record["time"] == (local + timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert record["lat"] == int(row["position_lat"]) * SEMICIRCLES
        assert record["lon"] == int(row["position_long"]) * SEMICIRCLES
        assert (record["hr"], record["cad"]) == (int(row["heart_rate"]), int(row["cadence"]))
        assert record["speed"] == float(row["speed"])
        assert record["distance"] == float(row["distance"])
        assert record["ele"] == float(row["altitude"])
        assert record["atemp"] == int(row["temperature"])
    assert tracks[0]["lat"] == pytest.approx(38.2297873, abs=1e-7)


def test_workout_monitoring_and_weight_values() -> None:
    events = parse(shared_path("fixtures", "fit", "garmin-fenix-5-run.fit"))
    session = next(
        e.record for e in events if isinstance(e, Emit) and e.record.get("part") == "session"
    )
    assert session["time"] == "2017-06-11T14:34:09Z"
    assert session["end"] == "2017-06-11T14:35:05.887Z"
    assert (session["sport"], session["distance_m"], session["calories"]) == ("running", 157.56, 5)
    weights = [e.record for e in parse(shared_path("fixtures", "fit", "WeightScaleSingleUser.fit"))]
    assert weights == [
        {"time": "2009-09-09T21:38:00Z", "weight": 75.8, "percent_fat": 22.3},
        {"time": "2009-09-09T22:38:00Z", "weight": 76.09, "percent_fat": 25.1},
    ]
    monitoring = [e.record for e in parse(shared_path("fixtures", "fit", "MonitoringFile.fit"))]
    times = sorted(r["time"] for r in monitoring)
    assert (times[0], times[-1]) == ("2014-12-27T13:43:00Z", "2014-12-28T06:00:00Z")
    assert monitoring[3] == {
        "time": "2014-12-27T14:15:00Z",
        "type": "monitoring",
        "activity_type": "walking",
        "intensity": 2,
        "cycles": 50.0,
    }


def test_not_fit_is_not_sniffed() -> None:
    path = shared_path("fixtures", "gpx", "route.gpx")
    assert not FIT.sniff(DiskFile(path, path.name))


def test_import_end_to_end_corrupt_leaves_nothing_reimport_adds_nothing(
    services: Services,
) -> None:
    member = services.vault.add_member("Jules")
    good = shared_path("fixtures", "fit", "garmin-fenix-5-run.fit")
    bad = shared_path("fixtures", "fit", "activity-unexpected-eof.fit")
    report = kit.import_files(services, member, [good, bad])
    by_name = {Path(f.path).name: f for f in report.files}
    assert by_name[good.name].records_added == 23 and by_name[good.name].error is None
    failed = by_name[bad.name]
    assert failed.error is not None and failed.error.code == "import.malformed"
    assert failed.records_added == 0
    summary = kit.stored(services, member)
    assert summary == {"location.track": 21, "health.workout": 2}
    again = kit.import_files(services, member, [good])
    assert again.records_added == 0 and again.files[0].records_duplicate == 23


_REAL = SHARED / "fixtures" / "fit" / "garmin-fenix-5-walk.fit"
SEED = _REAL.read_bytes() if _REAL.exists() else b""


@pytest.mark.skipif(not SEED, reason="../shared fixtures absent: no real FIT file to mutate")
@settings(max_examples=50, deadline=None)
@given(kit.edited(SEED, ("flip", "flip", "nul", "cut"), upto=1 << 16, max_edits=4))
def test_mutated_files_fail_only_with_typed_errors(data: bytes) -> None:
    kit.assert_only_typed_errors(lambda: parse_bytes(data))
