"""Last known location: Facebook coordinates and Instagram's localised string_map_data."""

from __future__ import annotations

import pytest

from holoptic.importers.formats.meta_location import LastLocationImporter
from holoptic.importers.model import Rejected
from tests.importers import kit
from tests.importers.kit import MemoryFile

IMPORTER = LastLocationImporter()
KIND = "location.last_known"


def _source(document: object) -> MemoryFile:
    return kit.as_file(document, "x/last_known_location.json", indent=2)


def test_facebook_last_location() -> None:
    source = _source(
        {
            "last_location_v2": {
                "time": 1690000000,
                "coordinate": {"latitude": 48.8566, "longitude": 2.3522},
            }
        }
    )
    assert IMPORTER.sniff(source)
    assert kit.records(kit.parse_all(IMPORTER, source), KIND) == [
        {"lat": 48.8566, "lon": 2.3522, "time": "2023-07-22T04:26:40Z"}
    ]


def _cell(value: str, stamp: int = 0) -> dict[str, object]:
    return {"href": "", "value": value, "timestamp": stamp}


@pytest.mark.parametrize(
    ("imprecise_lat", "imprecise_lon", "precise_lat", "precise_lon", "uploaded"),
    [
        (
            "Imprecise Latitude",
            "Imprecise Longitude",
            "Precise Latitude",
            "Precise Longitude",
            "GPS Time Uploaded",
        ),
        (
            "Ungenauer Breitengrad",
            "Ungenauer Längengrad",
            "Genauer Breitengrad",
            "Genauer Längengrad",
            "GPS-Zeit",
        ),
        (
            "Upræcis breddegrad",
            "Upræcis længdegrad",
            "Præcis breddegrad",
            "Præcis længdegrad",
            "GPS-tid",
        ),
        (
            "Latitud imprecisa",
            "Longitud imprecisa",
            "Latitud precisa",
            "Longitud precisa",
            "Hora GPS",
        ),
    ],
)
def test_instagram_labels_are_read_in_any_language(
    imprecise_lat: str, imprecise_lon: str, precise_lat: str, precise_lon: str, uploaded: str
) -> None:
    cells = {
        imprecise_lat: _cell("55.68"),
        imprecise_lon: _cell("12,57"),
        precise_lat: _cell("55.6761"),
        precise_lon: _cell("12.5683"),
        uploaded: _cell("", 1739257000),
    }
    source = _source(
        {
            "account_history_imprecise_last_known_location": [
                {"title": "", "media_map_data": {}, "string_map_data": cells}
            ]
        }
    )
    assert IMPORTER.sniff(source)
    assert kit.records(kit.parse_all(IMPORTER, source), KIND) == [
        {"lat": 55.68, "lon": 12.57, "time": "2025-02-11T06:56:40Z", "precision": "imprecise"},
        {"lat": 55.6761, "lon": 12.5683, "time": "2025-02-11T06:56:40Z", "precision": "precise"},
    ]


def test_unreadable_or_impossible_coordinates_are_rejected() -> None:
    cells = {
        "Imprecise Latitude": _cell("424361"),
        "Imprecise Longitude": _cell("3618125"),
        "Precise Latitude": _cell("north"),
        "Precise Longitude": _cell("12.5"),
    }
    source = _source(
        {"account_history_imprecise_last_known_location": [{"string_map_data": cells}, "junk"]}
    )
    events = kit.parse_all(IMPORTER, source)
    assert kit.records(events, KIND) == []
    assert [(e.location, e.reason) for e in events if isinstance(e, Rejected)] == [
        (
            "account_history_imprecise_last_known_location[0] (imprecise)",
            "coordinates outside the globe",
        ),
        (
            "account_history_imprecise_last_known_location[0] (precise)",
            "missing or unreadable coordinates",
        ),
        ("account_history_imprecise_last_known_location[1]", "no string_map_data"),
    ]
    no_coordinate = _source({"last_location_v2": {"time": 5}})
    assert [type(e) for e in IMPORTER.parse(no_coordinate)] == [Rejected]
