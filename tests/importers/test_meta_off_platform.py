"""Off-Meta activity: both shapes, localised labels, mojibake, rejects and broken files.

Inputs are small documents built from the annotated structures of real exports
(``meta-structure-skeletons``), not copies of them.
"""

from __future__ import annotations

import json

import pytest

from holoptic.importers.errors import MalformedFile
from holoptic.importers.formats.meta_off_platform import OffPlatformImporter
from holoptic.importers.model import Emit, Rejected
from tests.importers import kit
from tests.importers.kit import MemoryFile

IMPORTER = OffPlatformImporter()
FB_NAME = "facebook-x/apps_and_websites_off_of_facebook/your_activity_off_meta_technologies.json"


def _source(document: object, name: str = FB_NAME) -> MemoryFile:
    return kit.as_file(document, name, indent=2)


def test_facebook_shape_gives_one_record_per_event_with_mojibake_repaired() -> None:
    source = _source(
        {
            "off_facebook_activity_v2": [
                {
                    "name": "CafÃ© LumiÃ¨re",
                    "events": [
                        {"id": 123456, "type": "PURCHASE", "timestamp": 1700000000},
                        {"id": 123456, "type": "PAGE_VIEW", "timestamp": 1700003600},
                    ],
                },
                {"name": "Zalando", "events": [{"id": 9, "type": "CUSTOM", "timestamp": 1}]},
            ]
        }
    )
    assert IMPORTER.sniff(source)
    events = kit.parse_all(IMPORTER, source)
    assert all(isinstance(event, Emit) and event.kind == "ads.off_platform" for event in events)
    assert kit.records(events) == [
        {
            "time": "2023-11-14T22:13:20Z",
            "company": "Café Lumière",
            "event": "PURCHASE",
            "id": "123456",
        },
        {
            "time": "2023-11-14T23:13:20Z",
            "company": "Café Lumière",
            "event": "PAGE_VIEW",
            "id": "123456",
        },
        {"time": "1970-01-01T00:00:01Z", "company": "Zalando", "event": "CUSTOM", "id": "9"},
    ]


def test_instagram_key_and_older_file_names_are_recognised_by_content() -> None:
    document = {
        "apps_and_websites_off_meta_activity": [
            {
                "name": "Vinted",
                "events": [{"id": 1, "type": "ACTIVATE_APP", "timestamp": 1600000000}],
            }
        ]
    }
    source = _source(document, "renamed/whatever.json")
    assert IMPORTER.sniff(source)
    assert kit.records(kit.parse_all(IMPORTER, source)) == [
        {"time": "2020-09-13T12:26:40Z", "company": "Vinted", "event": "ACTIVATE_APP", "id": "1"}
    ]


def test_broken_rows_are_rejected_and_the_rest_imports() -> None:
    source = _source(
        {
            "off_facebook_activity_v2": [
                {"name": "Good", "events": [{"type": "X", "timestamp": 1700000000}, "junk"]},
                {"name": "", "events": []},
                {"name": "NoTime", "events": [{"type": "X", "timestamp": 0}]},
                42,
            ]
        }
    )
    events = kit.parse_all(IMPORTER, source)
    assert kit.records(events) == [
        {"time": "2023-11-14T22:13:20Z", "company": "Good", "event": "X"}
    ]
    rejected = [(event.location, event.reason) for event in events if isinstance(event, Rejected)]
    assert rejected == [
        ("off_facebook_activity_v2[0].events[1]", "an event is not an object"),
        ("off_facebook_activity_v2[1]", "no company name or no list of events"),
        ("off_facebook_activity_v2[2].events[0]", "no valid timestamp"),
        ("off_facebook_activity_v2[3]", "no company name or no list of events"),
    ]


def _listed(events_label: str, id_label: str, event_label: str, time_label: str) -> list[object]:
    """The 2026 top-level list, labels in the account's language."""
    return [
        {
            "title": "BoulangerÃ¯e Dupont",
            "fbid": "1000",
            "media": [],
            "label_values": [
                {
                    "label": events_label,
                    "vec": [
                        {
                            "dict": [
                                {"label": id_label, "value": "55501"},
                                {"label": event_label, "value": "Purchase"},
                                {"label": time_label, "timestamp_value": 1710000000},
                            ]
                        },
                        {
                            "dict": [
                                {"label": id_label},
                                {"label": event_label, "value": "ViewContent"},
                                {"label": time_label, "timestamp_value": 1710000060},
                            ]
                        },
                    ],
                }
            ],
        }
    ]


@pytest.mark.parametrize(
    "labels",
    [
        ("Events", "ID", "Event", "Received on"),
        ("Ereignisse", "ID", "Ereignis", "Empfangen am"),
        ("Begivenheder", "Id", "Begivenhed", "Modtaget den"),
        ("Eventos", "Identificador", "Evento", "Recibido el"),
    ],
)
def test_2026_list_shape_is_read_by_structure_in_any_language(
    labels: tuple[str, str, str, str],
) -> None:
    source = _source(_listed(*labels), "export/your_activity_off_meta_technologies.json")
    assert IMPORTER.sniff(source)
    assert kit.records(kit.parse_all(IMPORTER, source)) == [
        {
            "time": "2024-03-09T16:00:00Z",
            "company": "Boulangerïe Dupont",
            "event": "Purchase",
            "id": "55501",
        },
        {"time": "2024-03-09T16:01:00Z", "company": "Boulangerïe Dupont", "event": "ViewContent"},
    ]


def test_2026_list_shape_is_matched_by_label_even_under_another_name() -> None:
    assert IMPORTER.sniff(_source(_listed("Events", "ID", "Event", "Received on"), "x/y.json"))
    unknown_label = _listed("Begebenheiten", "ID", "Event", "Received on")
    assert not IMPORTER.sniff(_source(unknown_label, "x/y.json"))
    assert IMPORTER.sniff(_source(unknown_label, "x/your_off-facebook_activity.json"))


def test_other_meta_files_are_not_claimed() -> None:
    others: list[object] = [
        {"media": [], "label_values": [{"label": "Name", "vec": [{"value": "x"}]}], "fbid": "1"},
        [
            {
                "timestamp": 1,
                "media": [],
                "label_values": [{"label": "A", "value": "b"}],
                "fbid": "2",
            }
        ],
        {"installed_apps_v2": [{"name": "x", "added_timestamp": 1}]},
        {"log": {"version": "1.2", "entries": []}},
        ["off_facebook_activity_v2"],
    ]
    for document in others:
        assert not IMPORTER.sniff(_source(document))


def test_truncated_file_fails_cleanly_with_its_offset() -> None:
    data = json.dumps(
        {"off_facebook_activity_v2": [{"name": "A", "events": [{"type": "X", "timestamp": 5}]}]}
    ).encode()
    source = MemoryFile(data[:-9], FB_NAME)
    assert IMPORTER.sniff(source)
    with pytest.raises(MalformedFile) as caught:
        kit.parse_all(IMPORTER, source)
    assert caught.value.code == "import.malformed"
    assert f"byte {len(data) - 9}" in caught.value.message
