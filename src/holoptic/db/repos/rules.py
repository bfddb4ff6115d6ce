"""Rows of usage rules. A rule is never edited: it is retired and a new one added."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from holoptic.db import schema as t
from holoptic.db.repos.vault import utc
from holoptic.rules.codec import rule_body, rule_from_body
from holoptic.rules.model import Rule

CHUNK = 400
_ONE_MEMBER = (
    select(t.usage_rules)
    .where(t.usage_rules.c.member_id == bindparam("member"), t.usage_rules.c.retired_at.is_(None))
    .order_by(t.usage_rules.c.created_at, t.usage_rules.c.id)
)


def _rule(row: Mapping[Any, Any]) -> Rule:
    return rule_from_body(
        row["id"], row["member_id"], row["effect"], json.loads(row["body"]), utc(row["created_at"])
    )


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
        c = t.usage_rules.c
        found: dict[str, list[Rule]] = defaultdict(list)
        ids = sorted(set(member_ids))
        if len(ids) == 1:
            rows = self._c.execute(_ONE_MEMBER, {"member": ids[0]}).mappings()
            rules = [_rule(row) for row in rows]
            return {ids[0]: rules} if rules else {}
        for start in range(0, len(ids), CHUNK):
            query = (
                select(t.usage_rules)
                .where(c.member_id.in_(ids[start : start + CHUNK]), c.retired_at.is_(None))
                .order_by(c.member_id, c.created_at, c.id)
            )
            for row in self._c.execute(query).mappings():
                found[row["member_id"]].append(_rule(row))
        return dict(found)

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
