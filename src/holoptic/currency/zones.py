"""Whether a place lies within a currency's perimeter.

A circle is measured on the sphere (haversine, mean Earth radius); a polygon is tested
by ray casting on longitude/latitude as plane coordinates, which is exact enough for
the village-to-region zones a community draws (they must not cross the antimeridian).
A point on a polygon's edge, or exactly at a circle's radius, is inside: a shop on the
boundary street belongs to the zone.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from holoptic.currency.model import Circle, Perimeter, Polygon, Zone

EARTH_RADIUS_M = 6_371_008.8  # IUGG mean radius
MAX_RADIUS_M = 20_000_000.0  # about half the Earth's circumference
MAX_POINTS = 500
EPSILON = 1e-12

Point = tuple[float, float]


def inside(perimeter: Perimeter | None, lon: float, lat: float) -> bool:
    """True when the place is in at least one zone; a currency without a perimeter
    has no geographic limit."""
    return perimeter is None or zone_of(perimeter, lon, lat) is not None


def zone_of(perimeter: Perimeter, lon: float, lat: float) -> Zone | None:
    """The first zone (in the spec's order) that contains the place, if any."""
    return next((zone for zone in perimeter.zones if contains(zone, lon, lat)), None)


def contains(zone: Zone, lon: float, lat: float) -> bool:
    if isinstance(zone, Circle):
        return distance_m(zone.lon, zone.lat, lon, lat) <= zone.radius_m
    return in_polygon(zone.points, lon, lat)


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def in_polygon(points: tuple[Point, ...], lon: float, lat: float) -> bool:
    """Ray casting (crossing number) towards +longitude; edges count as inside."""
    crossings = False
    for a, b in _edges(points):
        if _on_segment(a, b, (lon, lat)):
            return True
        (x1, y1), (x2, y2) = a, b
        if (y1 > lat) != (y2 > lat):
            x_cross = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < x_cross:
                crossings = not crossings
    return crossings


def valid_coordinates(lon: float, lat: float) -> bool:
    return math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90


def polygon_problems(polygon: Polygon) -> Iterator[str]:
    """What makes a polygon unusable as a zone (simple checks, one message each)."""
    points = polygon.points
    if not all(valid_coordinates(lon, lat) for lon, lat in points):
        yield "every point must be [longitude, latitude] within ±180, ±90"
        return
    if len(points) > MAX_POINTS:
        yield f"has {len(points)} points, more than {MAX_POINTS}"
        return
    if len(set(points)) < 3:
        yield "needs at least 3 distinct points"
        return
    lons = [lon for lon, _ in points]
    if max(lons) - min(lons) > 180:
        yield "spans more than 180° of longitude (zones must not cross the antimeridian)"
    if _self_intersects(points):
        yield "crosses itself (or repeats a point): draw its outline without crossings"
    elif abs(_area2(points)) <= EPSILON:
        yield "has no area (its points are on one line)"


def _edges(points: tuple[Point, ...]) -> Iterator[tuple[Point, Point]]:
    for i, a in enumerate(points):
        yield a, points[(i + 1) % len(points)]


def _area2(points: tuple[Point, ...]) -> float:
    """Twice the signed area (shoelace)."""
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in _edges(points))


def _cross(o: Point, a: Point, b: Point) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _on_segment(a: Point, b: Point, p: Point) -> bool:
    if abs(_cross(a, b, p)) > EPSILON:
        return False
    return min(a[0], b[0]) <= p[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= p[1] <= max(a[1], b[1])


def _segments_meet(a: Point, b: Point, c: Point, d: Point) -> bool:
    d1, d2 = _cross(c, d, a), _cross(c, d, b)
    d3, d4 = _cross(a, b, c), _cross(a, b, d)
    if ((d1 > 0 > d2) or (d1 < 0 < d2)) and ((d3 > 0 > d4) or (d3 < 0 < d4)):
        return True
    return (
        _on_segment(c, d, a) or _on_segment(c, d, b) or _on_segment(a, b, c) or _on_segment(a, b, d)
    )


def _self_intersects(points: tuple[Point, ...]) -> bool:
    """Whether two edges that are not neighbours touch or cross (O(n²), n ≤ 500);
    a repeated point makes two edges touch, so it counts too."""
    edges = list(_edges(points))
    n = len(edges)
    for i in range(n):
        for j in range(i + 2, n):
            if i == 0 and j == n - 1:
                continue  # the first and last edges share the first point
            if _segments_meet(*edges[i], *edges[j]):
                return True
    return False
