"""Pure, deterministic generation of the demo village: (seed, resident) → records per kind.

Nothing here touches storage, the clock or global randomness. Each (resident, kind) pair
draws from its own ``random.Random`` seeded by a string, so adding a kind or a resident
changes nobody else's data, and the same seed gives the same village on every machine
(string seeds are hashed by ``random`` itself, not by the per-process ``hash``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from random import Random

from holoptic.demo.days import WINDOW_DAYS, window
from holoptic.demo.energy import energy_records
from holoptic.demo.mobility import location_records
from holoptic.demo.online import (
    audience_records,
    browsing_records,
    interest_records,
    off_platform_records,
)
from holoptic.demo.people import (
    ALL_KINDS,
    AUDIENCE,
    BROWSING,
    ENERGY,
    INTEREST,
    LOCATION,
    OFF_PLATFORM,
    Resident,
    roster,
)
from holoptic.vault.model import Record

__all__ = ["ALL_KINDS", "TIME_SERIES", "Resident", "records_for", "roster"]

Generator = Callable[[Random, Resident, list[date], int], list[Record]]

GENERATORS: dict[str, Generator] = {
    ENERGY: energy_records,
    LOCATION: location_records,
    BROWSING: browsing_records,
    OFF_PLATFORM: off_platform_records,
    AUDIENCE: audience_records,
    INTEREST: interest_records,
}
TIME_SERIES = frozenset({ENERGY, LOCATION, BROWSING, OFF_PLATFORM})


def days_of(resident: Resident, kind: str) -> list[date]:
    """The meter covers the whole window for everyone (the village load curve needs every
    home); place, browsing and off-Meta data cover the resident's own last few days."""
    if kind not in TIME_SERIES:
        return []
    return window(WINDOW_DAYS if kind == ENERGY else resident.days)


def records_for(seed: int, resident: Resident) -> dict[str, list[Record]]:
    """Every record of one villager, by kind, in a stable order."""
    records: dict[str, list[Record]] = {}
    for kind in sorted(resident.kinds):
        rng = Random(f"valmont:{seed}:{resident.index}:{kind}")  # noqa: S311 (reproducible)
        records[kind] = GENERATORS[kind](rng, resident, days_of(resident, kind), seed)
    return records
