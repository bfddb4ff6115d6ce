"""Google My Activity JSON, for every product, and YouTube's watch and search history.

All are one top-level array of ``{header, title, titleUrl, time, products, details, ...}``
(YouTube's ``watch-history.json`` and ``search-history.json`` included), so the kind is
chosen per entry, by URL rather than by the localised title verb: a search URL
(``/search?q=``, YouTube ``/results?search_query=``) gives a ``search.query``; a YouTube
video URL a ``video.watch``; anything else an ``activity.event``. Entries shown because of
an ad (``details: [{"name": "From Google Ads"}]``, localised) carry ``"from_ads": true``.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs, urlsplit

from holoptic.importers.formats._google_common import (
    BadItem,
    from_iso,
    put,
    text,
)
from holoptic.importers.formats._google_json import each_entry, shape_of
from holoptic.importers.model import Emit, ParseEvent, Record, SourceFile

# "From Google Ads", localised: most languages keep the brand, a few translate it.
_ADS_WORDS = (
    "google ads",
    "anuncios de google",
    "anúncios do google",
    "annonces google",
    "annunci google",
    "google-anzeigen",
    "google-advertenties",
)
# "Searched for" in a few languages, for search entries whose URL carries no query (Maps).
_SEARCHED = (
    "Searched for ",
    "Recherche : ",
    "Vous avez recherché ",
    "Gesucht nach: ",
    "Gesucht nach ",
    "Has buscado ",
    "Búsqueda: ",
    "Hai cercato ",
    "Pesquisou ",
    "Gezocht naar ",
)
_VIEW_SOURCE = "view-source:"
_YOUTUBE_HOSTS = ("youtube.com", "youtu.be")


def from_ads(details: object) -> bool:
    """Whether the entry's details say it came from Google Ads, in any language seen."""
    for detail in details if isinstance(details, list) else ():
        name = detail.get("name") if isinstance(detail, dict) else None
        if isinstance(name, str):
            label = name.strip().lower()
            if any(word in label for word in _ADS_WORDS):
                return True
    return False


@lru_cache(maxsize=2)  # the entry being read: both checks below ask for its URL
def _split(url: str | None) -> tuple[str, str, str] | None:
    """Host, path and query of a URL, or None when it is not one (cached: asked twice)."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
        return (parts.hostname or "").lower(), parts.path, parts.query
    except ValueError:
        return None


def _first(query: str, key: str) -> str | None:
    values = parse_qs(query).get(key)
    return values[0] if values else None


def _on(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def search_query(url: str | None, title: str | None) -> str | None:
    """The words searched for: from the URL when it holds them, else from the title."""
    split = _split(url)
    if split is not None:
        host, path, query = split
        if _on(host, _YOUTUBE_HOSTS) and path in ("/results", "/search"):
            return _first(query, "search_query") or _first(query, "q")
        if ".google." in f".{host}" and path.rstrip("/").endswith("/search"):
            return _first(query, "q")
    for verb in _SEARCHED if title else ():
        if title is not None and title.startswith(verb) and len(title) > len(verb):
            return title[len(verb) :]
    return None


def video_id(url: str | None) -> str | None:
    """The id of a YouTube video URL (``watch?v=``, ``youtu.be/``, ``/shorts/``), if it is one."""
    split = _split(url)
    if split is None or not _on(split[0], _YOUTUBE_HOSTS):
        return None
    host, path, query = split
    if host == "youtu.be":
        return path.strip("/") or None
    if path == "/watch":
        return _first(query, "v")
    if path.startswith("/shorts/"):
        return path.removeprefix("/shorts/").strip("/") or None
    return None


def _strip_view_source(entry: dict[str, Any]) -> tuple[str | None, str | None]:
    """Title and URL, without the ``view-source:`` some Chrome entries carry (and no header)."""
    title, url = text(entry.get("title")), text(entry.get("titleUrl"))
    if title and title.startswith("Visited " + _VIEW_SOURCE):
        title = title[len("Visited " + _VIEW_SOURCE) :]
    if url and url.startswith(_VIEW_SOURCE):
        url = url[len(_VIEW_SOURCE) :]
    return title, url


def _subtitles(value: object) -> list[Record]:
    kept: list[Record] = []
    for item in value if isinstance(value, list) else ():
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            subtitle: Record = {"name": item["name"]}
            put(subtitle, "url", text(item.get("url")))
            kept.append(subtitle)
    return kept


def _location_infos(value: object) -> list[Record]:
    kept: list[Record] = []
    for item in value if isinstance(value, list) else ():
        if isinstance(item, dict):
            info: Record = {}
            for key, name in (("name", "name"), ("url", "url"), ("source", "source")):
                put(info, name, text(item.get(key)))
            put(info, "source_url", text(item.get("sourceUrl")))
            if info:
                kept.append(info)
    return kept


def _strings(value: object, key: str | None = None) -> list[str]:
    items = value if isinstance(value, list) else ()
    if key is not None:
        items = [i.get(key) if isinstance(i, dict) else None for i in items]
    return [i for i in items if isinstance(i, str)]


def _common(entry: dict[str, Any], title: str | None, url: str | None) -> Record:
    if "time" not in entry:
        raise BadItem("no time")
    record: Record = {"time": from_iso(entry["time"])}
    header = text(entry.get("header"))
    if header is None and (text(entry.get("title")) or "").startswith("Visited " + _VIEW_SOURCE):
        header = "Chrome"
    put(record, "header", header)
    put(record, "title", title)
    put(record, "url", url)
    put(record, "products", _strings(entry.get("products")))
    put(record, "description", text(entry.get("description")))
    put(record, "details", _strings(entry.get("details"), "name"))
    put(record, "location_infos", _location_infos(entry.get("locationInfos")))
    put(record, "activity_controls", _strings(entry.get("activityControls")))
    if from_ads(entry.get("details")):
        record["from_ads"] = True
    return record


def activity_entry(entry: object) -> Emit:
    """One My Activity entry as a ``search.query``, ``video.watch`` or ``activity.event``."""
    if not isinstance(entry, dict):
        raise BadItem("an entry is not an object")
    title, url = _strip_view_source(entry)
    record = _common(entry, title, url)
    subtitles = _subtitles(entry.get("subtitles"))
    query = search_query(url, title)
    if query is not None:
        record["query"] = query
        return Emit("search.query", record)
    video = video_id(url)
    if video is not None:
        record["video_id"] = video
        if subtitles:
            record["channel"] = subtitles[0]["name"]
            put(record, "channel_url", subtitles[0].get("url"))
        return Emit("video.watch", record)
    put(record, "subtitles", subtitles)
    return Emit("activity.event", record)


class MyActivity:
    """``MyActivity.json`` / ``My Activity.json`` (any product, any language) and YouTube."""

    format = "google.my_activity"
    version = "1"

    def sniff(self, source: SourceFile) -> bool:
        shape = shape_of(source)
        return (
            shape.root == "array"
            and shape.has("item", "time")
            and shape.has("item", "header", "products")
            and shape.has("item", "title")
        )

    def parse(self, source: SourceFile) -> Iterator[ParseEvent]:
        yield from each_entry(source, "", lambda entry, _where: [activity_entry(entry)])


IMPORTERS = (MyActivity(),)
