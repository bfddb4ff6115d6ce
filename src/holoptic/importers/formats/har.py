"""HAR 1.2 page captures: every request a page made, kept for the tracker revealer.

A HAR is ``{"log": {version, creator, browser?, pages?, entries: [...]}}``. Entries are
streamed with ijson; pages (few and small) are read first, in a pass that stops as soon as
``log.pages`` ends, so each request can say which page it served. ``pages`` or ``pageref``
may be missing (WebInspector, hand-made files); WebPageTest's ``_``-prefixed fields are
used where they help (``_URL``, ``_title``, ``_initiator``) and otherwise ignored.

Each entry becomes one ``browsing.request`` record: ``time`` (``startedDateTime`` in UTC),
``entry`` (its index in the file: requests to the same path in the same millisecond stay
distinct), ``host``, ``scheme``, ``path``, ``method``, ``status``, ``mime``, ``size`` (when
not negative), ``sets_cookies``, ``initiator_host``, ``page``, ``page_host``, ``page_title``.
The page host is the page's ``_URL``, else its title when that is a URL, else the host of
the page's first request (the navigation). Query strings, headers, cookies and bodies are
not stored: they often carry session tokens, and host and path are what the revealer
needs. Entries without a time or a network host (``data:``, ``blob:``) are rejected.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import ijson

from holoptic.importers.formats._json import head_events
from holoptic.importers.formats._meta_common import PEEK_EVENTS, stream_events, stream_items
from holoptic.importers.model import Emit, ParseEvent, Rejected, SourceFile

PRIORITY = 50
KIND = "browsing.request"
LOG_KEYS = frozenset({"version", "creator", "browser", "pages", "entries", "comment"})


@dataclass(slots=True)
class _Page:
    title: str | None
    host: str | None


@dataclass(slots=True)
class _Pages:
    """Pages by id; a page without a known host takes its first request's host."""

    known: dict[str, _Page] = field(default_factory=dict)

    def describe(self, ref: object, host: str) -> dict[str, str]:
        if not isinstance(ref, str):
            return {}
        page = self.known.setdefault(ref, _Page(None, None))
        if page.host is None:
            page.host = host
        found = {"page": ref, "page_host": page.host}
        if page.title:
            found["page_title"] = page.title
        return found


class HarImporter:
    format = "har"
    version = "1"

    def sniff(self, source: SourceFile) -> bool:
        """A top-level ``log`` object holding HAR's own keys."""
        head = source.head(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head.startswith(b"{"):
            return False
        for prefix, event, value in head_events(head, PEEK_EVENTS):
            if prefix == "" and event == "map_key" and value != "log":
                return False
            if prefix == "log" and event == "map_key":
                return value in LOG_KEYS
        return False

    def parse(self, source: SourceFile) -> Iterator[ParseEvent]:
        pages = _read_pages(source)
        for number, entry in enumerate(stream_items(source, "log.entries.item")):
            yield _request(entry, pages, number)


def _read_pages(source: SourceFile) -> _Pages:
    """The pages, stopping at the end of ``log.pages`` (usually before the entries)."""
    pages = _Pages()
    builder: ijson.ObjectBuilder | None = None
    with closing(stream_events(source)) as events:
        for prefix, event, value in events:
            if prefix == "log.pages" and event == "end_array":
                break
            if prefix == "log.pages.item" and event == "start_map":
                builder = ijson.ObjectBuilder()
            if builder is not None:
                builder.event(event, value)
                if prefix == "log.pages.item" and event == "end_map":
                    _add_page(pages, builder.value)
                    builder = None
    return pages


def _add_page(pages: _Pages, page: Any) -> None:
    if not isinstance(page, dict) or not isinstance(page.get("id"), str):
        return
    title = page.get("_title") or page.get("title")
    url = page.get("_URL") or page.get("_url") or page.get("title")
    pages.known[page["id"]] = _Page(
        title.strip() or None if isinstance(title, str) else None, _host(url)
    )


def _request(entry: Any, pages: _Pages, number: int) -> ParseEvent:
    where = f"entry {number}"
    request = entry.get("request") if isinstance(entry, dict) else None
    if not isinstance(request, dict):
        return Rejected(where, "no request")
    time = _utc(entry.get("startedDateTime"))
    if time is None:
        return Rejected(where, "no startedDateTime with a timezone")
    url = request.get("url")
    parts = _split(url)
    host = parts[1] if parts else None
    if parts is None or host is None:
        scheme = parts[0] if parts else "?"
        return Rejected(where, f"not a network request ({scheme or 'no'} URL without a host)")
    record: dict[str, Any] = {"time": time, "entry": number, "host": host}
    record.update(scheme=parts[0], path=parts[2])
    if isinstance(request.get("method"), str) and request["method"]:
        record["method"] = request["method"].upper()
    record.update(_response(entry.get("response")))
    initiator = _initiator_host(entry)
    if initiator is not None:
        record["initiator_host"] = initiator
    record.update(pages.describe(entry.get("pageref"), host))
    return Emit(KIND, record)


def _response(response: Any) -> dict[str, Any]:
    if not isinstance(response, dict):
        return {"sets_cookies": False}
    found: dict[str, Any] = {"sets_cookies": _sets_cookies(response)}
    status = response.get("status")
    if isinstance(status, int) and not isinstance(status, bool) and status > 0:
        found["status"] = status
    content = response.get("content")
    if isinstance(content, dict):
        mime = content.get("mimeType")
        if isinstance(mime, str) and mime.split(";")[0].strip():
            found["mime"] = mime.split(";")[0].strip().lower()
        size = content.get("size")
        if isinstance(size, int) and not isinstance(size, bool) and size >= 0:
            found["size"] = size
    return found


def _sets_cookies(response: dict[str, Any]) -> bool:
    cookies = response.get("cookies")
    if isinstance(cookies, list) and cookies:
        return True
    headers = response.get("headers")
    for header in headers if isinstance(headers, list) else ():
        name = header.get("name") if isinstance(header, dict) else None
        if isinstance(name, str) and len(name) == 10 and name.lower() == "set-cookie":
            return True
    return False


def _initiator_host(entry: dict[str, Any]) -> str | None:
    """Chrome's ``initiator`` object (url or first stack frame) or WebPageTest's string."""
    for key in ("_initiator", "initiator"):
        value = entry.get(key)
        if isinstance(value, dict):
            stack = value.get("stack")
            frames = stack.get("callFrames") if isinstance(stack, dict) else None
            first = frames[0] if isinstance(frames, list) and frames else None
            value = value.get("url") or (first.get("url") if isinstance(first, dict) else None)
        host = _host(value)
        if host is not None:
            return host
    return None


def _split(url: object) -> tuple[str, str | None, str] | None:
    """Scheme, host and path (no query: the host and path are enough, and less revealing)."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
        return parts.scheme.lower(), parts.hostname or None, parts.path or "/"
    except ValueError:  # e.g. a broken IPv6 literal
        return None


def _host(url: object) -> str | None:
    """The host of an http(s)/ws(s) URL; initiators repeat, so strings are remembered."""
    return _cached_host(url) if isinstance(url, str) else None


@functools.lru_cache(maxsize=4096)
def _cached_host(url: str) -> str | None:
    parts = _split(url)
    if parts is None or parts[0] not in ("http", "https", "ws", "wss"):
        return None
    return parts[1]


def _utc(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
        if moment.tzinfo is None:
            return None
        utc = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")


IMPORTERS = (HarImporter(),)
