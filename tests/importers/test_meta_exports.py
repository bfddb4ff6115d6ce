"""Whole Meta exports through the import service (zip walking included), on both backends.

The Instagram zip is a real, hand-edited export (what-if-data-donation); the Facebook zip
is built here from the shapes of the annotated structure skeletons, with mojibake.
"""

from __future__ import annotations

import json
import random
import zipfile
from functools import partial
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from holoptic.bootstrap import Services
from holoptic.importers.formats import (
    meta_audiences,
    meta_interactions,
    meta_interests,
    meta_location,
    meta_off_platform,
)
from tests.conftest import SHARED, shared_path
from tests.importers import kit
from tests.importers.kit import MemoryFile
from tests.importkit import make_zip

IG_ZIP = ("fixtures", "instagram", "whatif_IG_public_test_file.zip")
META = [
    importer
    for module in (
        meta_audiences,
        meta_interactions,
        meta_interests,
        meta_location,
        meta_off_platform,
    )
    for importer in module.IMPORTERS
]
ADS = "ads_information/instagram_ads_and_businesses/"
IG_EXPECTED = {  # path: (format, records added, duplicates)
    ADS + "other_categories_used_to_reach_you.json": ("meta.ad_interests", 1, 2),
    ADS + "advertisers_using_your_activity_or_information.json": ("meta.custom_audiences", 3, 0),
    "apps_and_websites_off_of_instagram/apps_and_websites/"
    "your_activity_off_meta_technologies.json": ("meta.off_platform", 3, 0),
    "preferences/your_topics/recommended_topics.json": ("meta.ad_interests", 2, 1),
    "security_and_login_information/login_and_profile_creation/last_known_location.json": (
        "meta.last_location",
        0,
        0,
    ),
}


def _records(services: Services, member_id: str, kind: str) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    for item in services.items.items(member_id, kind):
        found.extend(services.items.read(member_id, item.id)[1])
    return found


def test_instagram_export_imports_by_content_with_exact_values(services: Services) -> None:
    member = services.vault.add_member("Iris")
    report = kit.import_files(services, member, [shared_path(*IG_ZIP)])
    assert report.ok
    prefix = "whatif_IG_public_test_file.zip/"
    got = {
        f.path.removeprefix(prefix): (f.format, f.records_added, f.records_duplicate)
        for f in report.files
        if f.format
    }
    assert got == IG_EXPECTED
    assert len(report.files) == 54  # the 49 others are reported as not recognised
    advertisers = _records(services, member.id, "ads.custom_audience")
    assert sorted(advertisers, key=lambda r: str(r["advertiser"])) == [
        {"advertiser": "BSc", "types": ["remarketing"]},
        {"advertiser": "bla", "types": ["data_file", "remarketing"]},
        {"advertiser": "test", "types": ["data_file", "remarketing"]},
    ]
    off = sorted(_records(services, member.id, "ads.off_platform"), key=lambda r: str(r["time"]))
    assert [r["time"] for r in off] == [
        "1970-07-17T15:23:40Z",
        "1970-07-17T17:25:00Z",
        "1975-06-01T06:17:40Z",
    ]
    assert {r["company"] for r in off} == {"Vinted - Buy and sell clothes"}
    assert {r["id"] for r in off} == {"4282504849", "42825904849"}
    interests = _records(services, member.id, "ads.interest")
    assert sorted((r["list"], r["name"]) for r in interests) == [
        ("other_categories", "Work at BSC"),
        ("your_topics", "BCS"),
        ("your_topics", "BSC"),
    ]
    (location,) = [f for f in report.files if f.format == "meta.last_location"]
    assert location.rejected_total == 2  # its coordinates were edited out of the globe
    again = kit.import_files(services, member, [shared_path(*IG_ZIP)])
    assert again.records_added == 0 and again.ok


