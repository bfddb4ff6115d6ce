"""Camille's capture of a news article loading, saved from the browser's developer tools.

A HAR 1.2 file as Chrome writes it ("Save all as HAR"): the article of *Le Monde* that
Camille read on Saturday morning, its own stylesheet, script and picture, and the third
parties the page called while it loaded — tag manager and analytics, ad servers and
bidders, Meta's pixel, audience measurement, content recommendation — each from the
domain it really uses, all listed in the WhoTracks.me tracker database, so the revealer
has something true to find. Chrome's ``_initiator`` says which script called which.
Identifiers in URLs and cookies are random, drawn from the seed.
"""

from __future__ import annotations

import string
from datetime import date, datetime, timedelta
from random import Random
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from holoptic.demo.days import local_to_utc
from holoptic.demo.exportkit import json_bytes, millis_text

PAGE = "https://www.lemonde.fr/planete/article/2026/10/24/secheresse_6631"
DAY, MINUTES = date(2026, 10, 24), 8 * 60 + 12  # Saturday, 08:12 in Valmont
HEX = string.hexdigits[:16]
# (ms after navigation, index of the initiating request or -1, method, status, MIME type,
# sets a cookie, URL); ``{id}`` in a URL is a random identifier.
REQUESTS: tuple[tuple[int, int, str, int, str, bool, str], ...] = (
    (0, -1, "GET", 200, "text/html", False, PAGE),
    (95, 0, "GET", 200, "text/css", False, "https://www.lemonde.fr/dist/assets/article.css"),
    (97, 0, "GET", 200, "application/javascript", False,
     "https://www.lemonde.fr/dist/assets/article.js"),
    (130, 0, "GET", 200, "image/jpeg", False,
     "https://img.lemde.fr/2026/10/24/0/0/4000/2666/664/0/75/0/secheresse-nappes.jpg"),
    (240, 2, "GET", 200, "application/javascript", False,
     "https://www.googletagmanager.com/gtm.js?id=GTM-{id}"),
    (410, 4, "POST", 204, "text/plain", False,
     "https://www.google-analytics.com/g/collect?v=2&tid=G-{id}&cid={id}"),
    (255, 2, "GET", 200, "application/javascript", False,
     "https://securepubads.g.doubleclick.net/tag/js/gpt.js"),
    (520, 6, "GET", 200, "text/javascript", True,
     "https://securepubads.g.doubleclick.net/gampad/ads?iu=/lemonde/planete&correlator={id}"),
    (430, 4, "GET", 200, "application/javascript", False,
     "https://connect.facebook.net/fr_FR/fbevents.js"),
    (610, 8, "GET", 200, "image/gif", True,
     "https://www.facebook.com/tr/?id={id}&ev=PageView&dl=https%3A%2F%2Fwww.lemonde.fr%2F"),
    (270, 2, "GET", 200, "application/javascript", False,
     "https://static.criteo.net/js/ld/publishertag.prebid.js"),
    (580, 10, "POST", 200, "application/json", True, "https://bidder.criteo.com/cdb?ptv=137"),
    (275, 2, "GET", 200, "application/javascript", False,
     "https://c.amazon-adsystem.com/aax2/apstag.js"),
    (590, 2, "POST", 200, "application/json", True, "https://ib.adnxs.com/ut/v3/prebid"),
    (330, 2, "GET", 204, "text/plain", True,
     "https://sb.scorecardresearch.com/b?c1=2&c2=8519207&ns_ak={id}"),
    (345, 2, "GET", 200, "image/gif", True,
     "https://logs1412.xiti.com/hit.xiti?s=577331&idclient={id}"),
    (360, 2, "GET", 200, "application/javascript", False,
     "https://static.chartbeat.com/js/chartbeat.js"),
    (905, 16, "GET", 200, "image/gif", False,
     "https://ping.chartbeat.net/ping?h=lemonde.fr&u={id}"),
    (880, 2, "GET", 200, "application/javascript", False,
     "https://cdn.taboola.com/libtrc/lemonde-lemonde/loader.js"),
    (1240, 18, "GET", 200, "application/json", True,
     "https://trc.taboola.com/lemonde-lemonde/trc/3/json?ui={id}"),
    (1310, -1, "GET", 200, "image/x-icon", False, "https://www.lemonde.fr/favicon.ico"),
)  # fmt: skip
TYPES = {"text/html": "document", "text/css": "stylesheet", "image/jpeg": "image"}


