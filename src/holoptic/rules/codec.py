"""Rules to and from the JSON body the database keeps (and the API shows)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from holoptic.rules.model import (
    Aggregation,
    ConsumerType,
    Duty,
    DutyAction,
    Effect,
    Period,
    Rule,
)


def rule_body(rule: Rule) -> dict[str, Any]:
    """Everything but the id, member, effect and creation time, which have columns."""
    return {
        "categories": sorted(rule.categories),
        "purposes": sorted(rule.purposes),
        "consumers": sorted(rule.consumers),
        "consumer_types": sorted(t.value for t in rule.consumer_types),
        "data_period": _period(rule.data_period),
        "validity": _period(rule.validity),
        "aggregation": rule.aggregation.value,
        "min_group_size": rule.min_group_size,
        "spatial": sorted(rule.spatial),
        "duties": [
            {"action": d.action.value, "amount": d.amount, "currency": d.currency}
            for d in rule.duties
        ],
    }


def rule_document(rule: Rule) -> dict[str, Any]:
    """The whole rule, as the API and the CLI show it."""
    created = rule.created_at.isoformat() if rule.created_at else None
    return {"id": rule.id, "effect": rule.effect.value, **rule_body(rule), "created_at": created}


def rule_from_body(
    rule_id: str, member_id: str, effect: str, body: dict[str, Any], created_at: datetime | None
) -> Rule:
    return Rule(
        id=rule_id,
        member_id=member_id,
        effect=Effect(effect),
        categories=frozenset(body.get("categories", ())),
        purposes=frozenset(body.get("purposes", ())),
        consumers=frozenset(body.get("consumers", ())),
        consumer_types=frozenset(ConsumerType(t) for t in body.get("consumer_types", ())),
        data_period=_read_period(body.get("data_period")),
        validity=_read_period(body.get("validity")),
        aggregation=Aggregation(body.get("aggregation", Aggregation.RAW.value)),
        min_group_size=body.get("min_group_size"),
        spatial=frozenset(body.get("spatial", ())),
        duties=tuple(
            Duty(DutyAction(d["action"]), d.get("amount"), d.get("currency"))
            for d in body.get("duties", ())
        ),
        created_at=created_at,
    )


def _period(period: Period | None) -> dict[str, str | None] | None:
    if period is None:
        return None
    return {
        "start": period.start.isoformat() if period.start else None,
        "end": period.end.isoformat() if period.end else None,
    }


def _read_period(value: Any) -> Period | None:
    if not value:
        return None
    start, end = value.get("start"), value.get("end")
    return Period(
        datetime.fromisoformat(start) if start else None,
        datetime.fromisoformat(end) if end else None,
    )
