"""Firefox ``places.sqlite`` (desktop, its forks such as Pale Moon, and Firefox for
Android "Fenix"), and the legacy Firefox for Android "Fennec" ``browser.db``.

* Desktop and forks: ``moz_places`` (one row per address, latest title) and
  ``moz_historyvisits`` (one row per visit, ``visit_date`` in microseconds since 1970).
* Fenix keeps the same two tables with an ``is_local`` column on visits, and its
  ``visit_date`` is in **milliseconds**.
* Fennec: ``history`` (addresses, keyed by ``guid``) and ``visits`` (``date`` in
  microseconds since 1970); rows the member deleted (``deleted = 1``) are left out.
"""

from __future__ import annotations

from collections.abc import Callable

from holoptic.importers.formats._browser_common import (
    MAX_TITLE,
    MAX_URL,
    VisitsImporter,
    scaled,
    visit_event,
)
from holoptic.importers.formats._browser_sqlite import Row, Schema
from holoptic.importers.model import ParseEvent

# toolkit/components/places/nsINavHistoryService.idl (Fenix and Fennec use the same codes).
VISIT_TYPES = {
    1: "link",
    2: "typed",
    3: "bookmark",
    4: "embed",
    5: "redirect_permanent",
    6: "redirect_temporary",
    7: "download",
    8: "framed_link",
    9: "reload",
}


def _transition(visit_type: object) -> dict[str, object]:
    if type(visit_type) is int and visit_type in VISIT_TYPES:
        return {"transition": VISIT_TYPES[visit_type]}
    return {}


def _converter(browser: str, factor: int) -> Callable[[Row], ParseEvent]:
    def convert(row: Row) -> ParseEvent:
        visit_id, visit_date, url, title, visit_type = row
        return visit_event(
            f"visits row {visit_id}",
            scaled(visit_date, factor),
            url,
            title,
            browser,
            _transition(visit_type),
        )

    return convert


def _optional(columns: frozenset[str], column: str, expression: str) -> str:
    return expression if column in columns else "NULL"


class FirefoxPlacesImporter(VisitsImporter):
    format = "browser.firefox"
    version = "1"
    file_names = frozenset({"places.sqlite"})

    def recognises(self, schema: Schema) -> bool:
        return schema.has("moz_places", "id", "url") and schema.has(
            "moz_historyvisits", "place_id", "visit_date"
        )

    def reader(self, schema: Schema) -> tuple[str, Callable[[Row], ParseEvent]]:
        visits, places = schema.columns("moz_historyvisits"), schema.columns("moz_places")
        android = "is_local" in visits  # Fenix: milliseconds
        visit_id = _optional(visits, "id", "v.id")
        title = _optional(places, "title", f"substr(p.title, 1, {MAX_TITLE})")
        visit_type = _optional(visits, "visit_type", "v.visit_type")
        # Every fragment is a constant of this module: no member data enters the SQL.
        sql = (
            f"SELECT {visit_id}, v.visit_date, substr(p.url, 1, {MAX_URL + 1}), "  # noqa: S608
            f"{title}, {visit_type} FROM moz_historyvisits AS v "
            "LEFT JOIN moz_places AS p ON p.id = v.place_id ORDER BY v.visit_date"
        )
        if android:
            return sql, _converter("firefox-android", 1_000)
        return sql, _converter("firefox", 1)


class FennecImporter(VisitsImporter):
    format = "browser.fennec"
    version = "1"
    file_names = frozenset({"browser.db"})

    def recognises(self, schema: Schema) -> bool:
        return schema.has("history", "guid", "url") and schema.has("visits", "history_guid", "date")

    def reader(self, schema: Schema) -> tuple[str, Callable[[Row], ParseEvent]]:
        visits, history = schema.columns("visits"), schema.columns("history")
        visit_id = _optional(visits, "_id", "v._id")
        title = _optional(history, "title", f"substr(h.title, 1, {MAX_TITLE})")
        visit_type = _optional(visits, "visit_type", "v.visit_type")
        deleted = _optional(history, "deleted", "WHERE coalesce(h.deleted, 0) = 0")
        deleted = "" if deleted == "NULL" else deleted
        # Every fragment is a constant of this module: no member data enters the SQL.
        sql = (
            f"SELECT {visit_id}, v.date, substr(h.url, 1, {MAX_URL + 1}), "  # noqa: S608
            f"{title}, {visit_type} FROM visits AS v "
            f"LEFT JOIN history AS h ON h.guid = v.history_guid {deleted} ORDER BY v.date"
        )
        return sql, _converter("firefox-android", 1)


IMPORTERS = (FirefoxPlacesImporter(), FennecImporter())
