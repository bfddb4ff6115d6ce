"""Helpers for reading ODRL values: properties checked, instants, integers, names.

Shared by the rule, constraint and duty readers so each says the same thing about the
same mistake.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from holoptic.rules import odrl_vocab as v
from holoptic.rules.errors import Problems, UnknownTerm, UnsupportedProperty, pointer_to
from holoptic.rules.jsonld import Node, Value

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def check_properties(
    node: Node, allowed: frozenset[str], what: str, problems: Problems, hints: dict[str, str]
) -> None:
    """A problem for each key no context defines and each property Holoptic would drop.

    Descriptive properties (Dublin Core, RDFS, SKOS, schema.org) are allowed anywhere.
    """
    for key in node.unknown_keys:
        problems.add(
            UnknownTerm,
            pointer_to(node.pointer, key),
            f"{key!r} is not defined by the @context (ODRL terms need the ODRL context)",
        )
    for iri, values in node.properties.items():
        if iri not in allowed and not iri.startswith(v.ANNOTATIONS):
            problems.add(
                UnsupportedProperty,
                values[0].pointer,
                f"{what} with {v.short(iri)} is not supported{hints.get(iri, '')}",
            )


def moment(value: Value) -> tuple[datetime, timedelta] | None:
    """The instant a dateTime (or date) literal names, and the step to the next one.

    A date is its first instant, UTC; a time without a zone is UTC. The step turns ODRL's
    exclusive and inclusive bounds into half-open periods: ``gt t`` starts at ``t + step``.
    """
    literal = value.literal()
    if literal is None or not isinstance(literal[0], str):
        return None
    text, kind = literal[0], literal[1]
    try:
        if kind == v.XSD + "date" or (kind is None and _DATE.fullmatch(text)):
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC), timedelta(days=1)
        if kind in (None, v.XSD + "dateTime", v.XSD + "dateTimeStamp"):
            at = datetime.fromisoformat(text)
            return (at if at.tzinfo else at.replace(tzinfo=UTC)), timedelta(microseconds=1)
    except ValueError:
        return None
    return None


def integer(value: Value) -> int | None:
    literal = value.literal()
    if literal is None or isinstance(literal[0], bool):
        return None
    raw = literal[0]
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and re.fullmatch(r"[+-]?\d+", raw.strip()):
        return int(raw)
    return None


def show(value: Value) -> str:
    iri = value.iri()
    return v.unknown(iri) if iri else repr(value.raw)


def not_an_iri(value: Value, what: str) -> tuple[type[UnknownTerm] | None, str]:
    """Why ``value`` names no IRI: an undefined word (``UnknownTerm``) or a wrong shape."""
    if isinstance(value.raw, str):
        return (
            UnknownTerm,
            f"{value.raw!r} is not defined by the @context (ODRL words need the ODRL context)",
        )
    return None, f"{what} is written as a word or an IRI"
