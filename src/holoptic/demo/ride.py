"""Camille's Sunday bike ride, as the phone app exported it (GPX 1.1, Strava style).

A loop of about twelve kilometres from the village square through Les Granges, up to the
Col de la Lize, down by La Croix-Haute and Le Moulin and back past the stadium, on the
afternoon summer time ended. A point every three seconds with the elevation, and the
heart rate and cadence of Garmin's TrackPointExtension: slow and hard on the climb, fast
and freewheeling on the way down.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from itertools import pairwise
from random import Random

from holoptic.demo import catalog
from holoptic.demo.catalog import Place
from holoptic.demo.days import local_to_utc, stamp

DAY = date(2026, 10, 25)
START = 14 * 60 + 30  # minutes after local midnight
STEP = timedelta(seconds=3)
NAME = "Sortie vélo l'après-midi"
COL = Place("Col de la Lize", 45.03210, 5.01190)
ROUTE = (  # where the loop passes, and the elevation there (m)
    (catalog.CENTRE, 221.0),
    (catalog.HAMLETS[0], 248.0),
    (COL, 486.0),
    (catalog.HAMLETS[2], 312.0),
    (catalog.HAMLETS[1], 236.0),
    (catalog.STADIUM, 214.0),
    (catalog.CENTRE, 221.0),
)
HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<gpx creator="StravaGPX Android" version="1.1" xmlns="http://www.topografix.com/GPX/1/1" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xsi:schemaLocation="http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd" \
xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">
 <metadata>
  <time>{start}</time>
 </metadata>
 <trk>
  <name>{name}</name>
  <type>cycling</type>
  <trkseg>"""
FOOTER = """  </trkseg>
 </trk>
</gpx>
"""
Point = tuple[datetime, float, float, float, int, int]  # time, lat, lon, ele, hr, cad


def gpx(rng: Random) -> bytes:
    """The ride as a GPX file."""
    start = local_to_utc(DAY, START)
    lines = [HEADER.format(start=stamp(start), name=NAME)]
    lines += [_trackpoint(point) for point in _ride(rng, start)]
    lines.append(FOOTER)
    return "\n".join(lines).encode("utf-8")


def _metres(a: Place, b: Place) -> float:
    north = (b.lat - a.lat) * 111_320.0
    east = (b.lon - a.lon) * 111_320.0 * math.cos(math.radians(a.lat))
    return math.hypot(north, east)


def _ride(rng: Random, moment: datetime) -> Iterator[Point]:
    heart = 96.0
    for (a, low), (b, high) in pairwise(ROUTE):
        length = _metres(a, b)
        grade = (high - low) / length
        speed = min(11.0, max(2.6, (24.0 - 150.0 * grade) / 3.6))  # m/s
        done = 0.0
        while done < length:
            share = done / length
            lat = a.lat + (b.lat - a.lat) * share + rng.gauss(0, 1.2e-5)
            lon = a.lon + (b.lon - a.lon) * share + rng.gauss(0, 1.6e-5)
            ele = low + (high - low) * share + 3.0 * math.sin(done / 170.0)
            effort = min(178.0, max(102.0, 122.0 + 600.0 * grade))  # target heart rate
            heart += (effort - heart) * 0.08 + rng.gauss(0, 1.0)
            cadence = 0 if grade < -0.04 else round(rng.gauss(84, 4))
            yield moment, lat, lon, ele, round(heart), cadence
            done += speed * rng.uniform(0.9, 1.1) * STEP.total_seconds()
            moment += STEP


def _trackpoint(point: Point) -> str:
    moment, lat, lon, ele, heart, cadence = point
    return (
        f'   <trkpt lat="{lat:.7f}" lon="{lon:.7f}">\n'
        f"    <ele>{ele:.1f}</ele>\n"
        f"    <time>{stamp(moment)}</time>\n"
        "    <extensions>\n"
        "     <gpxtpx:TrackPointExtension>\n"
        f"      <gpxtpx:hr>{heart}</gpxtpx:hr>\n"
        f"      <gpxtpx:cad>{cadence}</gpxtpx:cad>\n"
        "     </gpxtpx:TrackPointExtension>\n"
        "    </extensions>\n"
        "   </trkpt>"
    )
