"""qutebrowser's ``history.sqlite``: one ``History`` row per visit.

Columns ``url``, ``title``, ``atime`` (**seconds since 1970**, UTC) and ``redirect``
(1 when the page was only passed through on a redirect). ``CompletionHistory`` is a
per-URL summary derived from ``History`` and is not read (it would count visits twice).
"""

from __future__ import annotations

from collections.abc import Callable

from holoptic.importers.formats._browser_common import (
    MAX_TITLE,
    MAX_URL,
    VisitsImporter,
    unix_us_from_seconds,
    visit_event,
)
from holoptic.importers.formats._browser_sqlite import Row, Schema
from holoptic.importers.model import ParseEvent

BROWSER = "qutebrowser"


def _convert(row: Row) -> ParseEvent:
    row_id, atime, url, title, redirect = row
    extra: dict[str, object] = {"transition": "redirect"} if redirect == 1 else {}
    micros = unix_us_from_seconds(atime)
    return visit_event(f"History row {row_id}", micros, url, title, BROWSER, extra)


class QutebrowserHistoryImporter(VisitsImporter):
    format = "browser.qutebrowser"
    version = "1"
    file_names = frozenset({"history.sqlite"})

    def recognises(self, schema: Schema) -> bool:
        # Table names are case-sensitive here: Fennec has a lower-case ``history``.
        return schema.has("History", "url", "atime")

    def reader(self, schema: Schema) -> tuple[str, Callable[[Row], ParseEvent]]:
        columns = schema.columns("History")
        title = f"substr(title, 1, {MAX_TITLE})" if "title" in columns else "NULL"
        redirect = "redirect" if "redirect" in columns else "NULL"
        # Every fragment is a constant of this module: no member data enters the SQL.
        sql = (
            f"SELECT rowid, atime, substr(url, 1, {MAX_URL + 1}), {title}, "  # noqa: S608
            f'{redirect} FROM "History" ORDER BY atime'
        )
        return sql, _convert


IMPORTERS = (QutebrowserHistoryImporter(),)
