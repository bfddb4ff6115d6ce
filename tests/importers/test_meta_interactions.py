"""Advertisers you interacted with: history_v2 (localised actions) and the label_values list."""

from __future__ import annotations

from holoptic.importers.formats.meta_interactions import AdInteractionImporter
from holoptic.importers.model import Rejected
from tests.importers import kit
from tests.importers.kit import MemoryFile

IMPORTER = AdInteractionImporter()
KIND = "ads.interaction"
NAME = "facebook-x/ads_information/advertisers_you've_interacted_with.json"


def _source(document: object, name: str = NAME) -> MemoryFile:
    return kit.as_file(document, name, indent=2)


def test_history_v2_keeps_title_and_localised_action() -> None:
    source = _source(
        {
            "history_v2": [
                {
                    "title": "\u00c3\u009cber Angebote",
                    "action": "Klick auf Werbeanzeige",
                    "timestamp": 1650000000,
                },
                {"title": "Shoes", "action": "Clicked ad", "timestamp": 1650000100},
                {"title": "No time", "action": "Clicked ad"},
                {"action": "Clicked ad", "timestamp": 1650000200},
            ]
        },
        "renamed.json",
    )
    assert IMPORTER.sniff(source)
    events = kit.parse_all(IMPORTER, source)
    assert kit.records(events, KIND) == [
        {
            "time": "2022-04-15T05:20:00Z",
            "title": "Über Angebote",
            "action": "Klick auf Werbeanzeige",
        },
        {"time": "2022-04-15T05:21:40Z", "title": "Shoes", "action": "Clicked ad"},
    ]
    assert [(e.location, e.reason) for e in events if isinstance(e, Rejected)] == [
        ("history_v2[2]", "no valid timestamp"),
        ("history_v2[3]", "no title"),
    ]


def test_label_values_list_is_read_by_shape() -> None:
    source = _source(
        [
            {
                "timestamp": 1700000000,
                "media": [],
                "label_values": [
                    {"label": "Titel", "value": "Sommerschlussverkauf"},
                    {"label": "Handlung", "value": "Klick auf Werbeanzeige"},
                ],
                "fbid": "1",
            },
            {
                "title": "Given title",
                "media": [],
                "label_values": [
                    {"label": "Qué hiciste", "value": "Hiciste clic en un anuncio"},
                    {"label": "Fecha", "timestamp_value": 1700000001},
                ],
                "fbid": "2",
            },
        ]
    )
    assert IMPORTER.sniff(source)
    assert kit.records(kit.parse_all(IMPORTER, source), KIND) == [
        {
            "time": "2023-11-14T22:13:20Z",
            "title": "Sommerschlussverkauf",
            "action": "Klick auf Werbeanzeige",
        },
        {
            "time": "2023-11-14T22:13:21Z",
            "title": "Given title",
            "action": "Hiciste clic en un anuncio",
        },
    ]


def test_generic_history_key_needs_the_file_name() -> None:
    document = {"history": [{"title": "A", "action": "B", "timestamp": 1}]}
    assert IMPORTER.sniff(_source(document))
    assert not IMPORTER.sniff(_source(document, "x/search_history.json"))
    listed = [{"timestamp": 1, "label_values": [{"label": "A", "value": "b"}]}]
    assert not IMPORTER.sniff(_source(listed, "x/your_recent_reported_conversions.json"))
