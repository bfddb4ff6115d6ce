"""A member's rules: add, retire, list, and ODRL in and out.

A rule is never edited in place: changing one retires it and adds another, so every
use can be checked, years later, against the rule it cited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from types import TracebackType
from typing import Any, Protocol

from holoptic.clock import Clock
from holoptic.errors import InvalidInput, NotFound
from holoptic.rules.model import Aggregation, Rule
from holoptic.rules.ports import RuleRepository
from holoptic.rules.taxonomy import PERSONAL_DATA, PURPOSE, Taxonomy
from holoptic.vault.service import new_id

MAX_RULES = 200  # per member, in force


class InvalidRule(InvalidInput):
    code = "rules.invalid_rule"


class RuleNotFound(NotFound):
    code = "rules.not_found"


class RuleUnitOfWork(Protocol):
    @property
    def rules(self) -> RuleRepository: ...

    def __enter__(self) -> RuleUnitOfWork: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class RuleService:
    def __init__(self, uow: Callable[[], RuleUnitOfWork], taxonomy: Taxonomy, clock: Clock) -> None:
        self._uow = uow
        self.taxonomy = taxonomy
        self._clock = clock

    def rules(self, member_id: str) -> list[Rule]:
        with self._uow() as uow:
            return uow.rules.in_force(member_id)

    def rule(self, member_id: str, rule_id: str) -> Rule:
        with self._uow() as uow:
            rule = uow.rules.get(rule_id)
        if rule is None or rule.member_id != member_id:
            raise RuleNotFound(f"no rule {rule_id} for this member", rule_id=rule_id)
        return rule

    def add(self, rule: Rule) -> Rule:
        """Store a new rule (its id and time are given here)."""
        return self.add_many(rule.member_id, [rule])[0]

    def add_many(self, member_id: str, rules: list[Rule], replace_all: bool = False) -> list[Rule]:
        """Add rules in one transaction; ``replace_all`` retires the member's others."""
        now = self._clock.now()
        fresh = [
            replace(r, id=r.id or new_id(), member_id=member_id, created_at=now) for r in rules
        ]
        for rule in fresh:
            check_rule(rule, self.taxonomy)
        with self._uow() as uow:
            current = uow.rules.in_force(member_id)
            if replace_all:
                for old in current:
                    uow.rules.retire(old.id, now)
                current = []
            if len(current) + len(fresh) > MAX_RULES:
                raise InvalidRule(f"a member has at most {MAX_RULES} rules in force")
            stored: list[Rule] = []
            for rule in fresh:
                if uow.rules.get(rule.id) is not None:  # an id we gave before: a new version
                    rule = replace(rule, id=new_id())
                uow.rules.add(rule)
                stored.append(rule)
            return stored

    def retire(self, member_id: str, rule_id: str) -> None:
        self.rule(member_id, rule_id)
        with self._uow() as uow:
            if not uow.rules.retire(rule_id, self._clock.now()):
                raise RuleNotFound(f"rule {rule_id} is already retired", rule_id=rule_id)

    def import_odrl(self, member_id: str, document: Any, replace_all: bool = False) -> list[Rule]:
        from holoptic.rules.odrl import rules_from_odrl

        rules = rules_from_odrl(document, member_id, self.taxonomy, new_id)
        return self.add_many(member_id, rules, replace_all)

    def export_odrl(self, member_id: str) -> dict[str, Any]:
        from holoptic.rules.odrl import rules_to_odrl

        return rules_to_odrl(self.rules(member_id), member_id, f"urn:holoptic:policy:{member_id}")


def check_rule(rule: Rule, taxonomy: Taxonomy) -> None:
    """Raise ``InvalidRule`` listing every problem of a rule."""
    problems = _term_problems(rule, taxonomy) + _shape_problems(rule)
    if problems:
        raise InvalidRule("; ".join(problems), problems=problems)


def _term_problems(rule: Rule, taxonomy: Taxonomy) -> list[str]:
    problems: list[str] = []
    for category in rule.categories:
        if not taxonomy.covers(PERSONAL_DATA, category):
            problems.append(f"{category!r} is not a DPV personal-data category")
    for purpose in rule.purposes:
        if not taxonomy.covers(PURPOSE, purpose):
            problems.append(f"{purpose!r} is not a DPV purpose")
    return problems


def _shape_problems(rule: Rule) -> list[str]:
    problems: list[str] = []
    if rule.min_group_size is not None:
        if not 2 <= rule.min_group_size <= 100_000:
            problems.append("a minimum group size is between 2 and 100000")
        if not rule.aggregation.grouped:
            problems.append("a minimum group size needs an aggregate or DP level")
    if rule.aggregation is Aggregation.AGGREGATE and rule.min_group_size is None:
        problems.append("aggregate-only rules name a minimum group size")
    for period in (rule.validity, rule.data_period):
        if period and period.start and period.end and period.end <= period.start:
            problems.append("a period ends before it starts")
    for duty in rule.duties:
        if duty.amount is not None and (duty.amount < 0 or not duty.currency):
            problems.append("a reward is a non-negative amount in a named currency")
    return problems
