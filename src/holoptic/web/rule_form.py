"""The rule editor's sentence form: "Allow public bodies to use my location data for
urban planning, as aggregates of at least 10 people, until 31 Dec 2027", parsed into a
``Rule``. Choices come from the terms Holoptic ships (they have French labels)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from holoptic.rules.model import Aggregation, ConsumerType, Effect, Period, Rule
from holoptic.rules.taxonomy import PERSONAL_DATA, PURPOSE, builtin_taxonomy

ANYONE = "anyone"


@dataclass(frozen=True)
class RuleForm:
    effect: str = Effect.PERMIT.value
    who: str = ANYONE
    category: str = PERSONAL_DATA
    purpose: str = PURPOSE
    level: str = Aggregation.AGGREGATE.value
    group: str = "10"
    until: str = ""

    def choices(self, lang: str) -> dict[str, list[tuple[str, str]]]:
        taxonomy = builtin_taxonomy()

        def terms(root: str) -> list[tuple[str, str]]:
            found = [(i, taxonomy.label(i, lang)) for i in taxonomy.narrower(root) if i != root]
            first = (root, taxonomy.label(root, lang))
            return [first, *sorted(found, key=lambda pair: pair[1].lower())]

        return {"categories": terms(PERSONAL_DATA), "purposes": terms(PURPOSE)}

    def to_rule(self, member_id: str) -> tuple[Rule | None, list[str]]:
        """The rule, or the problems (message ids for the page) that prevent it."""
        problems: list[str] = []
        effect = _enum(Effect, self.effect, problems)
        level = _enum(Aggregation, self.level, problems)
        types: frozenset[ConsumerType] = frozenset()
        if self.who != ANYONE:
            found = _enum(ConsumerType, self.who, problems)
            types = frozenset({found}) if found else frozenset()
        group = _group(self.group, level, problems)
        until = _until(self.until, problems)
        if problems or effect is None or level is None:
            return None, problems
        rule = Rule(
            id="",
            member_id=member_id,
            effect=effect,
            categories=_one(self.category, PERSONAL_DATA),
            purposes=_one(self.purpose, PURPOSE),
            consumer_types=types,
            aggregation=level if effect is Effect.PERMIT else Aggregation.RAW,
            min_group_size=group if effect is Effect.PERMIT else None,
            validity=Period(None, until) if until else None,
        )
        return rule, []


def _enum(kind: Any, value: str, problems: list[str]) -> Any:
    try:
        return kind(value)
    except ValueError:
        problems.append("choose one of the options offered")
        return None


def _one(value: str, root: str) -> frozenset[str]:
    return frozenset() if value == root else frozenset({value})


def _group(value: str, level: Aggregation | None, problems: list[str]) -> int | None:
    if level is None or not level.grouped:
        return None
    try:
        size = int(value)
    except ValueError:
        size = 0
    if not 2 <= size <= 100_000:
        problems.append("aggregates need a group of at least 2 people")
        return None
    return size


def _until(value: str, problems: list[str]) -> datetime | None:
    if not value.strip():
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        problems.append("the end date is not a date")
        return None
    return datetime.combine(day, time.max, tzinfo=UTC)
