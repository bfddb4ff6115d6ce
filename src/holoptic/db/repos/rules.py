"""Rows of usage rules. A rule is never edited: it is retired and a new one added."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, insert, select, update

from holoptic.db import schema as t
from holoptic.db.repos.raw import driver_rows, marks, stored_time
from holoptic.rules.codec import rule_body, rule_from_body
from holoptic.rules.model import Rule

CHUNK = 400
_IN_FORCE = (  # the gate's read, on every request: straight to the driver (see ``uses``)
    "SELECT id, member_id, effect, body, created_at FROM usage_rules "
    "WHERE member_id IN ({members}) AND retired_at IS NULL ORDER BY member_id, created_at, id"
)


def _rule(row: Mapping[Any, Any]) -> Rule:
    return parsed_rule(row["id"], row["member_id"], row["effect"], row["body"], row["created_at"])


@lru_cache(maxsize=4096)
def parsed_rule(rule_id: str, member_id: str, effect: str, body: str, created_at: Any) -> Rule:
    """A stored rule, parsed. A rule row never changes (a new rule replaces it), and the
    key is the whole row as read, so this keeps parsing only: which rules are in force
    is read afresh on every request."""
    return rule_from_body(rule_id, member_id, effect, json.loads(body), stored_time(created_at))


class SqlRuleRepository:
    """Implements ``holoptic.rules.ports.RuleRepository``."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, rule: Rule) -> None:
        self._c.execute(
            insert(t.usage_rules).values(
                id=rule.id,
                member_id=rule.member_id,
                effect=rule.effect.value,
                body=json.dumps(rule_body(rule), sort_keys=True),
                created_at=rule.created_at,
            )
        )

    def retire(self, rule_id: str, at: datetime) -> bool:
        c = t.usage_rules.c
        result = self._c.execute(
            update(t.usage_rules)
            .where(c.id == rule_id, c.retired_at.is_(None))
            .values(retired_at=at)
        )
        return bool(result.rowcount)

    def in_force(self, member_id: str) -> list[Rule]:
        return self.in_force_for([member_id]).get(member_id, [])

    def in_force_for(self, member_ids: Collection[str]) -> dict[str, list[Rule]]:
        found: dict[str, list[Rule]] = {}
        ids = sorted(set(member_ids))
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            sql = _IN_FORCE.format(members=marks(len(chunk)))
            for row in driver_rows(self._c, sql, chunk):
                found.setdefault(row[1], []).append(parsed_rule(*row))
        return found

    def get(self, rule_id: str) -> Rule | None:
        row = (
            self._c.execute(select(t.usage_rules).where(t.usage_rules.c.id == rule_id))
            .mappings()
            .first()
        )
        return _rule(row) if row else None

    def members_with_rules(self) -> list[str]:
        c = t.usage_rules.c
        query = select(c.member_id).where(c.retired_at.is_(None)).distinct()
        return sorted(self._c.execute(query).scalars())
