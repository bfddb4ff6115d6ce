"""The rule engine: one member's rules against one request, category by category.

For each requested category: a prohibition that matches it denies it (prohibition
wins); otherwise a permission whose every constraint holds permits it; otherwise it is
denied. Each category's answer names the rules that gave it, and when nothing matched,
the rules that came closest and the constraint each one missed, so a member (and the
consumer) can read why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from holoptic.rules.model import (
    Decision,
    Duty,
    Effect,
    Outcome,
    Reason,
    ReasonCode,
    Rule,
    UseRequest,
)
from holoptic.rules.taxonomy import Taxonomy


def evaluate(rules: Sequence[Rule], request: UseRequest, taxonomy: Taxonomy) -> Decision:
    """Decide every category of ``request`` for the member whose ``rules`` are given."""
    permitted: list[str] = []
    denied: list[str] = []
    reasons: list[Reason] = []
    duties: dict[Duty, None] = {}
    for category in dict.fromkeys(request.categories):
        reason, rule = _decide_category(rules, request, category, taxonomy)
        reasons.extend(reason)
        if rule is not None and rule.effect is Effect.PERMIT:
            permitted.append(category)
            duties.update(dict.fromkeys(rule.duties))
        else:
            denied.append(category)
    outcome = Outcome.PERMIT if permitted else Outcome.DENY
    return Decision(outcome, tuple(permitted), tuple(denied), tuple(reasons), tuple(duties))


def _decide_category(
    rules: Sequence[Rule], request: UseRequest, category: str, taxonomy: Taxonomy
) -> tuple[list[Reason], Rule | None]:
    applicable = [rule for rule in rules if _covers_category(rule, category, taxonomy)]
    for effect in (Effect.PROHIBIT, Effect.PERMIT):
        for rule in _ordered(r for r in applicable if r.effect is effect):
            if _first_miss(rule, request, taxonomy) is None:
                code = ReasonCode.PROHIBITED if effect is Effect.PROHIBIT else ReasonCode.PERMITTED
                return [Reason(code, category, rule.id, _permit_detail(rule))], rule
    misses = [
        Reason(code, category, rule.id, detail)
        for rule in _ordered(r for r in applicable if r.effect is Effect.PERMIT)
        for code, detail in [_first_miss(rule, request, taxonomy) or (ReasonCode.PERMITTED, {})]
    ]
    return misses or [Reason(ReasonCode.NO_PERMISSION, category)], None


def _ordered(rules: Iterable[Rule]) -> list[Rule]:
    return sorted(rules, key=lambda rule: rule.id)


def _covers_category(rule: Rule, category: str, taxonomy: Taxonomy) -> bool:
    return not rule.categories or taxonomy.covers_any(rule.categories, category) is not None


Miss = tuple[ReasonCode, dict[str, object]]


def _first_miss(rule: Rule, request: UseRequest, taxonomy: Taxonomy) -> Miss | None:
    """The first constraint of ``rule`` the request does not meet (None: all are met).

    For a prohibition "met" means the prohibition applies. Aggregation and group size
    only limit permissions: a prohibition forbids a use at every level.
    """
    if rule.validity is not None and not rule.validity.contains(request.at):
        return ReasonCode.VALIDITY, _period_detail(rule.validity)
    if rule.purposes and taxonomy.covers_any(rule.purposes, request.purpose) is None:
        return ReasonCode.PURPOSE, {"purposes": sorted(rule.purposes)}
    if not _covers_consumer(rule, request):
        return ReasonCode.CONSUMER, {
            "consumers": sorted(rule.consumers),
            "consumer_types": sorted(t.value for t in rule.consumer_types),
        }
    if rule.spatial and request.spatial not in rule.spatial:
        return ReasonCode.SPATIAL, {"places": sorted(rule.spatial)}
    if rule.effect is Effect.PROHIBIT:
        return None
    if rule.data_period is not None and not rule.data_period.covers(request.period):
        return ReasonCode.PERIOD, _period_detail(rule.data_period)
    if not request.aggregation.at_least_as_coarse_as(rule.aggregation):
        return ReasonCode.AGGREGATION, {"finest": rule.aggregation.value}
    if request.aggregation.grouped and rule.min_group_size is not None:
        size = request.group_size
        if size is None or size < rule.min_group_size:
            return ReasonCode.GROUP_SIZE, {"minimum": rule.min_group_size, "size": size}
    return None


def _covers_consumer(rule: Rule, request: UseRequest) -> bool:
    if not rule.consumers and not rule.consumer_types:
        return True
    return request.consumer_id in rule.consumers or request.consumer_type in rule.consumer_types


def _period_detail(period: object) -> dict[str, object]:
    start = getattr(period, "start", None)
    end = getattr(period, "end", None)
    return {
        "start": start.isoformat() if start else None,
        "end": end.isoformat() if end else None,
    }


def _permit_detail(rule: Rule) -> dict[str, object]:
    detail: dict[str, object] = {}
    if rule.effect is Effect.PERMIT:
        detail["finest"] = rule.aggregation.value
        if rule.min_group_size is not None:
            detail["minimum"] = rule.min_group_size
    return detail
