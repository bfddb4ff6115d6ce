"""A villager's Meta "Download your information" archive (JSON), Facebook and Instagram.

The files and their shapes are those of the 2023–2025 exports:

- advertisers using your activity or information: ``custom_audiences_all_types_v2``
  (Facebook) and ``ig_custom_audiences_all_types`` (Instagram), each advertiser with its
  three audience flags;
- advertisers you've interacted with: ``history_v2`` (the ads clicked);
- ad interests: ``topics_v2``; Instagram's "your topics": ``topics_your_topics`` rows;
- your activity off Meta technologies: ``off_facebook_activity_v2``, one company per
  entry with its events, newest first.

The generated records say on which platform Meta learnt each thing (``source``); the
archive sorts them into the Facebook and Instagram files accordingly. Every string goes
through Meta's mojibake: each UTF-8 byte written as its own ``\\u00XX`` escape, so the
village bakery arrives as ``Boulangerie Ã\\xa0 l'ancienne`` and the importer repairs it.
"""

from __future__ import annotations

from collections.abc import Mapping
from random import Random
from typing import Any

from holoptic.demo.days import local_to_utc, window
from holoptic.demo.exportkit import epoch, instant, json_bytes
from holoptic.demo.online import HOURLY
from holoptic.demo.people import AUDIENCE, INTEREST, OFF_PLATFORM, Resident
from holoptic.vault.model import Record

ADS = "ads_information/"
USING = ADS + "advertisers_using_your_activity_or_information.json"
INTERACTED = ADS + "advertisers_you've_interacted_with.json"
IG_ADS = ADS + "instagram_ads_and_businesses/"
IG_USING = IG_ADS + "advertisers_using_your_activity_or_information.json"
INTERESTS = "logged_information/other_logged_information/ads_interests.json"
IG_TOPICS = "preferences/your_topics/your_topics.json"
OFF_META = "apps_and_websites_off_of_facebook/your_activity_off_meta_technologies.json"
NAMES = (USING, IG_USING, INTERACTED, INTERESTS, IG_TOPICS, OFF_META)
FLAGS = (
    ("data_file", "has_data_file_custom_audience"),
    ("remarketing", "has_remarketing_custom_audience"),
    ("in_store", "has_in_person_store_visit"),
)
CLICKED = {"fr": "A cliqué sur la publicité", "en": "Clicked ad"}


def mojibake(value: Any) -> Any:
    """Text as Meta exports it: the UTF-8 bytes of each string read back as Latin-1."""
    if isinstance(value, str):
        return value.encode("utf-8").decode("latin-1")
    if isinstance(value, list):
        return [mojibake(item) for item in value]
    if isinstance(value, dict):
        return {key: mojibake(item) for key, item in value.items()}
    return value


def files(rng: Random, person: Resident, records: Mapping[str, list[Record]]) -> dict[str, bytes]:
    """The archive's members, by path (the files Holoptic reads; Meta adds dozens more)."""
    audiences = records.get(AUDIENCE, [])
    interests = records.get(INTEREST, [])
    documents: dict[str, Any] = {
        USING: {"custom_audiences_all_types_v2": _audiences(audiences, "facebook")},
        IG_USING: {"ig_custom_audiences_all_types": _audiences(audiences, "instagram")},
        INTERACTED: {"history_v2": _clicks(rng, person, audiences)},
        INTERESTS: {"topics_v2": [r["interest"] for r in interests if r["source"] != "instagram"]},
        IG_TOPICS: {"topics_your_topics": _topics(interests)},
        OFF_META: {"off_facebook_activity_v2": _off_meta(records.get(OFF_PLATFORM, []))},
    }
    return {name: json_bytes(mojibake(document)) for name, document in documents.items()}


def _audiences(records: list[Record], platform: str) -> list[dict[str, Any]]:
    """One entry per advertiser with its flags, in the order they were drawn."""
    types: dict[str, set[str]] = {}
    for record in records:
        if record["source"] == platform:
            types.setdefault(record["advertiser"], set()).add(record["audience_type"])
    return [
        {"advertiser_name": name} | {flag: kind in found for kind, flag in FLAGS}
        for name, found in types.items()
    ]


def _clicks(rng: Random, person: Resident, audiences: list[Record]) -> list[dict[str, Any]]:
    """A few ads the resident clicked, from advertisers that retarget them."""
    pool = sorted({r["advertiser"] for r in audiences if r["audience_type"] == "remarketing"})
    clicks = []
    for advertiser in rng.sample(pool, min(len(pool), rng.randint(1, 3))):
        day = rng.choice(window())
        minutes = rng.choices(range(24), weights=HOURLY)[0] * 60 + rng.uniform(0, 59)
        clicks.append(
            {
                "title": advertiser,
                "action": CLICKED.get(person.lang, CLICKED["en"]),
                "timestamp": epoch(local_to_utc(day, minutes)),
            }
        )
    return sorted(clicks, key=lambda click: int(click["timestamp"]), reverse=True)


def _topics(interests: list[Record]) -> list[dict[str, Any]]:
    return [
        {
            "title": "",
            "media_map_data": {},
            "string_map_data": {"Name": {"href": "", "value": record["interest"], "timestamp": 0}},
        }
        for record in interests
        if record["source"] == "instagram"
    ]


def _app_id(company: str) -> int:
    """A company's app id at Meta: the same for every villager, as in real exports."""
    return Random(f"meta-app:{company}").randrange(10**14, 10**15)  # noqa: S311


def _off_meta(records: list[Record]) -> list[dict[str, Any]]:
    events: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        events.setdefault(record["company"], []).append(
            {
                "id": _app_id(record["company"]),
                "type": record["event"],
                "timestamp": epoch(instant(record["time"])),
            }
        )
    return [
        {"name": company, "events": sorted(found, key=lambda e: -int(e["timestamp"]))}
        for company, found in sorted(events.items())
    ]
