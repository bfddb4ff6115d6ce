"""A small commons for the gate's tests: members with location and energy data, an
approved public body with a token, and rules written through the rule service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from holoptic.bootstrap import Services
from holoptic.consumers.model import Consumer
from holoptic.rules.model import DPV, PD, Aggregation, Effect, Rule
from holoptic.trace.keys import create_log_key
from tests.e2e.conftest import cli, database_url, ready  # noqa: F401  (CLI fixtures)

PLANNING = DPV + "PublicPolicyMaking"
PUBLIC_BENEFIT = DPV + "PublicBenefit"
MARKETING = DPV + "Marketing"
LOCATION = PD + "Location"
GPS = PD + "GPSCoordinate"
ENERGY = PD + "ServiceConsumptionBehaviour"


@dataclass
class Commons:
    services: Services
    members: list[str]
    consumer: Consumer
    token: str

    def permit(self, member_id: str, **fields: object) -> Rule:
        rule = Rule(id="", member_id=member_id, effect=Effect.PERMIT, **fields)  # type: ignore[arg-type]
        return self.services.rules.add(rule)

    def prohibit(self, member_id: str, **fields: object) -> Rule:
        rule = Rule(id="", member_id=member_id, effect=Effect.PROHIBIT, **fields)  # type: ignore[arg-type]
        return self.services.rules.add(rule)


def point(hour: int, day: int = 2) -> dict[str, object]:
    at = datetime(2025, 6, day, hour, tzinfo=UTC)
    return {"time": at.isoformat().replace("+00:00", "Z"), "lat": 45.1 + hour / 100, "lon": 5.7}


@pytest.fixture
def commons(services: Services) -> Commons:
    create_log_key(services.settings.keys_dir, "valmont.example/log")
    members = []
    for n in range(12):
        member = services.vault.add_member(f"Membre {n}", f"m{n}@valmont.example", "default")
        services.items.store(member.id, "location.point", [point(8 + n % 5), point(9, day=3)])
        members.append(member.id)
    consumer = services.consumers.register(
        "Mairie de Valmont", "public_body", "mairie@valmont.example"
    )
    services.consumers.approve(consumer.id)
    _, token = services.consumers.issue_token(consumer.id)
    return Commons(services, members, services.consumers.get(consumer.id), token)


__all__ = ["Aggregation", "Commons", "point"]
