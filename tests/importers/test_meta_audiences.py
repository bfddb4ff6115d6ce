"""Advertisers holding your data: all-types, contact lists, names-only label_values."""

from __future__ import annotations

import pytest

from holoptic.importers.errors import MalformedFile
from holoptic.importers.formats.meta_audiences import CustomAudienceImporter
from holoptic.importers.model import Rejected
from tests.importers import kit
from tests.importers.kit import MemoryFile

IMPORTER = CustomAudienceImporter()
KIND = "ads.custom_audience"


def _source(document: object, name: str = "x/ads_information/file.json") -> MemoryFile:
    return kit.as_file(document, name, indent=2)


@pytest.mark.parametrize("key", ["custom_audiences_all_types_v2", "ig_custom_audiences_all_types"])
def test_all_types_become_a_list_of_audience_types(key: str) -> None:
    source = _source(
        {
            key: [
                {
                    "advertiser_name": "MÃ¶bel Schmidt",
                    "has_data_file_custom_audience": True,
                    "has_remarketing_custom_audience": False,
                    "has_in_person_store_visit": True,
                },
                {
                    "advertiser_name": "Quiet Co",
                    "has_data_file_custom_audience": False,
                    "has_remarketing_custom_audience": False,
                    "has_in_person_store_visit": False,
                },
                {"has_data_file_custom_audience": True},
            ]
        }
    )
    assert IMPORTER.sniff(source)
    events = kit.parse_all(IMPORTER, source)
    assert kit.records(events, KIND) == [
        {"advertiser": "Möbel Schmidt", "types": ["data_file", "in_store"]},
        {"advertiser": "Quiet Co", "types": []},
    ]
    assert [e.location for e in events if isinstance(e, Rejected)] == [f"{key}[2]"]


def test_contact_list_uploads_are_typed_contact_list() -> None:
    source = _source({"custom_audiences_v2": ["Acme Insurance", "SÃ¸ren's Bikes", ""]})
    assert IMPORTER.sniff(source)
    events = kit.parse_all(IMPORTER, source)
    assert kit.records(events, KIND) == [
        {"advertiser": "Acme Insurance", "types": ["contact_list"]},
        {"advertiser": "Søren's Bikes", "types": ["contact_list"]},
    ]
    assert sum(isinstance(e, Rejected) for e in events) == 1


def _names_only() -> dict[str, object]:
    return {
        "media": [],
        "label_values": [
            {"label": "Navn", "vec": [{"value": "Brand A"}, {"value": "Brand Ã\u0085"}]},
            {"label": "Interaktioner", "vec": []},
        ],
        "fbid": "17841",
    }


def test_names_only_layout_is_recognised_by_its_file_name() -> None:
    name = "x/ads_information/advertisers_using_your_activity_or_information.json"
    source = _source(_names_only(), name)
    assert IMPORTER.sniff(source)
    assert kit.records(kit.parse_all(IMPORTER, source), KIND) == [
        {"advertiser": "Brand A"},
        {"advertiser": "Brand Å"},
    ]
    contact = _source(
        _names_only(), "x/advertisers_who_uploaded_a_contact_list_with_your_information.json"
    )
    assert IMPORTER.sniff(contact)
    assert kit.records(kit.parse_all(IMPORTER, contact), KIND)[0] == {
        "advertiser": "Brand A",
        "types": ["contact_list"],
    }


def test_label_values_files_of_other_kinds_are_not_claimed() -> None:
    assert not IMPORTER.sniff(_source(_names_only(), "x/other_categories_used_to_reach_you.json"))
    assert not IMPORTER.sniff(_source([_names_only()], "x/advertisers_using_your_activity.json"))
    with pytest.raises(MalformedFile):
        kit.parse_all(IMPORTER, _source(_names_only(), "x/subscription_for_no_ads.json"))
