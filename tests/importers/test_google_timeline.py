"""Google's on-device Timeline exports: Android (object) and iOS (array of strings)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from holoptic.bootstrap import Services
from holoptic.importers.errors import MalformedFile
from holoptic.importers.formats.google_timeline import AndroidTimeline, IosTimeline
from holoptic.importers.registry import default_importers, detect
from holoptic.importers.sources import DiskFile
from tests.conftest import shared_path
from tests.importers import kit

ANDROID, IOS = AndroidTimeline(), IosTimeline()
DEVICE = "fixtures", "google-timeline-device"

IOS_EXPORT: list[dict[str, Any]] = [
    {
        "endTime": "2023-12-27T14:05:00.000+01:00",
        "startTime": "2023-12-27T13:32:18.000+01:00",
        "visit": {
            "hierarchyLevel": "0",
            "topCandidate": {
                "probability": "0.950000",
                "semanticType": "Home",
                "placeID": "ChIJ0wVh0e2T5UYRHb5SgJ9Ykf8",
                "placeLocation": "geo:55.605123,24.761567",
            },
            "probability": "0.880000",
        },
    },
    {
        "endTime": "2023-12-27T14:30:00.000+01:00",
        "startTime": "2023-12-27T14:05:00.000+01:00",
        "activity": {
            "probability": "0.990000",
            "end": "geo:55.610000,24.770000",
            "topCandidate": {"type": "in passenger vehicle", "probability": "0.810000"},
            "distanceMeters": "1881.000000",
            "start": "geo:55.605123,24.761567",
        },
    },
    {
        "endTime": "2023-12-27T16:05:00.000+01:00",
        "startTime": "2023-12-27T14:05:00.000+01:00",
        "timelinePath": [
            {"point": "geo:55.606000,24.762000", "durationMinutesOffsetFromStartTime": "5"},
            {"point": "geo:55.607000,24.763000", "durationMinutesOffsetFromStartTime": "12"},
        ],
    },
]


def fixture(name: str) -> DiskFile:
    path = shared_path(*DEVICE, name)
    return DiskFile(path, path.name)


def test_android_export_with_raw_signals() -> None:
    source = fixture("reitti_timeline_from_android_randomized.json")
    assert isinstance(detect(source, default_importers()), AndroidTimeline)
    emits, rejected = kit.run(ANDROID, source)
    assert rejected == []
    assert kit.kinds(emits) == {"location.point": 83, "location.visit": 7, "location.activity": 5}
    assert kit.of_kind(emits, "location.visit")[0] == {
        "time": "2017-05-02T02:12:04Z",
        "end": "2017-05-02T08:52:12Z",
        "utc_offset": 600,
        "lat": -27.413026,
        "lon": 163.5643862,
        "place_id": "ChIJ7czCIfZYkWsRpWBJ8NUZOIs",
        "semantic_type": "UNKNOWN",
        "probability": 0.2992241680622101,
        "visit_probability": 0.9399999976158142,
        "level": 0,
    }
    assert kit.of_kind(emits, "location.activity")[0]["type"] == "CYCLING"
    assert kit.of_kind(emits, "location.activity")[0]["distance"] == 8856.0
    raw = kit.of_kind(emits, "location.point")[-3]
    assert raw == {
        "time": "2025-07-18T20:31:35Z",
        "lat": -27.4129293,
        "lon": 163.5639147,
        "accuracy": 11,
        "ele": 46.70000076293945,
        "speed": 0.0,
        "source": "wifi",
    }
    kit.assert_storable(emits)


def test_android_miniature_with_path_in_visit_segments() -> None:
    emits, rejected = kit.run(ANDROID, fixture("kgeo_test-data.json"))
    assert rejected == []
    assert kit.kinds(emits) == {"location.visit": 2, "location.point": 12}
    first = kit.of_kind(emits, "location.visit")[0]
    assert (first["semantic_type"], first["lat"], first["lon"]) == (
        "INFERRED_WORK",
        40.712776,
        -74.005974,
    )
    assert "utc_offset" not in first
    assert kit.of_kind(emits, "location.point")[0] == {
        "time": "2023-10-01T08:15:00Z",
        "lat": 40.712776,
        "lon": -74.005974,
    }


def test_ios_export_of_strings() -> None:
    source = kit.as_file(IOS_EXPORT, "location-history.json")
    assert isinstance(detect(source, default_importers()), IosTimeline)
    emits, rejected = kit.run(IOS, source)
    assert rejected == []
    assert kit.kinds(emits) == {"location.visit": 1, "location.activity": 1, "location.point": 2}
    assert kit.of_kind(emits, "location.visit")[0] == {
        "time": "2023-12-27T12:32:18Z",
        "end": "2023-12-27T13:05:00Z",
        "utc_offset": 60,
        "lat": 55.605123,
        "lon": 24.761567,
        "place_id": "ChIJ0wVh0e2T5UYRHb5SgJ9Ykf8",
        "semantic_type": "Home",
        "probability": 0.95,
        "visit_probability": 0.88,
        "level": 0,
    }
    activity = kit.of_kind(emits, "location.activity")[0]
    assert (activity["type"], activity["distance"]) == ("IN_PASSENGER_VEHICLE", 1881.0)
    assert [p["time"] for p in kit.of_kind(emits, "location.point")] == [
        "2023-12-27T13:10:00Z",
        "2023-12-27T13:17:00Z",
    ]
    kit.assert_storable(emits)


def test_segment_arrays_re_emitted_by_other_tools_are_read() -> None:
    segments = [
        {
            "startTime": "2024-01-01T10:00:00Z",
            "endTime": "2024-01-01T11:00:00Z",
            "visit": {"topCandidate": {"placeLocation": {"latitudeE7": 1, "longitudeE7": 2}}},
        },
        {
            "startTime": "2024-01-01T11:00:00Z",
            "timelinePath": [{"point": "1.5°, 2.5°", "time": "2024-01-01T11:05:00Z"}],
        },
    ]
    emits, rejected = kit.run(IOS, kit.as_file(segments))
    assert rejected == []
    assert kit.of_kind(emits, "location.visit")[0]["lat"] == 1e-7
    assert kit.of_kind(emits, "location.point") == [
        {"time": "2024-01-01T11:05:00Z", "lat": 1.5, "lon": 2.5}
    ]


def test_bad_segments_and_points_are_rejected_on_their_own() -> None:
    document = {
        "semanticSegments": [
            {"endTime": "2024-01-01T11:00:00Z", "visit": {}},
            {
                "startTime": "2024-01-01T11:00:00Z",
                "timelinePath": [
                    {"point": "north", "time": "2024-01-01T11:05:00Z"},
                    {"point": "1°, 2°", "time": "2024-01-01T11:06:00Z"},
                ],
            },
            {"startTime": "2024-01-01T11:00:00Z"},
        ],
        "rawSignals": [{"wifiScan": {}}, {"position": {"LatLng": "1°, 2°"}}],
        "userLocationProfile": {"frequentPlaces": []},
    }
    emits, rejected = kit.run(ANDROID, kit.as_file(document))
    assert len(emits) == 1
    assert [(r.location, r.reason) for r in rejected] == [
        ("semanticSegments[0]", "no startTime"),
        ("semanticSegments[1].timelinePath[0]", "unreadable coordinates 'north'"),
        ("semanticSegments[2]", "no visit, activity or timelinePath"),
        ("rawSignals[1]", "time is not a string: None"),
    ]


@pytest.mark.parametrize(
    ("importer", "document"),
    [
        (ANDROID, {"timelineObjects": []}),
        (ANDROID, [{"startTime": "x", "visit": {}}]),
        (IOS, [{"header": "Maps", "title": "x", "time": "2020-01-01T00:00:00Z"}]),
        (IOS, {"semanticSegments": []}),
    ],
)
def test_other_json_is_not_taken_for_a_timeline(importer: Any, document: object) -> None:
    assert not importer.sniff(kit.as_file(document))


def test_truncated_android_export_fails_cleanly() -> None:
    data = shared_path(*DEVICE, "reitti_timeline_from_android_randomized.json").read_bytes()
    with pytest.raises(MalformedFile, match="truncated"):
        kit.run(ANDROID, kit.MemoryFile(data[:9000], "Timeline.json"))


def test_import_then_reimport_adds_nothing(services: Services, tmp_path: Path) -> None:
    member = services.vault.add_member("Dom")
    android = shared_path(*DEVICE, "reitti_timeline_from_android_randomized.json")
    ios = tmp_path / "location-history.json"
    ios.write_text(json.dumps(IOS_EXPORT))
    first = kit.import_files(services, member, [android, ios])
    assert [f.format for f in first.files] == ["google.timeline", "google.timeline_ios"]
    # 5 path points repeat in the Android file (its 2-hour path windows overlap)
    assert first.ok and first.records_added == 90 + 4
    ios.write_text(json.dumps(IOS_EXPORT, indent=2))
    again = kit.import_files(services, member, [android, ios])
    assert again.records_added == 0


ANDROID_SEED = json.dumps(
    {
        "semanticSegments": [
            {
                "startTime": "2017-05-02T11:40:00+10:00",
                "endTime": "2017-05-02T13:40:00+10:00",
                "timelinePath": [
                    {"point": "-27.41°, 163.56°", "time": "2017-05-02T12:12:00+10:00"}
                ],
            },
            {
                "startTime": "2017-05-02T12:12:04+10:00",
                "endTime": "2017-05-02T18:52:12+10:00",
                "activity": {"start": {"latLng": "1°, 2°"}, "topCandidate": {"type": "WALKING"}},
            },
        ],
        "rawSignals": [{"position": {"LatLng": "1°, 2°", "timestamp": "2025-07-19T06:31:35Z"}}],
    },
    ensure_ascii=False,
).encode()


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kit.mutated(ANDROID_SEED))
def test_mutated_android_exports_parse_or_fail_typed(data: bytes) -> None:
    kit.parse_or_typed_error(ANDROID, data)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kit.mutated(json.dumps(IOS_EXPORT).encode()))
def test_mutated_ios_exports_parse_or_fail_typed(data: bytes) -> None:
    kit.parse_or_typed_error(IOS, data)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_real_android_fixture_parses_or_fails_typed(data: st.DataObject) -> None:
    real = shared_path(*DEVICE, "reitti_timeline_from_android_randomized.json").read_bytes()
    kit.parse_or_typed_error(ANDROID, data.draw(kit.mutated(real)))
