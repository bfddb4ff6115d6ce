"""The demo's gate: consumers, residents' rules, and uses that went through the gate.

The village's town hall studies mobility from aggregates, a university studies energy
use from pseudonymised data, a cycling association asks Camille directly, and an ad
network is refused. Every use went through the real gate, so the usage log, the grants
and "Uses of my data" show real entries with real proofs.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from holoptic.bootstrap import Services
from holoptic.demo.people import CAMILLE_EMAIL
from holoptic.gate.model import UseQuery
from holoptic.rules.model import (
    DPV,
    PD,
    Aggregation,
    ConsumerType,
    Duty,
    DutyAction,
    Effect,
    Period,
    Rule,
)

LOCATION = PD + "Location"
ENERGY = PD + "ServiceConsumptionBehaviour"
BROWSING = PD + "BrowsingBehaviour"
UNTIL = Period(None, datetime(2027, 12, 31, tzinfo=UTC))
CONSUMERS = (
    ("Mairie de Valmont-sur-Lize", ConsumerType.PUBLIC_BODY, "mairie@valmont.example"),
    ("Université Grenoble Alpes — Laboratoire énergie", ConsumerType.RESEARCH, "labo@uga.example"),
    ("Valmont à Vélo", ConsumerType.NON_PROFIT, "bonjour@valmont-a-velo.example"),
    ("AdNet Audiences", ConsumerType.COMMERCIAL, "sales@adnet.example"),
)


def load_commons(services: Services, seed: int = 7) -> int:
    """Create the demo's consumers, rules and uses once; returns the uses made now."""
    if services.consumers.list():
        return 0
    consumers = {}
    for name, kind, email in CONSUMERS:
        consumer = services.consumers.register(name, kind, email)
        services.consumers.approve(consumer.id)
        consumers[kind] = consumer.id
    members = [member.id for member in services.vault.members("valmont")]
    camille = services.vault.find_by_email(CAMILLE_EMAIL)
    rng = random.Random(seed)  # noqa: S311 (a reproducible demo, not a secret)
    for member_id in members:
        services.rules.add_many(member_id, _rules_for(rng, member_id))
    if camille is not None:
        services.rules.add_many(camille.id, _camille(camille.id, consumers), replace_all=True)
    return _uses(services, consumers, camille.id if camille else None)


def _rules_for(rng: random.Random, member_id: str) -> list[Rule]:
    rules = []
    if rng.random() < 0.7:
        rules.append(
            _permit(
                member_id,
                {LOCATION, ENERGY},
                {DPV + "PublicBenefit"},
                types={ConsumerType.PUBLIC_BODY},
                level=Aggregation.AGGREGATE,
                group=10,
            )
        )
    if rng.random() < 0.4:
        rules.append(
            _permit(
                member_id,
                {ENERGY},
                {DPV + "ResearchAndDevelopment"},
                types={ConsumerType.RESEARCH},
                level=Aggregation.PSEUDONYMISED,
            )
        )
    if rng.random() < 0.5:
        rules.append(
            Rule(
                "", member_id, Effect.PROHIBIT, consumer_types=frozenset({ConsumerType.COMMERCIAL})
            )
        )
    return rules


def _camille(member_id: str, consumers: dict[ConsumerType, str]) -> list[Rule]:
    reward = (Duty(DutyAction.REWARD, 50, "VAL"), Duty(DutyAction.NOTICE))
    return [
        _permit(
            member_id,
            {LOCATION},
            {DPV + "PublicPolicyMaking"},
            types={ConsumerType.PUBLIC_BODY},
            level=Aggregation.AGGREGATE,
            group=10,
        ),
        _permit(
            member_id,
            {ENERGY},
            {DPV + "CombatClimateChange"},
            types={ConsumerType.RESEARCH},
            level=Aggregation.PSEUDONYMISED,
            duties=reward,
        ),
        _permit(
            member_id,
            {LOCATION},
            {DPV + "ImproveTransportMobility"},
            consumers={consumers[ConsumerType.NON_PROFIT]},
            level=Aggregation.RAW,
            duties=reward,
        ),
        Rule("", member_id, Effect.PROHIBIT, categories=frozenset({BROWSING})),
        Rule("", member_id, Effect.PROHIBIT, purposes=frozenset({DPV + "Marketing"})),
    ]


def _permit(
    member_id: str,
    categories: set[str],
    purposes: set[str],
    *,
    types: set[ConsumerType] | None = None,
    consumers: set[str] | None = None,
    level: Aggregation,
    group: int | None = None,
    duties: tuple[Duty, ...] = (),
) -> Rule:
    return Rule(
        "",
        member_id,
        Effect.PERMIT,
        categories=frozenset(categories),
        purposes=frozenset(purposes),
        consumers=frozenset(consumers or ()),
        consumer_types=frozenset(types or ()),
        validity=UNTIL,
        aggregation=level,
        min_group_size=group,
        duties=duties,
    )


def _uses(services: Services, consumers: dict[ConsumerType, str], camille: str | None) -> int:
    gate = services.gate
    asks = [
        (
            ConsumerType.PUBLIC_BODY,
            UseQuery(DPV + "PublicPolicyMaking", (LOCATION,), aggregation=Aggregation.AGGREGATE),
        ),
        (
            ConsumerType.PUBLIC_BODY,
            UseQuery(DPV + "CombatClimateChange", (ENERGY,), aggregation=Aggregation.AGGREGATE),
        ),
        (
            ConsumerType.RESEARCH,
            UseQuery(DPV + "CombatClimateChange", (ENERGY,), aggregation=Aggregation.PSEUDONYMISED),
        ),
        (ConsumerType.COMMERCIAL, UseQuery(DPV + "TargetedAdvertising", (BROWSING, LOCATION))),
    ]
    if camille is not None:
        asks.append(
            (
                ConsumerType.NON_PROFIT,
                UseQuery(DPV + "ImproveTransportMobility", (LOCATION,), members=(camille,)),
            )
        )
        asks.append(
            (
                ConsumerType.PUBLIC_BODY,
                UseQuery(DPV + "PublicPolicyMaking", (LOCATION,), members=(camille,)),
            )
        )
    made = []
    for kind, query in asks:
        made.append(gate.request(query, consumer_id=consumers[kind]))
    first = made[0]
    if first.permitted:
        dataset = services.lineage.declare_dataset(
            consumers[ConsumerType.PUBLIC_BODY],
            "Mobilité quotidienne 2025",
            "Agrégats des déplacements des habitants, par jour.",
            [first.use_id],
        )
        services.lineage.declare_product(
            consumers[ConsumerType.PUBLIC_BODY],
            "Plan vélo de Valmont",
            "Tableau de bord du schéma cyclable communal.",
            [dataset.id],
            "https://valmont.example/plan-velo",
        )
    return len(made)
