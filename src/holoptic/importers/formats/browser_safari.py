"""Safari ``History.db`` (macOS and iOS).

``history_items`` holds one row per address; ``history_visits`` one row per visit, with
the title the page had then and ``visit_time`` as real **seconds since 2001-01-01 UTC**
(Apple's Core Data epoch). Safari records no transition or duration.
"""

from __future__ import annotations

from collections.abc import Callable

from holoptic.importers.formats._browser_common import (
    COCOA_EPOCH_S,
    MAX_TITLE,
    MAX_URL,
    VisitsImporter,
    unix_us_from_seconds,
    visit_event,
)
from holoptic.importers.formats._browser_sqlite import Row, Schema
from holoptic.importers.model import ParseEvent

BROWSER = "safari"


def _convert(row: Row) -> ParseEvent:
    visit_id, visit_time, url, title = row
    micros = unix_us_from_seconds(visit_time, COCOA_EPOCH_S)
    return visit_event(f"history_visits row {visit_id}", micros, url, title, BROWSER)


class SafariHistoryImporter(VisitsImporter):
    format = "browser.safari"
    version = "1"
    file_names = frozenset({"History.db"})

    def recognises(self, schema: Schema) -> bool:
        return schema.has("history_items", "id", "url") and schema.has(
            "history_visits", "id", "history_item", "visit_time"
        )

    def reader(self, schema: Schema) -> tuple[str, Callable[[Row], ParseEvent]]:
        has_title = "title" in schema.columns("history_visits")
        title = f"substr(v.title, 1, {MAX_TITLE})" if has_title else "NULL"
        # Every fragment is a constant of this module: no member data enters the SQL.
        sql = (
            f"SELECT v.id, v.visit_time, substr(i.url, 1, {MAX_URL + 1}), {title} "  # noqa: S608
            "FROM history_visits AS v LEFT JOIN history_items AS i ON i.id = v.history_item "
            "ORDER BY v.visit_time"
        )
        return sql, _convert


IMPORTERS = (SafariHistoryImporter(),)
