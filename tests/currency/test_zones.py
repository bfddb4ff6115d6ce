"""Perimeters: circles on the sphere, polygons by ray casting, edges inside."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from holoptic.currency.model import Circle, Perimeter, Polygon
from holoptic.currency.zones import (
    EARTH_RADIUS_M,
    distance_m,
    in_polygon,
    inside,
    polygon_problems,
    zone_of,
)
from holoptic.ledger.payments import Places
from tests.currency.strategies import convex_polygons

SQUARE = Polygon("square", ((0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0)))
# An L: the square without its top-right quarter.
ELL = Polygon("ell", ((0.0, 0.0), (2.0, 0.0), (2.0, 1.0), (1.0, 1.0), (1.0, 2.0), (0.0, 2.0)))


def test_one_degree_of_latitude_is_a_360th_of_a_great_circle() -> None:
    assert distance_m(5.0, 45.0, 5.0, 46.0) == pytest.approx(2 * math.pi * EARTH_RADIUS_M / 360)
    assert distance_m(2.3522, 48.8566, -0.1276, 51.5072) == pytest.approx(343_500, abs=1_000)


def test_circle_membership_uses_the_great_circle_distance() -> None:
    valmont = Perimeter((Circle("valmont", 5.0, 45.0, 15_000.0),))
    assert inside(valmont, 5.0, 45.0)
    assert inside(valmont, 5.0, 45.0 + 0.134)  # 14.9 km north
    assert not inside(valmont, 5.0, 45.0 + 0.136)  # 15.1 km north
    # 15 km east spans more longitude at 45° than at the equator.
    assert inside(valmont, 5.0 + 0.189, 45.0) and not inside(valmont, 5.0 + 0.192, 45.0)


@pytest.mark.parametrize(
    ("point", "expected"),
    [
        ((0.5, 0.5), True),
        ((0.5, 1.5), True),
        ((1.5, 1.5), False),  # the notch of the L
        ((3.0, 0.5), False),
        ((-0.1, 1.0), False),
        ((2.0, 0.5), True),  # on an edge
        ((1.0, 1.0), True),  # the inner corner
        ((1.5, 1.0), True),  # on the notch's floor
        ((0.0, 0.0), True),  # a vertex
    ],
)
def test_ray_casting_on_a_concave_polygon(point: tuple[float, float], expected: bool) -> None:
    assert in_polygon(ELL.points, *point) is expected


def test_zone_of_names_the_first_containing_zone_and_no_perimeter_means_anywhere() -> None:
    perimeter = Perimeter((ELL, SQUARE))
    assert zone_of(perimeter, 0.5, 0.5) is ELL
    assert zone_of(perimeter, 1.5, 1.5) is SQUARE
    assert zone_of(perimeter, 5.0, 5.0) is None
    assert not inside(perimeter, 5.0, 5.0)
    assert inside(None, 120.0, -33.0)


@pytest.mark.parametrize(
    ("points", "message"),
    [
        (((0.0, 0.0), (1.0, 1.0), (1.0, 0.0), (0.0, 1.0)), "crosses itself"),
        (((0.0, 0.0), (1.0, 1.0), (2.0, 2.0)), "no area"),
        (((0.0, 0.0), (1.0, 1.0), (1.0, 1.0)), "at least 3 distinct points"),
        (((0.0, 0.0), (2.0, 0.0), (1.0, 1.0), (2.0, 0.0), (0.0, -1.0)), "crosses itself"),
        (((-179.0, 0.0), (179.0, 0.0), (179.0, 1.0)), "antimeridian"),
        (((0.0, 0.0), (1.0, 95.0), (1.0, 0.0)), "within ±180, ±90"),
    ],
)
def test_polygon_problems(points: tuple[tuple[float, float], ...], message: str) -> None:
    assert any(message in problem for problem in polygon_problems(Polygon("p", points)))


def test_good_polygons_have_no_problem() -> None:
    assert list(polygon_problems(SQUARE)) == []
    assert list(polygon_problems(ELL)) == []


@given(st.data())
def test_a_convex_zone_holds_its_centre_and_its_corners_but_not_far_points(
    data: st.DataObject,
) -> None:
    polygon = data.draw(convex_polygons("z"))
    assert list(polygon_problems(polygon)) == []
    lons = [lon for lon, _ in polygon.points]
    lats = [lat for _, lat in polygon.points]
    centre = (sum(lons) / len(lons), sum(lats) / len(lats))
    assert in_polygon(polygon.points, *centre)
    assert all(in_polygon(polygon.points, *corner) for corner in polygon.points)
    assert not in_polygon(polygon.points, max(lons) + 1.0, centre[1])
    assert not in_polygon(polygon.points, centre[0], min(lats) - 1.0)


@given(st.floats(-180, 180), st.floats(-90, 90), st.floats(-180, 180), st.floats(-90, 90))
def test_distance_is_symmetric_and_bounded(a: float, b: float, c: float, d: float) -> None:
    there = distance_m(a, b, c, d)
    assert there == pytest.approx(distance_m(c, d, a, b), abs=1e-6)
    assert 0 <= there <= math.pi * EARTH_RADIUS_M + 1e-6


def test_places_remember_each_perimeter_apart_and_judge_a_new_place_afresh() -> None:
    small = Perimeter((Circle("valmont", 5.0, 45.0, 15_000.0),))
    wide = Perimeter((Circle("region", 5.0, 45.0, 150_000.0),))
    places, near, far = Places(), (5.01, 45.01), (5.9, 45.0)  # about 1.4 km and 71 km
    assert places.inside(small, near) and not places.inside(small, far)
    assert places.inside(wide, far)  # another perimeter: not the answer remembered above
    assert not places.inside(small, far) and places.inside(small, near)  # remembered
    assert places.inside(Perimeter((Circle("valmont", 5.0, 45.0, 15_000.0),)), near)
