"""ODRL 2.2 JSON-LD out: a member's rules as one ``Set``, compact and readable.

Each rule becomes a permission or a prohibition whose ``uid`` is
``urn:holoptic:rule:<id>`` (so the file imports back to the same rules) and whose
assigner is ``urn:holoptic:member:<id>``. Every category is a target
(``dpv:PersonalData`` when the rule covers all); a single purpose is written with
``isA``, several with ``isAnyOf`` (both read with DPV's hierarchy); time bounds are
``gteq`` the start and ``lt`` the end, in UTC. Holoptic's own conditions use the
``hol:`` profile. A prohibition's duties are not written: the engine never attaches
them, and ODRL gives prohibitions no duties.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from holoptic.rules import odrl_vocab as v
from holoptic.rules.model import Aggregation, Duty, DutyAction, Effect, Period, Rule
from holoptic.rules.taxonomy import PERSONAL_DATA

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S")


def rules_to_odrl(rules: Sequence[Rule], member_id: str, policy_uid: str) -> dict[str, Any]:
    """An ODRL ``Set`` (JSON-LD, compacted with the ODRL context) holding ``rules``."""
    policy: dict[str, Any] = {
        "@context": v.CONTEXT,
        "@type": "Set",
        "uid": policy_uid,
        "profile": v.HOL_PROFILE,
    }
    assigner = v.MEMBER_URN + member_id
    permissions = [_rule(r, assigner) for r in rules if r.effect is Effect.PERMIT]
    prohibitions = [_rule(r, assigner) for r in rules if r.effect is Effect.PROHIBIT]
    if permissions:
        policy["permission"] = permissions
    if prohibitions:
        policy["prohibition"] = prohibitions
    return policy


def _rule(rule: Rule, assigner: str) -> dict[str, Any]:
    targets = [v.compact(iri) for iri in sorted(rule.categories)] or [v.compact(PERSONAL_DATA)]
    out: dict[str, Any] = {
        "uid": v.RULE_URN + rule.id,
        "assigner": assigner,
        "action": "use",
        "target": targets[0] if len(targets) == 1 else targets,
    }
    constraints = _constraints(rule)
    if constraints:
        out["constraint"] = constraints
    if rule.effect is Effect.PERMIT and rule.duties:
        out["duty"] = [_duty(duty) for duty in rule.duties]
    return out


def _constraints(rule: Rule) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if rule.purposes:
        purposes = [_iri(p) for p in sorted(rule.purposes)]
        found.append(_constraint("purpose", "isA" if len(purposes) == 1 else "isAnyOf", purposes))
    parties = [_iri(v.CONSUMER_URN + c) for c in sorted(rule.consumers)]
    parties += [_iri(v.CONSUMER_TYPE_IRIS[t]) for t in sorted(rule.consumer_types)]
    if parties:
        found.append(_constraint("recipient", "eq" if len(parties) == 1 else "isAnyOf", parties))
    if rule.spatial:
        places = [_place(place) for place in sorted(rule.spatial)]
        found.append(_constraint("spatial", "eq" if len(places) == 1 else "isAnyOf", places))
    found += _bounds("dateTime", rule.validity)
    found += _bounds("hol:dataPeriod", rule.data_period)
    if rule.aggregation is not Aggregation.RAW:
        level = _iri(v.AGGREGATION_IRIS[rule.aggregation])
        found.append(_constraint("hol:aggregation", "gteq", [level]))
    if rule.min_group_size is not None:
        found.append(_constraint("hol:minGroupSize", "gteq", [rule.min_group_size]))
    return found


def _constraint(left: str, operator: str, rights: list[Any]) -> dict[str, Any]:
    right = rights[0] if len(rights) == 1 and operator != "isAnyOf" else rights
    return {"leftOperand": left, "operator": operator, "rightOperand": right}


def _bounds(left: str, period: Period | None) -> list[dict[str, Any]]:
    if period is None:
        return []
    found = []
    if period.start is not None:
        found.append(_constraint(left, "gteq", [_moment(period.start)]))
    if period.end is not None:
        found.append(_constraint(left, "lt", [_moment(period.end)]))
    return found


def _moment(at: datetime) -> dict[str, str]:
    text = at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return {"@value": text, "@type": "xsd:dateTime"}


def _duty(duty: Duty) -> dict[str, Any]:
    if duty.action is DutyAction.NOTICE:
        return {"action": "inform"}
    if duty.amount is None:
        return {"action": "compensate"}
    refinement: dict[str, Any] = {
        "leftOperand": "payAmount",
        "operator": "eq",
        "rightOperand": {"@value": f"{Decimal(duty.amount) / 100:.2f}", "@type": "xsd:decimal"},
    }
    if duty.currency:
        refinement["unit"] = _place(duty.currency)
    return {"action": [{"rdf:value": {"@id": "odrl:compensate"}, "refinement": [refinement]}]}


def _iri(iri: str) -> dict[str, str]:
    return {"@id": v.compact(iri)}


def _place(value: str) -> str | dict[str, str]:
    """An IRI (anything with a scheme) as a node reference; any other text as a string."""
    return {"@id": value} if _SCHEME.match(value) else value
