"""Household electricity as a Linky meter records it: watt-hours per 15 minutes.

The curve is built from what drives a French household's consumption in late autumn:
a standing load (fridge, boxes on standby), a morning and a bigger evening peak that grow
with the household, lunch at home for those who stay in the village, an electric water
heater switched on at 22:30 when off-peak hours start, and, in four homes out of ten,
electric heating that follows the outdoor temperature (a cold snap arrives during the
window, the same for the whole village). Appliance cycles and noise keep two days apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from random import Random

from holoptic.demo.days import WINDOW_DAYS, local_clock, stamp, window
from holoptic.demo.people import Resident
from holoptic.vault.model import Record

SLOT = timedelta(minutes=15)
SLOTS_PER_DAY = 96
OFF_PEAK_START = 22.5  # heures creuses


@dataclass(frozen=True, slots=True)
class Household:
    """What a home draws, in watts; zero where it has no such equipment."""

    meter: str
    base_w: float
    morning_w: float
    evening_w: float
    midday_w: float
    heat_w_per_degree: float
    boiler_w: float
    boiler_hours: float
    away_on_weekdays: bool

    def power(self, hour: float, weekend: bool, outdoor: float) -> float:
        away = self.away_on_weekdays and not weekend and 8.5 <= hour < 17.5
        watts = self.base_w
        watts += self.morning_w * _bump(hour, 9.0 if weekend else 7.2, 0.7)
        watts += self.evening_w * _bump(hour, 19.8, 1.4)
        if not away:
            watts += self.midday_w * _bump(hour, 12.6, 0.8)
        watts += self.heat_w_per_degree * max(0.0, self._setpoint(hour, away) - outdoor)
        return watts + self._boiler(hour)

    def _setpoint(self, hour: float, away: bool) -> float:
        """The temperature the heating aims at, less the free heat of people and devices."""
        awake = 6.5 <= hour < 23.0
        return 17.0 if awake and not away else 14.5

    def _boiler(self, hour: float) -> float:
        after_midnight = self.boiler_hours - (24.0 - OFF_PEAK_START)
        running = hour >= OFF_PEAK_START or hour < after_midnight
        return self.boiler_w if running else 0.0


def _bump(hour: float, centre: float, width: float) -> float:
    return math.exp(-0.5 * ((hour - centre) / width) ** 2)


def household(rng: Random, resident: Resident) -> Household:
    size = resident.household
    heated = rng.random() < 0.4
    boiler = rng.random() < 0.6
    return Household(
        meter=f"PDL-{rng.randrange(10**13, 10**14)}",
        base_w=rng.uniform(70, 130) + 25 * size,
        morning_w=rng.uniform(150, 350) + 100 * size,
        evening_w=rng.uniform(300, 600) + 180 * size,
        midday_w=rng.uniform(200, 500) + 80 * size,
        heat_w_per_degree=rng.uniform(60, 140) if heated else 0.0,
        boiler_w=rng.uniform(1800, 3000) if boiler else 0.0,
        boiler_hours=0.5 + 0.4 * size,
        away_on_weekdays=resident.profile in {"commuter", "student"} and size <= 2,
    )


@cache
def weather(seed: int) -> dict[date, float]:
    """Daily mean outdoor temperature (°C), shared by the village: autumn cooling down."""
    rng = Random(f"valmont-weather:{seed}")  # noqa: S311 (reproducible, not secret)
    return {
        day: 13.0 - 0.45 * number + rng.gauss(0, 1.5)
        for number, day in enumerate(window(WINDOW_DAYS))
    }


def outdoor(mean: float, hour: float) -> float:
    """Coldest before dawn, warmest mid-afternoon."""
    return mean + 4.0 * math.cos(2 * math.pi * (hour - 15.0) / 24)


def energy_records(rng: Random, resident: Resident, days: list[date], seed: int) -> list[Record]:
    home = household(rng, resident)
    temperatures = weather(seed)
    records: list[Record] = []
    for day in days:
        extra = _appliances(rng, resident.household)
        start = datetime.combine(day, time.min, UTC)
        for slot in range(SLOTS_PER_DAY):
            moment = start + slot * SLOT
            hour, weekday = local_clock(moment)
            watts = home.power(hour, weekday >= 5, outdoor(temperatures[day], hour))
            watts = watts * rng.lognormvariate(0.0, 0.18) + extra.get(slot, 0.0)
            records.append({"time": stamp(moment), "wh": round(watts / 4), "meter": home.meter})
    return records


def _appliances(rng: Random, size: int) -> dict[int, float]:
    """Washing machine, dishwasher or oven runs: about 2 kW for an hour or so, by day."""
    extra: dict[int, float] = {}
    for _ in range(rng.choice(range(size + 1))):
        first = rng.randrange(28, 84)  # between 07:00 and 21:00 UTC
        for slot in range(first, min(first + rng.randint(3, 7), SLOTS_PER_DAY)):
            extra[slot] = extra.get(slot, 0.0) + rng.uniform(1200, 2200)
    return extra
