"""Villagers online: their browsing, and what Meta's export says advertisers know of them.

Browsing follows the day (a glance at the news over breakfast, shopping in the evening)
across a dozen favourite sites chosen to fit the person. The Meta side is what the reveal
capability turns into holders: advertisers who uploaded a customer list with the
resident on it or retarget them, interests inferred about them, and companies that send
their activity on other sites and apps to Meta.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from random import Random

from holoptic.demo import catalog
from holoptic.demo.catalog import Site
from holoptic.demo.days import local_to_utc, stamp
from holoptic.demo.people import Resident
from holoptic.vault.model import Record

# How likely a visit is in each local hour, 0 h to 23 h (none after midnight, so that
# every visit falls on the same day in Paris and in UTC).
HOURLY = (0, 0, 0, 0, 0, 0, 2, 6, 6, 4, 4, 4, 7, 8, 5, 4, 4, 5, 7, 9, 10, 11, 8, 4)
PROFILE_TAGS = {
    "commuter": frozenset({"commuter"}),
    "retired": frozenset({"retired", "old"}),
    "home": frozenset({"home"}),
    "student": frozenset({"young"}),
}
AUDIENCE_TYPES = ("data_file", "remarketing", "in_store")
AUDIENCE_WEIGHTS = (45, 45, 10)


def _tags(resident: Resident) -> frozenset[str]:
    return PROFILE_TAGS[resident.profile] | {resident.lang}


def _site_weight(site: Site, tags: frozenset[str]) -> float:
    if "en" in site.tags and "en" not in tags:
        return 0.0
    return 4.0 if site.tags & tags else 1.0


def favourites(rng: Random, resident: Resident) -> list[Site]:
    """A dozen sites or so, drawn without replacement, leaning to the person's tastes."""
    tags = _tags(resident)
    pool = [site for site in catalog.SITES if _site_weight(site, tags) > 0]
    chosen: list[Site] = []
    for _ in range(min(len(pool), rng.randint(7, 14))):
        site = rng.choices(pool, weights=[_site_weight(s, tags) for s in pool])[0]
        pool.remove(site)
        chosen.append(site)
    return chosen


def browsing_records(rng: Random, resident: Resident, days: list[date], seed: int) -> list[Record]:
    sites = favourites(rng, resident)
    weights = [1.0 / (rank + 1) for rank in range(len(sites))]  # a few sites dominate
    records: list[Record] = []
    for day in days:
        for _ in range(max(1, round(rng.gauss(22 * resident.activity, 5)))):
            site = rng.choices(sites, weights=weights)[0]
            minutes = rng.choices(range(24), weights=HOURLY)[0] * 60 + rng.uniform(0, 59)
            moment = local_to_utc(day, minutes) + timedelta(seconds=rng.randrange(60))
            records.append(_visit(rng, site, moment))
            if rng.random() < 0.4:  # and one more page on the same site
                later = moment + timedelta(seconds=rng.randint(20, 300))
                records.append(_visit(rng, site, later))
    return records


def _visit(rng: Random, site: Site, moment: datetime) -> Record:
    path, title = rng.choice(site.pages)
    return {"time": stamp(moment), "url": f"https://{site.host}{path}", "title": title}


def _platform(rng: Random, resident: Resident) -> str:
    share = 0.5 if resident.profile == "student" else 0.2
    return "instagram" if rng.random() < share else "facebook"


def audience_records(rng: Random, resident: Resident, days: list[date], seed: int) -> list[Record]:
    pool = list(catalog.ADVERTISERS)
    if resident.lang == "en":
        pool += catalog.ENGLISH_ADVERTISERS
    count = min(len(pool), max(2, round(rng.gauss(9 * resident.activity + 3, 3))))
    records: list[Record] = []
    for advertiser in rng.sample(pool, count):
        kinds = {rng.choices(AUDIENCE_TYPES, weights=AUDIENCE_WEIGHTS)[0] for _ in range(2)}
        for audience_type in sorted(kinds):
            records.append(
                {
                    "advertiser": advertiser,
                    "audience_type": audience_type,
                    "source": _platform(rng, resident),
                }
            )
    if resident.lang == "fr":  # a shop of the village that saw them come in
        shop = rng.choice(catalog.LOCAL_ADVERTISERS)
        records.append({"advertiser": shop, "audience_type": "in_store", "source": "facebook"})
    return records


def interest_records(rng: Random, resident: Resident, days: list[date], seed: int) -> list[Record]:
    tags = _tags(resident)
    pool = [name for name, about in catalog.INTERESTS]
    weights = [5.0 if about & tags else 1.0 for _, about in catalog.INTERESTS]
    chosen: set[str] = set()
    wanted = max(3, round(rng.gauss(10 * resident.activity + 4, 3)))
    while len(chosen) < min(wanted, len(pool)):
        chosen.add(rng.choices(pool, weights=weights)[0])
    return [{"interest": name, "source": _platform(rng, resident)} for name in sorted(chosen)]


def off_platform_records(
    rng: Random, resident: Resident, days: list[date], seed: int
) -> list[Record]:
    companies = rng.sample(catalog.OFF_PLATFORM, rng.randint(2, 7))
    records: list[Record] = []
    for day in days:
        for company, events in companies:
            if rng.random() > 0.35:
                continue
            for _ in range(rng.randint(1, 3)):
                minutes = rng.choices(range(24), weights=HOURLY)[0] * 60 + rng.uniform(0, 59)
                records.append(
                    {
                        "time": stamp(local_to_utc(day, minutes)),
                        "company": company,
                        "event": rng.choice(events),
                        "source": "facebook",
                    }
                )
    return records
