"""Periods chosen in a page's ``start``/``end`` date fields: closed ranges of UTC days.

An empty field takes the page's default; a malformed date or a period that ends before
it starts is a 400 that says which, rather than a silently different period."""

from __future__ import annotations

from datetime import date, timedelta

from holoptic.web.errors import InvalidDate, PeriodReversed


def month_of(day: date) -> tuple[date, date]:
    """The first and last days of ``day``'s month."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def parse_period(
    start: str | None, end: str | None, default: tuple[date, date]
) -> tuple[date, date]:
    first = _day(start, "start") or default[0]
    last = _day(end, "end") or default[1]
    if first > last:
        raise PeriodReversed(
            f"the period starts on {first.isoformat()}, after it ends on {last.isoformat()}",
            start=first.isoformat(),
            end=last.isoformat(),
        )
    return first, last


def _day(text: str | None, field: str) -> date | None:
    if not text or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        message = f"{field}: {text[:40]!r} is not a date (YYYY-MM-DD)"
        raise InvalidDate(message, field=field) from None
