"""What every JSON importer needs from ijson: a head read quietly, a BOM skipped, a reason.

The Google (``_google_json``) and Meta (``_meta_common``) readers stream differently on
purpose: Google's transcodes UTF-16, caps one entry's size and names the chunk an error
lies in; Meta's re-reads a broken file to give the exact byte. What they share is here.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from typing import Any

import ijson

BOM = codecs.BOM_UTF8


def without_bom(data: bytes) -> bytes:
    """``data`` without a leading UTF-8 byte-order mark."""
    return data[len(BOM) :] if data.startswith(BOM) else data


def head_events(
    head: bytes, limit: int, *, use_float: bool = True
) -> Iterator[tuple[str, str, Any]]:
    """The first ``limit`` parse events of a file's head, stopping quietly where it breaks.

    A head usually ends mid-file, and a broken start simply shows fewer events.
    ``use_float=False`` keeps numbers as ``Decimal``, where a huge exponent cannot overflow.
    """
    try:
        for count, event in enumerate(ijson.parse(head, use_float=use_float)):
            if count >= limit:
                return
            yield event
    except (ijson.JSONError, UnicodeError):
        return


def first_line(exc: Exception, blank: str) -> str:
    """The parser's reason for ``exc``, first line only (``blank`` when it gives none)."""
    raw = exc.args[0] if exc.args else type(exc).__name__
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return text.strip().splitlines()[0] if text.strip() else blank
