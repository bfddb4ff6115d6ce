"""Chrome, Chromium, Brave, Edge, Vivaldi and Opera ``History`` databases.

They all keep Chromium's layout: ``urls`` (one row per address, with its latest title)
and ``visits`` (one row per visit, ``visit_time`` in microseconds since 1601-01-01 UTC).
Columns come and go between Chromium versions, so they are chosen by name.
"""

from __future__ import annotations

from collections.abc import Callable

from holoptic.importers.formats._browser_common import (
    CHROME_EPOCH_US,
    MAX_TITLE,
    MAX_URL,
    VisitsImporter,
    scaled,
    visit_event,
)
from holoptic.importers.formats._browser_sqlite import Row, Schema
from holoptic.importers.model import ParseEvent

# ui/base/page_transition_types.h: the low byte is the core type, the rest qualifiers.
CORE_TRANSITIONS = {
    0: "link",
    1: "typed",
    2: "auto_bookmark",
    3: "auto_subframe",
    4: "manual_subframe",
    5: "generated",
    6: "auto_toplevel",
    7: "form_submit",
    8: "reload",
    9: "keyword",
    10: "keyword_generated",
}
# The database family, read from content alone: the same visits must dedupe whatever
# path or file name they arrive under, and Brave or Edge write the very same tables.
BROWSER = "chromium"


def _extra(transition: object, duration_us: object) -> dict[str, object]:
    extra: dict[str, object] = {}
    if type(transition) is int and (transition & 0xFF) in CORE_TRANSITIONS:
        extra["transition"] = CORE_TRANSITIONS[transition & 0xFF]
    if type(duration_us) is int and 0 < duration_us < 10**13:  # under 4 months
        extra["duration_s"] = duration_us / 1_000_000
    return extra


def _convert(row: Row) -> ParseEvent:
    visit_id, visit_time, url, title, transition, duration = row
    return visit_event(
        f"visits row {visit_id}",
        scaled(visit_time, 1, CHROME_EPOCH_US),
        url,
        title,
        BROWSER,
        _extra(transition, duration),
    )


class ChromeHistoryImporter(VisitsImporter):
    format = "browser.chrome"
    version = "1"
    file_names = frozenset({"History"})

    def recognises(self, schema: Schema) -> bool:
        return (
            schema.has("visits", "id", "url", "visit_time")
            and schema.has("urls", "id", "url")
            and "meta" in schema.tables
        )

    def reader(self, schema: Schema) -> tuple[str, Callable[[Row], ParseEvent]]:
        visits, urls = schema.columns("visits"), schema.columns("urls")
        title = f"substr(u.title, 1, {MAX_TITLE})" if "title" in urls else "NULL"
        transition = "v.transition" if "transition" in visits else "NULL"
        duration = "v.visit_duration" if "visit_duration" in visits else "NULL"
        # Every fragment is a constant of this module: no member data enters the SQL.
        sql = (
            f"SELECT v.id, v.visit_time, substr(u.url, 1, {MAX_URL + 1}), {title}, "  # noqa: S608
            f"{transition}, {duration} FROM visits AS v LEFT JOIN urls AS u ON u.id = v.url "
            "ORDER BY v.visit_time"
        )
        return sql, _convert


IMPORTERS = (ChromeHistoryImporter(),)