def _facebook_export(path: Path) -> Path:
    """A small Facebook export in the 2022+ layout, text escaped the way Meta does."""
    files: dict[str, object] = {
        "apps_and_websites_off_of_facebook/your_activity_off_meta_technologies.json": {
            "off_facebook_activity_v2": [
                {
                    "name": "BÃ¤ckerei",
                    "events": [{"id": 7, "type": "PURCHASE", "timestamp": 1700000000}],
                }
            ]
        },
        "ads_information/advertisers_using_your_activity_or_information.json": {
            "custom_audiences_all_types_v2": [
                {
                    "advertiser_name": "CafÃ©",
                    "has_data_file_custom_audience": True,
                    "has_remarketing_custom_audience": True,
                    "has_in_person_store_visit": False,
                }
            ]
        },
        "ads_information/advertisers_who_uploaded_a_contact_list_with_your_information.json": {
            "custom_audiences_v2": ["CafÃ©", "Bank"]
        },
        "ads_information/advertisers_you've_interacted_with.json": {
            "history_v2": [
                {"title": "Sale", "action": "Klick auf Werbeanzeige", "timestamp": 1700000500}
            ]
        },
        "logged_information/other_logged_information/ads_interests.json": {"topics_v2": ["Jazz"]},
        "logged_information/your_topics/your_topics.json": {"inferred_topics_v2": ["Jazz", "Vélo"]},
        "ads_information/other_categories_used_to_reach_you.json": {
            "media": [],
            "label_values": [{"label": "Name", "vec": [{"value": "Frequent travellers"}]}],
            "fbid": "1",
        },
        "logged_information/location/last_location.json": {
            "last_location_v2": {
                "time": 1700000000,
                "coordinate": {"latitude": 52.52, "longitude": 13.405},
            }
        },
        "logged_information/location/timezone.json": {"timezone_v2": "Europe/Berlin"},
    }
    return make_zip(path, {name: json.dumps(doc).encode() for name, doc in files.items()})


def test_facebook_export_fills_every_kind_and_reimport_adds_nothing(
    services: Services, tmp_path: Path
) -> None:
    member = services.vault.add_member("Fritz")
    export = _facebook_export(tmp_path / "facebook-fritz.zip")
    report = kit.import_files(services, member, [export])
    assert report.ok and report.records_added == 10
    counts = kit.stored(services, member)
    assert counts == {
        "ads.custom_audience": 3,
        "ads.interaction": 1,
        "ads.interest": 4,
        "ads.off_platform": 1,
        "location.last_known": 1,
    }
    (bakery,) = _records(services, member.id, "ads.off_platform")
    assert bakery == {
        "time": "2023-11-14T22:13:20Z",
        "company": "Bäckerei",
        "event": "PURCHASE",
        "id": "7",
    }
    assert {"advertiser": "Café", "types": ["contact_list"]} in _records(
        services, member.id, "ads.custom_audience"
    )
    unrecognised = [f.path for f in report.files if not f.format]
    assert unrecognised == ["facebook-fritz.zip/logged_information/location/timezone.json"]
    assert kit.import_files(services, member, [export]).records_added == 0


def test_a_truncated_file_fails_alone_and_the_rest_of_the_export_imports(
    services: Services, tmp_path: Path
) -> None:
    member = services.vault.add_member("Greta")
    good = {"topics_v2": ["Jazz"]}
    broken = json.dumps({"history_v2": [{"title": "A", "action": "B", "timestamp": 5}]})
    export = make_zip(
        tmp_path / "export.zip",
        {"ads_interests.json": json.dumps(good).encode(), "history.json": broken[:-4].encode()},
    )
    report = kit.import_files(services, member, [export])
    by_path = {f.path: f for f in report.files}
    failed = by_path["export.zip/history.json"]
    assert failed.error is not None and failed.error.code == "import.malformed"
    assert f"byte {len(broken) - 4}" in failed.error.message
    assert by_path["export.zip/ads_interests.json"].records_added == 1
    assert set(kit.stored(services, member)) == {"ads.interest"}


def _instagram_members() -> list[MemoryFile]:
    path = SHARED.joinpath(*IG_ZIP)
    if not path.exists():
        return [MemoryFile(json.dumps({"topics_v2": ["x"]}).encode(), "ads_interests.json")]
    with zipfile.ZipFile(path) as archive:
        return [
            MemoryFile(archive.read(info), info.filename)
            for info in archive.infolist()
            if info.filename.endswith(".json")
            and (
                "ads_" in info.filename
                or "location" in info.filename
                or "off_" in info.filename
                or "topics" in info.filename
            )
        ]


SAMPLES = _instagram_members()
TOKENS = [b'"', b"{", b"]", b"1e999", b"\xc3", b"\\u00", b","]
JUNK: list[object] = [None, True, 0, -1, 1.5, 1e300, "", "Ã©", "12", [], {}, [1, None], {"a": 1}]


@st.composite
def reshaped(draw: st.DrawFn) -> MemoryFile:
    """A real Meta file, still valid JSON, with some values swapped for other types."""
    sample = draw(st.sampled_from(SAMPLES))
    chance = random.Random(draw(st.integers(0, 2**32)))
    try:
        document = json.loads(sample.data)
    except ValueError:
        return sample
    return kit.as_file(kit.swapped(document, chance, JUNK, 0.1), sample.name)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=st.one_of(kit.mutated_files(SAMPLES, TOKENS), reshaped()))
def test_mutated_meta_files_parse_or_fail_with_typed_errors(source: MemoryFile) -> None:
    for importer in META:
        if not importer.sniff(source):
            continue
        kit.assert_only_typed_errors(partial(importer.parse, source), each=kit.plain_json)
