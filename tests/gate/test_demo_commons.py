"""The demo village shows the gate at work: consumers, rules, grants, uses, lineage."""

from __future__ import annotations

import json

from holoptic.bootstrap import Services
from holoptic.demo.load import load_demo
from holoptic.demo.people import CAMILLE_EMAIL
from holoptic.trace.keys import create_log_key


def test_the_demo_has_uses_that_verify(services: Services) -> None:
    create_log_key(services.settings.keys_dir, "valmont.example/log")
    load_demo(services, members=40)
    consumers = {c.name: c for c in services.consumers.list()}
    assert len(consumers) == 4
    camille = services.vault.find_by_email(CAMILLE_EMAIL)
    assert camille is not None
    views = services.uses.for_member(camille.id)
    assert {v.part.outcome.value for v in views} == {"permit", "deny"}
    assert all(v.check.value == "verified" for v in views)
    rewarded = [v for v in views if v.part.duties]
    assert "Valmont à Vélo" in {v.consumer.name for v in rewarded if v.consumer}
    assert services.grants.grants(camille.id)
    refused = [v for v in views if v.use.consumer_id == consumers["AdNet Audiences"].id]
    assert all(v.part.outcome.value == "deny" for v in refused)
    lineage = json.loads(services.lineage.for_member(camille.id))
    assert "entity" in lineage
    load_demo(services, members=40)  # idempotent: no second round of uses
    assert len(services.uses.for_member(camille.id)) == len(views)


def test_the_demo_has_a_living_currency(services: Services) -> None:
    from datetime import UTC, datetime

    services.clock.current = datetime(2026, 11, 22, 9, tzinfo=UTC)  # type: ignore[attr-defined]
    create_log_key(services.settings.keys_dir, "valmont.example/log")
    load_demo(services, members=40)
    [report] = services.books.check("VAL")
    assert report.ok and report.transfers > 50
    camille = services.vault.find_by_email(CAMILLE_EMAIL)
    assert camille is not None
    document = services.currencies.document("VAL")
    assert document["issuance"] == "mutual_credit" and document["issued"] == 0
    with services.uow() as uow:
        categories = {t.category for t in uow.ledger.transfers("VAL")}
    assert "air_travel" not in categories  # refused by the village's rules
    assert "demurrage" in categories