def har(rng: Random) -> bytes:
    """The capture as a HAR file."""
    start = local_to_utc(DAY, MINUTES) + timedelta(milliseconds=rng.randint(1, 999))
    urls = [url.replace("{id}", _id(rng)) for *_, url in REQUESTS]
    entries = [_entry(rng, start, number, urls) for number in range(len(REQUESTS))]
    page = {
        "startedDateTime": millis_text(start),
        "id": "page_1",
        "title": PAGE,
        "pageTimings": {"onContentLoad": 812.4, "onLoad": 2140.7},
    }
    log = {
        "version": "1.2",
        "creator": {"name": "WebInspector", "version": "537.36"},
        "pages": [page],
        "entries": sorted(entries, key=lambda entry: str(entry["startedDateTime"])),
    }
    return json_bytes({"log": log})


def _id(rng: Random) -> str:
    return "".join(rng.choice(HEX) for _ in range(16)).upper()


def _initiator(parent: int, urls: list[str]) -> dict[str, Any]:
    if parent < 0:
        return {"type": "other"}
    if parent == 0:
        return {"type": "parser", "url": urls[0], "lineNumber": 41}
    frame = {"functionName": "", "scriptId": "12", "url": urls[parent], "lineNumber": 0}
    return {"type": "script", "stack": {"callFrames": [frame]}}


def _entry(rng: Random, start: datetime, number: int, urls: list[str]) -> dict[str, Any]:
    offset, parent, method, status, mime, cookie, _ = REQUESTS[number]
    url = urls[number]
    size = 0 if status == 204 else rng.randint(43, 180_000)
    wait, receive = rng.uniform(12, 140), rng.uniform(0.5, 30)
    return {
        "_initiator": _initiator(parent, urls),
        "_priority": "VeryHigh" if number == 0 else "Low",
        "_resourceType": TYPES.get(mime, "script" if "javascript" in mime else "xhr"),
        "cache": {},
        "connection": str(rng.randint(10_000, 99_999)),
        "pageref": "page_1",
        "request": {
            "method": method,
            "url": url,
            "httpVersion": "h2",
            "headers": [{"name": ":authority", "value": urlsplit(url).hostname}],
            "queryString": [{"name": k, "value": v} for k, v in parse_qsl(urlsplit(url).query)],
            "cookies": [],
            "headersSize": -1,
            "bodySize": 0,
        },
        "response": _response(rng, url, status, mime, size, cookie),
        "serverIPAddress": f"{rng.randint(2, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}."
        f"{rng.randint(1, 254)}",
        "startedDateTime": millis_text(start + timedelta(milliseconds=offset)),
        "time": round(wait + receive + 1.2, 3),
        "timings": {"blocked": 1.2, "dns": -1, "ssl": -1, "connect": -1, "send": 0.1,
                    "wait": round(wait, 3), "receive": round(receive, 3)},
    }  # fmt: skip


def _response(
    rng: Random, url: str, status: int, mime: str, size: int, cookie: bool
) -> dict[str, Any]:
    headers = [{"name": "content-type", "value": mime}]
    if cookie:
        domain = ".".join((urlsplit(url).hostname or "").split(".")[-2:])
        value = f"uid={_id(rng)}; Max-Age=33696000; Domain=.{domain}; Path=/; Secure; SameSite=None"
        headers.append({"name": "set-cookie", "value": value})
    return {
        "status": status,
        "statusText": "",
        "httpVersion": "h2",
        "headers": headers,
        "cookies": [],
        "content": {"size": size, "mimeType": mime},
        "redirectURL": "",
        "headersSize": -1,
        "bodySize": size,
        "_transferSize": size + 310,
    }
