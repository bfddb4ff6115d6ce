"""Google Semantic Location History monthly files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from holoptic.bootstrap import Services
from holoptic.importers.formats.google_semantic import SemanticLocationHistory
from holoptic.importers.registry import default_importers, detect
from tests.conftest import shared_path
from tests.importers import kit

IMPORTER = SemanticLocationHistory()

OLD_VISIT: dict[str, Any] = {
    "placeVisit": {
        "location": {
            "latitudeE7": 488583701,
            "longitudeE7": 22944813,
            "placeId": "ChIJLU7jZClu5kcR4PcOOO6p3I0",
            "address": "Champ de Mars, 75007 Paris",
            "name": "Tour Eiffel",
            "semanticType": "TYPE_SEARCHED_ADDRESS",
            "sourceInfo": {"deviceTag": -1234},
            "locationConfidence": 87.5,
        },
        "duration": {"startTimestampMs": "1546333200000", "endTimestampMs": "1546340400500"},
        "placeConfidence": "HIGH_CONFIDENCE",
        "centerLatE7": 488583000,
        "centerLngE7": 22944000,
        "visitConfidence": 95,
        "otherCandidateLocations": [
            {"latitudeE7": 488580000, "longitudeE7": 22940000, "placeId": "X", "name": "Kiosk"},
            {"semanticType": "TYPE_WORK"},
        ],
        "placeVisitImportance": "MAIN",
        "childVisits": [
            {
                "location": {"latitudeE7": 488584000, "longitudeE7": 22945000, "placeId": "C"},
                "duration": {
                    "startTimestampMs": "1546334000000",
                    "endTimestampMs": "1546335000000",
                },
            }
        ],
    }
}
OLD_SEGMENT: dict[str, Any] = {
    "activitySegment": {
        "startLocation": {"latitudeE7": 488583701, "longitudeE7": 22944813},
        "endLocation": {"latitudeE7": 488738000, "longitudeE7": 22950000},
        "duration": {"startTimestampMs": "1546340400500", "endTimestampMs": "1546341600000"},
        "distance": 1720,
        "activityType": "WALKING",
        "confidence": "HIGH",
        "activities": [{"activityType": "WALKING", "probability": 91.5}],
        "waypointPath": {"waypoints": [{"latE7": 488583701, "lngE7": 22944813}]},
        "simplifiedRawPath": {
            "points": [
                {
                    "latE7": 488600000,
                    "lngE7": 22946000,
                    "timestampMs": "1546340700000",
                    "accuracyMeters": 12,
                }
            ]
        },
    }
}


def schema_objects() -> list[dict[str, Any]]:
    """A month built from the examples documented in the reverse-engineered schema."""
    path = shared_path("fixtures", "google-location-schemas", "Semantic.schema.json")
    defs = json.loads(path.read_text())["$defs"]
    visit = {
        "location": defs["location"]["examples"][0],
        "duration": defs["duration"]["examples"][0],
        "placeConfidence": "HIGH_CONFIDENCE",
        "simplifiedRawPath": defs["simplifiedRawPath"]["examples"][0],
    }
    return [{"placeVisit": visit}, *defs["activitySegment"]["examples"]]


def test_old_style_month_with_e7_spellings_and_child_visits() -> None:
    source = kit.as_file({"timelineObjects": [OLD_VISIT, OLD_SEGMENT]}, "2019_JANUARY.json")
    assert isinstance(detect(source, default_importers()), SemanticLocationHistory)
    emits, rejected = kit.run(IMPORTER, source)
    assert rejected == []
    assert kit.kinds(emits) == {"location.visit": 2, "location.activity": 1, "location.point": 1}
    visit, child = kit.of_kind(emits, "location.visit")
    assert visit == {
        "time": "2019-01-01T09:00:00Z",
        "end": "2019-01-01T11:00:00.500Z",
        "lat": 48.8583701,
        "lon": 2.2944813,
        "place_id": "ChIJLU7jZClu5kcR4PcOOO6p3I0",
        "name": "Tour Eiffel",
        "address": "Champ de Mars, 75007 Paris",
        "semantic_type": "TYPE_SEARCHED_ADDRESS",
        "location_confidence": 87.5,
        "device": -1234,
        "confidence": "HIGH_CONFIDENCE",
        "visit_confidence": 95,
        "importance": "MAIN",
        "candidates": [
            {"lat": 48.858, "lon": 2.294, "place_id": "X", "name": "Kiosk"},
            {"semantic_type": "TYPE_WORK"},
        ],
    }
    assert child["parent_place_id"] == "ChIJLU7jZClu5kcR4PcOOO6p3I0"
    (segment,) = kit.of_kind(emits, "location.activity")
    assert segment == {
        "time": "2019-01-01T11:00:00.500Z",
        "end": "2019-01-01T11:20:00Z",
        "start_lat": 48.8583701,
        "start_lon": 2.2944813,
        "end_lat": 48.8738,
        "end_lon": 2.295,
        "type": "WALKING",
        "confidence": "HIGH",
        "distance": 1720,
        "probability": 91.5,
        "waypoints": [[48.8583701, 2.2944813]],
    }
    assert kit.of_kind(emits, "location.point") == [
        {"time": "2019-01-01T11:05:00Z", "lat": 48.86, "lon": 2.2946, "accuracy": 12}
    ]
    kit.assert_storable(emits)


def test_new_style_month_from_the_schema_examples() -> None:
    emits, rejected = kit.run(IMPORTER, kit.as_file({"timelineObjects": schema_objects()}))
    assert rejected == []
    assert kit.kinds(emits) == {"location.visit": 1, "location.point": 9, "location.activity": 1}
    (visit,) = kit.of_kind(emits, "location.visit")
    assert (visit["time"], visit["end"]) == ("2022-02-02T10:41:08.315Z", "2022-02-02T10:45:09.962Z")
    assert (visit["lat"], visit["lon"], visit["name"]) == (
        41.4036299,
        2.1743558,
        "La Sagrada Familia",
    )
    (segment,) = kit.of_kind(emits, "location.activity")
    assert segment["type"] == "IN_BUS" and segment["transit_line"] == "H8"
    assert segment["transit_stops"][0] == "Sant Antoni Maria Claret-Lepant"
    assert (segment["time"], segment["end"]) == ("2022-03-03T12:22:24Z", "2022-03-03T12:43:34Z")
    kit.assert_storable(emits)


def test_both_timestamp_styles_give_the_same_visit() -> None:
    iso = json.loads(json.dumps(OLD_VISIT))
    iso["placeVisit"]["duration"] = {
        "startTimestamp": "2019-01-01T09:00:00.000Z",
        "endTimestamp": "2019-01-01T11:00:00.500Z",
    }
    old, _ = kit.run(IMPORTER, kit.as_file({"timelineObjects": [OLD_VISIT]}))
    new, _ = kit.run(IMPORTER, kit.as_file({"timelineObjects": [iso]}))
    assert old == new


def test_bad_objects_are_rejected_one_by_one() -> None:
    objects = [
        {"placeVisit": {"location": {}}},
        {"somethingElse": {}},
        {"activitySegment": {"duration": {"startTimestamp": "soon"}}},
        OLD_SEGMENT,
    ]
    emits, rejected = kit.run(IMPORTER, kit.as_file({"timelineObjects": objects}))
    assert kit.kinds(emits) == {"location.activity": 1, "location.point": 1}
    assert [(r.location, r.reason) for r in rejected] == [
        ("timelineObjects[0]", "no duration"),
        ("timelineObjects[1]", "neither a placeVisit nor an activitySegment"),
        ("timelineObjects[2]", "unreadable time 'soon'"),
    ]


@pytest.mark.parametrize(
    "document",
    [{"locations": []}, {"semanticSegments": []}, [{"timelineObjects": []}]],
)
def test_other_json_is_not_taken_for_a_semantic_month(document: object) -> None:
    assert not IMPORTER.sniff(kit.as_file(document))


def test_import_then_reimport_adds_nothing(services: Services, tmp_path: Path) -> None:
    member = services.vault.add_member("Cléo")
    path = tmp_path / "2022_MARCH.json"
    path.write_text(json.dumps({"timelineObjects": [OLD_VISIT, OLD_SEGMENT, *schema_objects()]}))
    first = kit.import_files(services, member, [path])
    assert first.files[0].format == "google.semantic_location"
    assert first.records_added == 15
    path.write_text(json.dumps({"timelineObjects": [*schema_objects(), OLD_VISIT]}, indent=2))
    again = kit.import_files(services, member, [path])
    assert again.records_added == 0 and again.files[0].records_duplicate == 13


SEED = json.dumps({"timelineObjects": [OLD_VISIT, OLD_SEGMENT]}).encode()


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kit.mutated(SEED))
def test_mutated_months_parse_or_fail_typed(data: bytes) -> None:
    kit.parse_or_typed_error(IMPORTER, data)
