"""Where villagers go: a few phone location points a day, as a Takeout export has them.

Each resident has a home (in the village or one of its hamlets) and a day plan that
depends on who they are: commuters and pupils go to Bourg-de-Lize, 12 km away, on
weekdays; retirees and people who work at home stay around the bakery and the square;
everyone shops on Saturdays. Points carry the phone's accuracy and a matching error.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from random import Random

from holoptic.demo import catalog
from holoptic.demo.catalog import Place
from holoptic.demo.days import local_to_utc, stamp
from holoptic.demo.people import Resident
from holoptic.vault.model import Record

METRES_PER_DEGREE = 111_320.0
Plan = list[tuple[float, Place]]  # (minutes after local midnight, where)


def _moved(place: Place, north_m: float, east_m: float, name: str = "") -> Place:
    lat = place.lat + north_m / METRES_PER_DEGREE
    lon = place.lon + east_m / (METRES_PER_DEGREE * math.cos(math.radians(place.lat)))
    return Place(name or place.name, lat, lon)


def _home(rng: Random) -> Place:
    if rng.random() < 0.25:
        hamlet = rng.choice(catalog.HAMLETS)
        return _moved(hamlet, rng.gauss(0, 150), rng.gauss(0, 150), "home")
    return _moved(catalog.CENTRE, rng.gauss(0, 450), rng.gauss(0, 450), "home")


def _between(a: Place, b: Place, share: float) -> Place:
    return Place("road", a.lat + (b.lat - a.lat) * share, a.lon + (b.lon - a.lon) * share)


def _at(rng: Random, minutes: float, spread: float) -> float:
    return minutes + rng.gauss(0, spread)


def _commute(rng: Random, home: Place, work: Place) -> Plan:
    plan = [
        (_at(rng, 420, 15), home),
        (_at(rng, 460, 10), _between(home, work, rng.uniform(0.3, 0.7))),
        (_at(rng, 500, 10), work),
        (_at(rng, 750, 20), _moved(work, rng.gauss(0, 200), rng.gauss(0, 200))),
        (_at(rng, 1060, 25), work),
        (_at(rng, 1125, 25), home),
        (_at(rng, 1290, 40), home),
    ]
    if rng.random() < 0.3:
        plan.append((_at(rng, 1095, 10), catalog.SUPERMARKET))
    return plan


def _village_day(rng: Random, home: Place) -> Plan:
    plan: Plan = [(_at(rng, 510, 30), home), (_at(rng, 720, 20), home)]
    if rng.random() < 0.7:
        plan.append((_at(rng, 570, 20), catalog.BAKERY))
    if rng.random() < 0.4:
        plan.append((_at(rng, 630, 20), catalog.CENTRE))
    if rng.random() < 0.5:  # an afternoon walk in the fields
        plan.append((_at(rng, 930, 30), _moved(home, rng.gauss(0, 900), rng.gauss(0, 900))))
    plan.append((_at(rng, 1080, 30), home))
    return plan


def _weekend(rng: Random, home: Place, saturday: bool) -> Plan:
    plan: Plan = [(_at(rng, 570, 30), home), (_at(rng, 1140, 40), home)]
    if rng.random() < 0.6:
        plan.append((_at(rng, 600, 20), catalog.BAKERY))
    if saturday and rng.random() < 0.6:  # the Saturday market on the square
        plan.append((_at(rng, 650, 20), catalog.CENTRE))
    if rng.random() < 0.35:
        plan.append((_at(rng, 900, 40), catalog.SUPERMARKET))
    if not saturday and rng.random() < 0.25:
        plan.append((_at(rng, 900, 30), catalog.STADIUM))
    return plan


def _workplace(rng: Random, resident: Resident) -> Place | None:
    if resident.profile == "student":
        return catalog.TOWN_SPOTS[2]  # the lycée
    if resident.profile == "commuter":
        return rng.choice((*catalog.TOWN_SPOTS, catalog.TOWN, catalog.SUPERMARKET))
    return None


def _plan(rng: Random, day: date, home: Place, work: Place | None) -> Plan:
    if day.weekday() >= 5:
        return _weekend(rng, home, saturday=day.weekday() == 5)
    if work is not None and rng.random() < 0.92:  # a day off now and then
        return _commute(rng, home, work)
    return _village_day(rng, home)


def location_records(rng: Random, resident: Resident, days: list[date], seed: int) -> list[Record]:
    home = _home(rng)
    work = _workplace(rng, resident)
    phone_error = rng.choice((6.0, 10.0, 15.0, 25.0))
    records: list[Record] = []
    for day in days:
        for minutes, place in sorted(_plan(rng, day, home, work), key=lambda stop: stop[0]):
            records.append(_point(rng, day, minutes, place, phone_error))
    return records


def _point(rng: Random, day: date, minutes: float, place: Place, error: float) -> Record:
    accuracy = max(3, round(rng.expovariate(1 / error)))
    spot = _moved(place, rng.gauss(0, accuracy / 2), rng.gauss(0, accuracy / 2))
    moment = local_to_utc(day, minutes) + timedelta(seconds=rng.randrange(60))
    return {
        "time": stamp(moment),
        "lat": round(spot.lat, 6),
        "lon": round(spot.lon, 6),
        "accuracy_m": accuracy,
    }
