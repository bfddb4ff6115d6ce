"""A villager's Google Takeout: Location History, search activity and Chrome history.

The three files are written the way current Takeouts write them:

- ``Location History (Timeline)/Records.json``: ``{"locations": [...]}``, one phone fix
  per entry with E7 coordinates, the ISO ``timestamp`` with milliseconds of recent
  exports, the accuracy, where the fix came from (GPS, Wi-Fi, cell) and the phone's tag;
- ``My Activity/Search/MyActivity.json``: the newest first, a few searches a day and one
  result reached through an ad (``"From Google Ads"``), with ``=`` and ``&`` escaped as
  ``\\u003d`` and ``\\u0026``, as Google's serialiser does;
- ``Chrome/History.json``: ``{"Browser History": [...]}``, the newest first, times in
  Unix microseconds, how each page was reached.

``archive_browser.html``, Takeout's index page, comes along: the importer reports it as
not recognised, as it would in a real archive.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from datetime import timedelta
from random import Random
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

from holoptic.demo import catalog
from holoptic.demo.days import local_to_utc
from holoptic.demo.exportkit import instant, json_bytes, millis_text
from holoptic.demo.online import HOURLY
from holoptic.demo.people import BROWSING, LOCATION, Resident
from holoptic.vault.model import Record

RECORDS = "Takeout/Location History (Timeline)/Records.json"
SEARCH = "Takeout/My Activity/Search/MyActivity.json"
CHROME = "Takeout/Chrome/History.json"
INDEX = "Takeout/archive_browser.html"
INDEX_PAGE = (
    b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Archive Overview</title>"
    b"</head><body><h1>Your Google data archive</h1></body></html>"
)
TOKEN = string.ascii_letters + string.digits


def names(kinds: frozenset[str]) -> list[str]:
    """The Takeout files a resident with these kinds brings (the index page aside)."""
    found = [RECORDS] if LOCATION in kinds else []
    return found + ([SEARCH, CHROME] if BROWSING in kinds else [])


def files(rng: Random, person: Resident, records: Mapping[str, list[Record]]) -> dict[str, bytes]:
    """The archive's members, by path; empty when the resident brought no Google data."""
    found: dict[str, bytes] = {}
    if LOCATION in records:
        found[RECORDS] = _records(rng, records[LOCATION])
    if BROWSING in records:
        found[SEARCH] = _my_activity(rng, person, records[BROWSING])
        found[CHROME] = _chrome(rng, records[BROWSING])
    return {INDEX: INDEX_PAGE, **found} if found else {}


def _token(rng: Random, size: int) -> str:
    return "".join(rng.choice(TOKEN) for _ in range(size))


def _records(rng: Random, points: list[Record]) -> bytes:
    device = rng.randrange(-(2**31), 2**31)
    return json_bytes({"locations": [_fix(rng, point, device) for point in points]})


def _fix(rng: Random, point: Record, device: int) -> dict[str, Any]:
    accuracy = point["accuracy_m"]
    entry: dict[str, Any] = {
        "latitudeE7": round(point["lat"] * 1e7),
        "longitudeE7": round(point["lon"] * 1e7),
        "accuracy": accuracy,
    }
    if accuracy <= 12:  # a satellite fix also gives the altitude
        entry["altitude"] = rng.randint(190, 260)
        entry["verticalAccuracy"] = rng.choice((2, 3, 4, 6))
    entry["source"] = "GPS" if accuracy <= 12 else "WIFI" if accuracy <= 60 else "CELL"
    entry["deviceTag"] = device
    entry["platformType"] = "ANDROID"
    entry["osLevel"] = 34
    moment = instant(point["time"]) + timedelta(milliseconds=rng.randint(1, 999))
    entry["timestamp"] = millis_text(moment)
    return entry


def _my_activity(rng: Random, person: Resident, visits: list[Record]) -> bytes:
    days = sorted({instant(visit["time"]).date() for visit in visits})
    queries = catalog.ENGLISH_SEARCHES if person.lang == "en" else catalog.SEARCHES
    entries: list[dict[str, Any]] = []
    for day in days:
        for _ in range(rng.choice((1, 1, 2, 3))):
            minutes = rng.choices(range(24), weights=HOURLY)[0] * 60 + rng.uniform(0, 59)
            moment = local_to_utc(day, minutes) + timedelta(milliseconds=rng.randint(1, 59_999))
            entries.append(_search(rng.choice(queries), millis_text(moment)))
    minutes = rng.uniform(18 * 60, 22 * 60)
    moment = local_to_utc(rng.choice(days), minutes) + timedelta(milliseconds=rng.randint(1, 999))
    entries.append(_ad(rng, millis_text(moment)))
    entries.sort(key=lambda entry: str(entry["time"]), reverse=True)
    return json_bytes(entries).replace(b"=", b"\\u003d").replace(b"&", b"\\u0026")


def _search(query: str, time: str) -> dict[str, Any]:
    return {
        "header": "Search",
        "title": f"Searched for {query}",
        "titleUrl": f"https://www.google.com/search?q={quote_plus(query)}",
        "time": time,
        "products": ["Search"],
        "activityControls": ["Web & App Activity"],
    }


def _ad(rng: Random, time: str) -> dict[str, Any]:
    """A result the person clicked that an advertiser paid for."""
    advertiser, landing = rng.choice(catalog.AD_LANDINGS)
    click = f"https://www.googleadservices.com/pagead/aclk?sa=L&ai={_token(rng, 40)}"
    return {
        "header": "Search",
        "title": f"Visited {advertiser}",
        "titleUrl": f"{click}&adurl={quote(landing, safe='')}",
        "time": time,
        "products": ["Search"],
        "details": [{"name": "From Google Ads"}],
        "activityControls": ["Web & App Activity"],
    }


def _chrome(rng: Random, visits: list[Record]) -> bytes:
    client = _token(rng, 22) + "=="
    entries: list[dict[str, Any]] = []
    previous = None
    for visit in sorted(visits, key=lambda visit: str(visit["time"])):
        host = urlsplit(visit["url"]).hostname
        if host == previous:
            transition = "LINK"  # a second page of the same site
        else:
            transition = rng.choices(("TYPED", "LINK", "AUTO_BOOKMARK"), weights=(3, 5, 2))[0]
        micros = int(instant(visit["time"]).timestamp()) * 1_000_000 + rng.randrange(1_000_000)
        entries.append(
            {
                "favicon_url": f"https://{host}/favicon.ico",
                "page_transition_qualifier": transition,
                "title": visit["title"],
                "url": visit["url"],
                "client_id": client,
                "time_usec": micros,
            }
        )
        previous = host
    entries.reverse()
    return json_bytes({"Browser History": entries})
