"""Member documents: sealed, mutable, owned, shredded with the member."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select, update

from holoptic.bootstrap import Services
from holoptic.clock import FixedClock
from holoptic.db import schema as t
from holoptic.vault.errors import ItemNotFound, ItemUnreadable


def test_save_update_list_delete(services: Services, clock: FixedClock) -> None:
    member = services.vault.add_member("Léa")
    doc = services.documents.save(member.id, "reveal.request", {"holder": "acme", "state": "sent"})
    clock.advance(timedelta(days=2))
    updated = services.documents.save(member.id, "reveal.request", {"state": "answered"}, doc.id)
    assert updated.created_at == doc.created_at < updated.updated_at
    assert [d.body for d in services.documents.list(member.id, "reveal.request")] == [
        {"state": "answered"}
    ]
    services.documents.delete(member.id, doc.id)
    assert services.documents.list(member.id) == []


def test_documents_are_sealed_and_owned(services: Services, engine: Engine) -> None:
    owner = services.vault.add_member("Owner")
    other = services.vault.add_member("Other")
    doc = services.documents.save(owner.id, "note", {"secret": "Zorglub-document"})
    with engine.connect() as conn:
        blob = conn.execute(select(t.member_documents.c.blob)).scalar_one()
    assert b"Zorglub" not in blob
    with pytest.raises(ItemNotFound):
        services.documents.get(other.id, doc.id)
    with pytest.raises(ItemNotFound):
        services.documents.save(other.id, "note", {}, doc.id)
    with engine.begin() as conn:
        conn.execute(update(t.member_documents).values(blob=blob[:-1] + b"\x00"))
    with pytest.raises(ItemUnreadable, match=doc.id):
        services.documents.get(owner.id, doc.id)


def test_documents_go_with_the_member(services: Services, engine: Engine) -> None:
    member = services.vault.add_member("Gone")
    services.documents.save(member.id, "note", {"x": 1})
    services.vault.delete_member(member.id)
    with engine.connect() as conn:
        assert conn.execute(select(t.member_documents)).first() is None
