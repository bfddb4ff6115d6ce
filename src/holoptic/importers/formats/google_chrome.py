"""Chrome history from Google Takeout: ``BrowserHistory.json``, ``History.json``, localised.

``{"Browser History": [{url, title, time_usec, page_transition | page_transition_qualifier,
client_id, favicon_url, ptoken}]}``, times in Unix microseconds. Each visit becomes a
``browsing.visit`` shaped exactly as the ``History`` database importer shapes its own
(``browser: "chromium"``), so the same visit from both sources is stored once. Sibling
sections of newer exports (``Typed Url``, ``Session``…) are browser state rather than
history and are not read; favicon URLs and ``ptoken`` are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from holoptic.importers.formats._browser_common import visit_event
from holoptic.importers.formats._google_common import (
    BadItem,
    brief,
)
from holoptic.importers.formats._google_json import each_entry, shape_of
from holoptic.importers.formats.browser_chrome import BROWSER, CORE_TRANSITIONS
from holoptic.importers.model import ParseEvent, SourceFile

SECTION = "Browser History"
_CORE = frozenset(CORE_TRANSITIONS.values())
# Sections seen beside the history: a file whose head shows only these is Chrome's too.
_SIBLINGS = frozenset({SECTION, "Typed Url", "Session", "Shared Tab Group"})


def _transitions(entry: dict[str, Any]) -> dict[str, object]:
    """How the page was reached, in the words the ``History`` database importer uses.

    ``page_transition`` (older) and ``page_transition_qualifier`` (newer) both hold a core
    type such as ``LINK`` or a qualifier such as ``CLIENT_REDIRECT``: a core type becomes
    ``transition``, anything else ``transition_qualifier``, both lower-cased.
    """
    extra: dict[str, object] = {}
    for key in ("page_transition", "page_transition_qualifier"):
        value = entry.get(key)
        if isinstance(value, str) and value:
            word = value.lower()
            extra["transition" if word in _CORE else "transition_qualifier"] = word
    client = entry.get("client_id")
    if isinstance(client, str) and client:
        extra["client_id"] = client
    return extra


def visit(entry: object, location: str) -> ParseEvent:
    """One ``Browser History`` entry as a ``browsing.visit``, shaped as the database's are.

    Same ``browser`` (``chromium``) and time format as the ``History`` database importer,
    so a visit found in both the Takeout file and the browser's own database is one visit.
    """
    if not isinstance(entry, dict):
        raise BadItem("an entry is not an object")
    micros = entry.get("time_usec")
    if micros is None:
        raise BadItem("no time_usec")
    if type(micros) is float and micros.is_integer():
        micros = int(micros)
    if type(micros) is not int:
        raise BadItem(f"time_usec is not a number: {brief(micros)}")
    return visit_event(
        location, micros, entry.get("url"), entry.get("title"), BROWSER, _transitions(entry)
    )


class ChromeHistory:
    """Chrome's Takeout history JSON (the SQLite ``History`` file is another importer)."""

    format = "google.chrome_history"
    version = "1"

    def sniff(self, source: SourceFile) -> bool:
        shape = shape_of(source)
        if shape.root != "map" or not shape.top:
            return False
        return SECTION in shape.top or set(shape.top) <= _SIBLINGS

    def parse(self, source: SourceFile) -> Iterator[ParseEvent]:
        yield from each_entry(source, SECTION, lambda entry, where: [visit(entry, where)])


IMPORTERS = (ChromeHistory(),)
