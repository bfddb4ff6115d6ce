"""Hypothesis strategies for valid currency specs."""

from __future__ import annotations

import math
import string
from dataclasses import replace
from fractions import Fraction

from hypothesis import strategies as st

from holoptic.currency import categories
from holoptic.currency.model import (
    Circle,
    CreditLimit,
    CurrencySpec,
    Demurrage,
    Eligible,
    EuroBacked,
    ExchangeLink,
    FixedSupply,
    Issuance,
    MutualCredit,
    Perimeter,
    Polygon,
    Reputation,
    UniversalDividend,
    Zone,
)
from holoptic.currency.validate import SLUG

codes = st.text(alphabet=string.ascii_uppercase, min_size=3, max_size=8)
amounts = st.integers(min_value=1, max_value=10**12)
ids = st.uuids().map(str)
names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80
).filter(lambda name: name.strip() != "")


@st.composite
def limits(draw: st.DrawFn) -> CreditLimit:
    hard = draw(st.integers(0, 10**12))
    return CreditLimit(hard, draw(st.integers(0, hard)))


@st.composite
def dividends(draw: st.DrawFn) -> UniversalDividend:
    every = draw(st.integers(1, 30))
    eligible = draw(st.sampled_from(Eligible))
    return UniversalDividend(
        initial=draw(amounts),
        c=Fraction(draw(st.integers(1, 999)), 1000) / draw(st.sampled_from([1, 3, 7])),
        reevaluation_days=every * draw(st.integers(1, 400)),
        dividend_days=every,
        eligible=eligible,
        active_days=draw(st.integers(1, 365)) if eligible is Eligible.ACTIVE_MEMBERS else None,
    )


issuances: st.SearchStrategy[Issuance] = st.one_of(
    st.builds(FixedSupply, amounts, st.one_of(st.just("treasury"), ids)),
    st.builds(MutualCredit, limits(), limits()),
    dividends(),
    st.builds(EuroBacked, st.integers(0, 9_999), st.integers(1, 10_000)),
)


@st.composite
def demurrages(draw: st.DrawFn) -> Demurrage:
    period = draw(st.integers(1, 400))
    return Demurrage(
        rate_bp=draw(st.integers(1, 9_999)),
        period_days=period,
        exempt_base=draw(st.integers(0, 10**12)),
        grace_days=draw(st.integers(0, min(365, 4 * period))),
    )


@st.composite
def convex_polygons(draw: st.DrawFn, name: str) -> Polygon:
    """Points on a circle around a centre at increasing angles: convex, so simple."""
    lon, lat = draw(st.floats(-170, 170)), draw(st.floats(-80, 80))
    radius = draw(st.floats(0.01, 5))
    n = draw(st.integers(3, 12))
    turn = draw(st.floats(0, 2 * math.pi))
    angles = [turn + 2 * math.pi * k / n for k in range(n)]
    points = tuple((lon + radius * math.cos(a), lat + radius * math.sin(a)) for a in angles)
    return Polygon(name, points)


circle_centres = st.tuples(st.floats(-180, 180), st.floats(-90, 90))


@st.composite
def perimeters(draw: st.DrawFn) -> Perimeter:
    zone_names = draw(st.lists(names, min_size=1, max_size=4, unique=True))
    zones: list[Zone] = []
    for name in zone_names:
        if draw(st.booleans()):
            lon, lat = draw(circle_centres)
            zones.append(Circle(name, lon, lat, draw(st.floats(0.5, 2e7))))
        else:
            zones.append(draw(convex_polygons(name)))
    return Perimeter(tuple(zones))


positive_ratios = st.builds(Fraction, st.integers(1, 10**6), st.integers(1, 10**6))


@st.composite
def links(draw: st.DrawFn, own: str) -> tuple[ExchangeLink, ...]:
    targets = draw(st.lists(codes.filter(lambda code: code != own), max_size=3, unique=True))
    return tuple(
        ExchangeLink(
            to,
            draw(positive_ratios),
            draw(st.none() | amounts),
            draw(st.integers(0, 9_999)),
        )
        for to in targets
    )


reputations = st.builds(
    Reputation,
    st.lists(ids, max_size=4, unique=True).map(tuple),
    st.booleans(),
    st.builds(Fraction, st.integers(1, 100), st.just(100)),
    st.integers(1, 1000),
).filter(lambda r: r.stewards or r.pre_trusted)  # a valid spec has a source of trust


@st.composite
def specs(draw: st.DrawFn) -> CurrencySpec:
    code = draw(codes)
    issuance = draw(issuances)
    demurrage = draw(st.none() | demurrages())
    if isinstance(issuance, FixedSupply) and demurrage is not None:  # a base below the supply
        demurrage = replace(demurrage, exempt_base=min(demurrage.exempt_base, issuance.total - 1))
    exchange = draw(links(code))
    if isinstance(issuance, EuroBacked):  # euro-backed money redeems, it has no EUR link
        exchange = tuple(link for link in exchange if link.to != "EUR")
    return CurrencySpec(
        code=code,
        name=draw(names),
        decimals=draw(st.integers(0, 6)),
        version=draw(st.integers(1, 10**6)),
        effective_from=draw(st.dates()),
        community=draw(st.from_regex(SLUG, fullmatch=True)),
        issuance=issuance,
        demurrage=demurrage,
        perimeter=draw(st.none() | perimeters()),
        refused_categories=tuple(
            draw(st.lists(st.sampled_from([c.code for c in categories.CATEGORIES]), unique=True))
        ),
        exchange=exchange,
        reputation=draw(reputations),
    )
