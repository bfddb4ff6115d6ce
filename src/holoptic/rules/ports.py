"""What the rule service and the gate need from storage (``holoptic.db.repos.rules``)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Protocol

from holoptic.rules.model import Rule


class RuleRepository(Protocol):
    def add(self, rule: Rule) -> None: ...
    def retire(self, rule_id: str, at: datetime) -> bool:
        """Retire a rule still in force; False when there was none."""
        ...

    def in_force(self, member_id: str) -> list[Rule]: ...
    def in_force_for(self, member_ids: Collection[str]) -> dict[str, list[Rule]]: ...
    def get(self, rule_id: str) -> Rule | None:
        """A rule, in force or retired (a use cites the rule it was decided by)."""
        ...

    def members_with_rules(self) -> list[str]:
        """Members with at least one rule in force: whom a request for everyone asks."""
        ...
