"""Inferred interests: ad topics, your topics, other categories used to reach you."""

from __future__ import annotations

import pytest

from holoptic.importers.formats.meta_interests import InterestImporter
from holoptic.importers.model import Rejected
from tests.importers import kit
from tests.importers.kit import MemoryFile

IMPORTER = InterestImporter()
KIND = "ads.interest"


def _source(document: object, name: str = "x/file.json") -> MemoryFile:
    return kit.as_file(document, name, indent=2)


@pytest.mark.parametrize(
    ("key", "kept_in"),
    [
        ("topics_v2", "ad_interests"),
        ("inferred_topics_v2", "your_topics"),
        ("bcts", "other_categories"),
    ],
)
def test_string_lists_become_interests(key: str, kept_in: str) -> None:
    source = _source({key: ["Jardinage", "CafÃ©s", 7]})
    assert IMPORTER.sniff(source)
    events = kit.parse_all(IMPORTER, source)
    assert kit.records(events, KIND) == [
        {"name": "Jardinage", "list": kept_in},
        {"name": "Cafés", "list": kept_in},
    ]
    assert [e.location for e in events if isinstance(e, Rejected)] == [f"{key}[2]"]


def test_instagram_topics_read_the_one_value_of_each_row() -> None:
    row = {
        "title": "",
        "media_map_data": {},
        "string_map_data": {"Navn": {"href": "", "value": "Fodbold", "timestamp": 0}},
    }
    source = _source({"topics_your_topics": [row]})
    assert kit.records(kit.parse_all(IMPORTER, source), KIND) == [
        {"name": "Fodbold", "list": "your_topics"}
    ]


def test_other_categories_label_values_need_the_file_name() -> None:
    document = {
        "media": [],
        "label_values": [
            {"label": "Nombre", "vec": [{"value": "Viajeros frecuentes"}, {"value": "PadrÃ©s"}]}
        ],
        "fbid": "1",
    }
    named = _source(document, "x/ads_information/other_categories_used_to_reach_you.json")
    assert IMPORTER.sniff(named)
    assert kit.records(kit.parse_all(IMPORTER, named), KIND) == [
        {"name": "Viajeros frecuentes", "list": "other_categories"},
        {"name": "Padrés", "list": "other_categories"},
    ]
    assert not IMPORTER.sniff(_source(document, "x/locations_of_interest.json"))


def test_the_oldest_topics_key_needs_the_file_name() -> None:
    document = {"topics": ["Cycling"]}
    assert not IMPORTER.sniff(_source(document, "x/topics.json"))
    source = _source(document, "ads/ads_interests.json")
    assert kit.records(kit.parse_all(IMPORTER, source), KIND) == [
        {"name": "Cycling", "list": "ad_interests"}
    ]
