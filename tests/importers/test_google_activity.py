"""Google My Activity JSON (every product) and YouTube watch and search history."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from holoptic.bootstrap import Services
from holoptic.importers.formats.google_activity import MyActivity, from_ads, search_query
from holoptic.importers.registry import default_importers, detect
from holoptic.importers.sources import DiskFile
from tests.conftest import shared_path
from tests.importers import kit

IMPORTER = MyActivity()
TAKEOUT = "fixtures", "google-takeout"
WATCH_HISTORY: list[dict[str, Any]] = [
    {
        "header": "YouTube",
        "title": "Watched Learning to fly",
        "titleUrl": "https://www.youtube.com/watch?v=abc123",
        "subtitles": [{"name": "Pilot Channel", "url": "https://www.youtube.com/channel/UC1"}],
        "time": "2024-01-02T03:04:05.678Z",
        "products": ["YouTube"],
        "activityControls": ["YouTube watch history"],
    },
    {
        "header": "YouTube",
        "title": "Has visto Coches rápidos",
        "titleUrl": "https://www.youtube.com/watch?v=xyz",
        "time": "2024-01-02T03:05:05.000Z",
        "products": ["YouTube"],
        "details": [{"name": "De los anuncios de Google"}],
    },
    {
        "header": "YouTube Music",
        "title": "Watched a video that has been removed",
        "time": "2024-01-02T03:07:05.678Z",
        "products": ["YouTube"],
    },
]
SEARCH_HISTORY: list[dict[str, Any]] = [
    {
        "header": "YouTube",
        "title": "Searched for cats & dogs",
        "titleUrl": "https://www.youtube.com/results?search_query=cats+%26+dogs",
        "time": "2024-01-03T10:00:00Z",
        "products": ["YouTube"],
        "details": [{"name": "From Google Ads"}],
    }
]


def fixture(name: str) -> DiskFile:
    path = shared_path(*TAKEOUT, name)
    return DiskFile(path, path.name)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("dogsheep_MyActivity_Search.json", {"activity.event": 1, "search.query": 1}),
        ("dogsheep_MyActivity_Maps.json", {"activity.event": 1, "search.query": 1}),
        ("dogsheep_MyActivity_PlayBooks.json", {"activity.event": 1}),
    ],
)
def test_fixtures_are_detected_and_read(name: str, expected: dict[str, int]) -> None:
    source = fixture(name)
    assert isinstance(detect(source, default_importers()), MyActivity)
    emits, rejected = kit.run(IMPORTER, source)
    assert (kit.kinds(emits), rejected) == (expected, [])
    kit.assert_storable(emits)


def test_search_entries_keep_the_query_and_unescaped_urls() -> None:
    emits, _ = kit.run(IMPORTER, fixture("dogsheep_MyActivity_Search.json"))
    visited, searched = (e.record for e in emits)
    assert searched == {
        "time": "2019-05-30T15:37:14.947Z",
        "header": "Search",
        "title": 'Searched for "myactivity" google export',
        "url": "https://www.google.com/search?q=%22myactivity%22+google+export",
        "products": ["Search"],
        "location_infos": [
            {
                "name": "Around this area",
                "url": "https://www.google.com/maps/@?api=1&map_action=map"
                "&center=37.773692,-122.429737&zoom=13",
                "source": "From your places (Home)",
                "source_url": "https://support.google.com/maps/answer/3184808",
            }
        ],
        "query": '"myactivity" google export',
    }
    assert visited["title"].startswith("Visited data liberation")
    assert "\\u003d" not in visited["url"] and "q=https://webapps" in visited["url"]


def test_maps_search_without_query_in_url_is_read_from_the_title() -> None:
    emits, _ = kit.run(IMPORTER, fixture("dogsheep_MyActivity_Maps.json"))
    (searched,) = kit.of_kind(emits, "search.query")
    assert searched["query"] == "Oktibbeha County Lake, Mississippi, USA"
    (viewed,) = kit.of_kind(emits, "activity.event")
    assert viewed["title"] == "Viewed area around Pheba" and viewed["header"] == "Maps"


def test_youtube_watch_history_with_ads_flagged() -> None:
    emits, rejected = kit.run(IMPORTER, kit.as_file(WATCH_HISTORY, "watch-history.json"))
    assert rejected == []
    assert kit.kinds(emits) == {"video.watch": 2, "activity.event": 1}
    first, second = kit.of_kind(emits, "video.watch")
    assert first == {
        "time": "2024-01-02T03:04:05.678Z",
        "header": "YouTube",
        "title": "Watched Learning to fly",
        "url": "https://www.youtube.com/watch?v=abc123",
        "products": ["YouTube"],
        "activity_controls": ["YouTube watch history"],
        "video_id": "abc123",
        "channel": "Pilot Channel",
        "channel_url": "https://www.youtube.com/channel/UC1",
    }
    assert second["from_ads"] is True and second["time"] == "2024-01-02T03:05:05Z"
    assert "from_ads" not in first
    kit.assert_storable(emits)


def test_youtube_search_history() -> None:
    emits, _ = kit.run(IMPORTER, kit.as_file(SEARCH_HISTORY, "search-history.json"))
    (searched,) = kit.of_kind(emits, "search.query")
    assert searched["query"] == "cats & dogs" and searched["from_ads"] is True


@pytest.mark.parametrize(
    "label",
    [
        "From Google Ads",
        "De los anuncios de Google",
        "Von Google Ads",
        "Depuis Google Ads",
        "Da Google Ads",
    ],
)
def test_ads_are_recognised_in_several_languages(label: str) -> None:
    assert from_ads([{"name": label}])


def test_other_details_are_not_ads() -> None:
    assert not from_ads([{"name": "Watched at 10:00"}, "junk", {"name": 3}])
    assert not from_ads(None)


@pytest.mark.parametrize(
    ("url", "title", "query"),
    [
        ("https://www.google.fr/search?q=m%C3%A9t%C3%A9o", "Recherche : météo", "météo"),
        ("https://play.google.com/store/search?q=maps&c=apps", "x", "maps"),
        ("https://music.youtube.com/search?q=jazz", "x", "jazz"),
        (None, "Has buscado tiempo", "tiempo"),
        ("https://www.google.com/url?q=https://example.com", "Visited example", None),
        ("http://[broken", "Visited", None),
    ],
)
def test_search_queries_come_from_urls_or_titles(
    url: str | None, title: str, query: str | None
) -> None:
    assert search_query(url, title) == query


def test_view_source_prefix_is_stripped_and_header_defaulted() -> None:
    entry = {
        "title": "Visited view-source:https://example.com/page",
        "titleUrl": "view-source:https://example.com/page",
        "time": "2019-03-01T10:00:00Z",
        "products": ["Chrome"],
    }
    emits, _ = kit.run(IMPORTER, kit.as_file([entry, {**entry, "header": "Chrome"}]))
    assert emits[0].record == {
        "time": "2019-03-01T10:00:00Z",
        "header": "Chrome",
        "title": "https://example.com/page",
        "url": "https://example.com/page",
        "products": ["Chrome"],
    }


def test_entries_without_time_or_of_another_type_are_rejected() -> None:
    entries = [{"header": "Search", "title": "x"}, 7, {"header": "Search", "time": "later"}]
    emits, rejected = kit.run(IMPORTER, kit.as_file([*WATCH_HISTORY[:1], *entries]))
    assert len(emits) == 1
    assert [(r.location, r.reason) for r in rejected] == [
        ("[1]", "no time"),
        ("[2]", "an entry is not an object"),
        ("[3]", "unreadable time 'later'"),
    ]


@pytest.mark.parametrize(
    "document",
    [
        [{"startTime": "2020-01-01T00:00:00Z", "visit": {}}],
        {"Browser History": []},
        [{"title": "x", "fbid": "1", "label_values": []}],
    ],
)
def test_other_json_is_not_taken_for_my_activity(document: object) -> None:
    assert not IMPORTER.sniff(kit.as_file(document))


def test_import_then_reimport_adds_nothing(services: Services, tmp_path: Path) -> None:
    member = services.vault.add_member("Eva")
    watch = tmp_path / "historial-de-reproducciones.json"
    watch.write_text(json.dumps(WATCH_HISTORY))
    search = shared_path(*TAKEOUT, "dogsheep_MyActivity_Search.json")
    first = kit.import_files(services, member, [watch, search])
    assert [f.format for f in first.files] == ["google.my_activity"] * 2
    assert first.records_added == 5
    summary = kit.stored(services, member)
    assert summary == {"video.watch": 2, "activity.event": 2, "search.query": 1}
    watch.write_text(json.dumps([*WATCH_HISTORY, *SEARCH_HISTORY], indent=1))
    again = kit.import_files(services, member, [watch, search])
    assert again.records_added == 1  # only the new search


SEED = json.dumps([*WATCH_HISTORY, *SEARCH_HISTORY], ensure_ascii=False).encode()


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kit.mutated(SEED))
def test_mutated_activity_files_parse_or_fail_typed(data: bytes) -> None:
    kit.parse_or_typed_error(IMPORTER, data)
