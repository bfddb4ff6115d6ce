"""The demo village's generation: deterministic, plausible, and shaped as the vault wants."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import UTC, date, datetime

import pytest

from holoptic.demo import catalog
from holoptic.demo.days import REFERENCE, WINDOW_DAYS, local_to_utc, window
from holoptic.demo.generate import ALL_KINDS, TIME_SERIES, records_for, roster
from holoptic.demo.people import CAMILLE_EMAIL, STEWARD_EMAIL, DemoTooSmall, Resident
from holoptic.vault.kinds import KINDS
from holoptic.vault.model import Record

WINDOW_START = datetime.combine(window()[0], datetime.min.time(), UTC)
WINDOW_END = datetime.combine(REFERENCE, datetime.min.time(), UTC)


@pytest.fixture(scope="module")
def village() -> list[tuple[Resident, dict[str, list[Record]]]]:
    return [(person, records_for(7, person)) for person in roster(7, 40)]


def _time(record: Record) -> datetime:
    return datetime.fromisoformat(record["time"])


def test_the_same_seed_gives_the_same_village() -> None:
    assert roster(7, 30) == roster(7, 30)
    for person in roster(7, 6):
        assert records_for(7, person) == records_for(7, person)


def test_another_seed_gives_another_village() -> None:
    assert [p.email for p in roster(7, 30)] != [p.email for p in roster(8, 30)]
    camille = roster(8, 4)[0]
    assert records_for(7, camille) != records_for(8, camille)


def test_a_small_village_is_a_slice_of_the_big_one() -> None:
    assert roster(7, 12) == roster(7, 300)[:12]


@pytest.mark.parametrize("seed", [1, 7, 2026])
def test_emails_are_unique_ascii_and_in_the_village_domain(seed: int) -> None:
    emails = [person.email for person in roster(seed, 300)]
    assert len(set(emails)) == len(emails) == 300
    for email in emails:
        assert email.endswith("@valmont.example")
        assert email.isascii()
        assert " " not in email


def test_the_demo_people_come_first() -> None:
    people = roster(7, 300)
    camille, steward = people[0], people[1]
    assert (camille.name, camille.email, camille.role) == (
        "Camille Martin",
        CAMILLE_EMAIL,
        "member",
    )
    assert (steward.email, steward.role) == (STEWARD_EMAIL, "steward")
    assert sum(person.role == "steward" for person in people) == 3


def test_a_village_smaller_than_its_founders_is_refused() -> None:
    with pytest.raises(DemoTooSmall):
        roster(7, 3)


def test_mostly_french_speakers_with_some_english() -> None:
    langs = [person.lang for person in roster(7, 300)]
    assert set(langs) == {"fr", "en"}
    assert langs.count("fr") > 0.8 * len(langs)


def test_not_everyone_brought_every_kind() -> None:
    people = roster(7, 300)
    assert any(person.kinds == {"energy.interval"} for person in people)
    assert sum(person.kinds == ALL_KINDS for person in people) < len(people) / 2
    assert set(KINDS) >= ALL_KINDS


def test_camille_has_every_kind_over_the_whole_window(
    village: list[tuple[Resident, dict[str, list[Record]]]],
) -> None:
    _, records = village[0]
    assert set(records) == ALL_KINDS
    for kind in TIME_SERIES:
        days = {_time(record).astimezone(UTC).date() for record in records[kind]}
        expected = WINDOW_DAYS if kind != "ads.off_platform" else WINDOW_DAYS // 2  # sporadic
        assert len(days) >= expected, kind


def test_time_series_records_have_aware_times_inside_the_window(
    village: list[tuple[Resident, dict[str, list[Record]]]],
) -> None:
    seen = 0
    for _, records in village:
        for kind in TIME_SERIES & set(records):
            for record in records[kind]:
                moment = _time(record)
                assert moment.tzinfo is not None
                assert WINDOW_START <= moment < WINDOW_END
                seen += 1
    assert seen > 10_000


def test_energy_is_fifteen_minute_integers_with_sane_daily_totals(
    village: list[tuple[Resident, dict[str, list[Record]]]],
) -> None:
    for _, records in village:
        daily: dict[date, list[int]] = defaultdict(list)
        for record in records.get("energy.interval", []):
            assert isinstance(record["wh"], int)
            assert record["wh"] >= 0
            assert record["meter"].startswith("PDL-")
            assert _time(record).minute % 15 == 0
            daily[_time(record).date()].append(record["wh"])
        for readings in daily.values():
            assert len(readings) == 96
            assert 2_000 <= sum(readings) <= 100_000  # Wh per day


def test_energy_peaks_in_the_evening(
    village: list[tuple[Resident, dict[str, list[Record]]]],
) -> None:
    evening = night = 0
    for _, records in village:
        for record in records.get("energy.interval", []):
            hour = _time(record).hour  # UTC, one hour behind Paris in late October
            evening += record["wh"] if 17 <= hour < 20 else 0
            night += record["wh"] if 2 <= hour < 5 else 0
    assert evening > 1.5 * night


def test_places_stay_around_the_village_and_its_town(
    village: list[tuple[Resident, dict[str, list[Record]]]],
) -> None:
    for _, records in village:
        for record in records.get("location.point", []):
            north = (record["lat"] - catalog.LAT) * 111.3
            east = (record["lon"] - catalog.LON) * 111.3 * math.cos(math.radians(catalog.LAT))
            assert math.hypot(north, east) < 25  # km
            assert record["accuracy_m"] > 0


def test_browsing_and_ads_look_like_exports(
    village: list[tuple[Resident, dict[str, list[Record]]]],
) -> None:
    _, camille = village[0]
    assert all(r["url"].startswith("https://") and r["title"] for r in camille["browsing.visit"])
    for record in camille["ads.custom_audience"]:
        assert record["audience_type"] in {"data_file", "remarketing", "in_store"}
        assert record["advertiser"]
    assert all(record["interest"] for record in camille["ads.interest"])


def test_local_time_follows_the_end_of_summer_time() -> None:
    eight = 8 * 60
    assert local_to_utc(date(2026, 10, 24), eight) == datetime(2026, 10, 24, 6, tzinfo=UTC)
    assert local_to_utc(date(2026, 10, 26), eight) == datetime(2026, 10, 26, 7, tzinfo=UTC)


def test_french_speakers_are_in_a_village_shop_audience(
    village: list[tuple[Resident, dict[str, list[Record]]]],
) -> None:
    """One local shop per French speaker with Meta data: accents for Meta's mojibake."""
    for person, records in village:
        if "ads.custom_audience" not in records:
            continue
        shops = {
            record["advertiser"]
            for record in records["ads.custom_audience"]
            if record["advertiser"] in catalog.LOCAL_ADVERTISERS
        }
        assert len(shops) == (1 if person.lang == "fr" else 0)
    assert any(not name.isascii() for name in catalog.LOCAL_ADVERTISERS)
