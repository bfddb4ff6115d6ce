"""Small helpers shared by the demo's export writers: JSON, zips and times as exporters
write them."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

ZIP_TIME = (2026, 11, 1, 9, 15, 0)  # when the archives were "downloaded"


def archive(members: Mapping[str, bytes]) -> bytes:
    """A zip with fixed member dates, so the same content always gives the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, data)
    return buffer.getvalue()


def json_bytes(document: Any, indent: int | None = 2) -> bytes:
    """JSON as the exporters write it: ASCII only, anything else as ``\\uXXXX`` escapes."""
    return json.dumps(document, indent=indent, ensure_ascii=True).encode("ascii")


def instant(text: str) -> datetime:
    """A generated record's ``time`` (ISO 8601 with ``Z``) as an aware datetime."""
    return datetime.fromisoformat(text).astimezone(UTC)


def millis_text(moment: datetime) -> str:
    """``2026-10-18T06:12:34.567Z``: ISO 8601 in UTC with milliseconds, as Google writes it."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def epoch(moment: datetime) -> int:
    """Unix seconds (Meta's and Green Button's clocks)."""
    return int(moment.timestamp())
