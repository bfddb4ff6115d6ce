"""Canonical UTC text for record times, the one spelling every importer writes.

The same instant must read the same whatever file it came from (a GPX track, a FIT file,
a Google export), since records are deduplicated by content: one function writes them all.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc_text(moment: datetime) -> str:
    """``…:SSZ``, ``…:SS.mmmZ`` or ``…:SS.ffffffZ``, the shortest exact; naive means UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    micro = moment.microsecond
    spec = "seconds" if not micro else "milliseconds" if micro % 1000 == 0 else "microseconds"
    return moment.isoformat(timespec=spec) + "Z"
