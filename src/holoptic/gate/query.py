"""Checking a request before anything is decided, and what of it is recorded."""

from __future__ import annotations

from typing import Any

from holoptic.gate.errors import InvalidUseRequest
from holoptic.gate.model import MAX_CATEGORIES, MAX_MEMBERS, UseQuery
from holoptic.rules.taxonomy import PERSONAL_DATA, PURPOSE, Taxonomy
from holoptic.vault.kinds import KINDS


def check_query(query: UseQuery, taxonomy: Taxonomy) -> None:
    """Raise ``InvalidUseRequest`` listing every problem of a malformed request."""
    problems = _term_problems(query, taxonomy) + _shape_problems(query)
    if problems:
        raise InvalidUseRequest("; ".join(problems), problems=problems)


def _term_problems(query: UseQuery, taxonomy: Taxonomy) -> list[str]:
    problems: list[str] = []
    if not taxonomy.covers(PURPOSE, query.purpose) or query.purpose == PURPOSE:
        problems.append(f"purpose {query.purpose!r} is not a DPV purpose Holoptic knows")
    if not query.categories:
        problems.append("name at least one personal-data category")
    if len(query.categories) > MAX_CATEGORIES:
        problems.append(f"at most {MAX_CATEGORIES} categories per request")
    for category in query.categories:
        if not taxonomy.covers(PERSONAL_DATA, category):
            problems.append(f"category {category!r} is not a DPV personal-data category")
    return problems


def _shape_problems(query: UseQuery) -> list[str]:
    problems: list[str] = []
    if query.members is not None and not 0 < len(query.members) <= MAX_MEMBERS:
        problems.append(f"name 1 to {MAX_MEMBERS} members, or none for every member")
    period = query.period
    if period and period.start and period.end and period.end <= period.start:
        problems.append("the period ends before it starts")
    for bound in (period.start, period.end) if period else ():
        if bound is not None and bound.utcoffset() is None:
            problems.append("period bounds need a time zone")
    return problems


def expand_categories(requested: tuple[str, ...], taxonomy: Taxonomy) -> list[str]:
    """The concrete categories the vault files items under that the request covers."""
    stored = sorted({spec.category for spec in KINDS.values()})
    return [c for c in stored if any(taxonomy.covers(r, c) for r in requested)]


def query_document(query: UseQuery) -> dict[str, Any]:
    period = query.period
    return {
        "purpose": query.purpose,
        "categories": list(query.categories),
        "members": list(query.members) if query.members is not None else None,
        "period": {
            "start": period.start.isoformat() if period.start else None,
            "end": period.end.isoformat() if period.end else None,
        }
        if period
        else None,
        "aggregation": query.aggregation.value,
        "grant": query.grant_id,
        "spatial": query.spatial,
    }
