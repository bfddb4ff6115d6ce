"""The demo's calendar: a fixed window of days, lived in French local time, stored in UTC.

The data ends the day before a fixed reference date rather than "now", so the same seed
gives the same village on every machine and on every day. Villagers live by the clock on
the church tower (Europe/Paris, with its summer time ending inside the window), while
records carry UTC instants, as exports do. The EU rule is computed here instead of read
from a time-zone database, which not every system ships.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache

REFERENCE = date(2026, 11, 1)
WINDOW_DAYS = 14
WINTER = timedelta(hours=1)
SUMMER = timedelta(hours=2)


def window(days: int = WINDOW_DAYS) -> list[date]:
    """The ``days`` days before the reference date, oldest first."""
    return [REFERENCE - timedelta(days=back) for back in range(days, 0, -1)]


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - 6) % 7)


@cache
def _summer_time(year: int) -> tuple[datetime, datetime]:
    """EU summer time: from the last Sunday of March to the last of October, 01:00 UTC."""
    return (
        datetime.combine(_last_sunday(year, 3), time(1), UTC),
        datetime.combine(_last_sunday(year, 10), time(1), UTC),
    )


def paris_offset(moment: datetime) -> timedelta:
    """Europe/Paris offset from UTC at a UTC instant."""
    start, end = _summer_time(moment.year)
    return SUMMER if start <= moment < end else WINTER


def local_to_utc(day: date, minutes: float) -> datetime:
    """The UTC instant of a local wall-clock time, ``minutes`` after local midnight.

    On the night summer time ends, a wall time that happens twice maps to the second.
    """
    wall = datetime.combine(day, time.min, UTC) + timedelta(minutes=round(minutes))
    guess = wall - WINTER
    return wall - paris_offset(guess)


def local_clock(moment: datetime) -> tuple[float, int]:
    """Hours since local midnight (0 to 24) and local weekday (0 is Monday) of an instant."""
    local = moment + paris_offset(moment)
    return local.hour + local.minute / 60, local.weekday()


def stamp(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, as most exports write it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
