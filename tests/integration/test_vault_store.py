"""Members, items and content addressing on both backends."""

from __future__ import annotations

import pytest

from holoptic.bootstrap import Services
from holoptic.vault.errors import DuplicateEmail, ItemNotFound, MemberNotFound, UnknownKind


def test_member_round_trip(services: Services) -> None:
    member = services.vault.add_member("Aline Marchal", "aline@example.org")
    again = services.vault.member(member.id)
    assert again.name == "Aline Marchal"
    assert again.email == "aline@example.org"
    assert services.vault.find_by_email("ALINE@example.org ") == again


def test_duplicate_email_is_refused_and_adds_nothing(services: Services) -> None:
    services.vault.add_member("Aline", "aline@example.org")
    with pytest.raises(DuplicateEmail):
        services.vault.add_member("Other", "aline@example.org")
    assert len(services.vault.members()) == 1


def test_restoring_the_same_records_adds_nothing(services: Services) -> None:
    member = services.vault.add_member("Bruno")
    records = [
        {"time": "2026-03-01T08:00:00Z", "lat": 45.1, "lon": 5.7},
        {"time": "2026-03-01T09:00:00Z", "lat": 45.2, "lon": 5.8},
        {"time": "2026-03-02T09:00:00+02:00", "lat": 45.3, "lon": 5.9},
    ]
    first = services.items.store(member.id, "location.point", records)
    assert (first.items_added, first.records_added, first.records_duplicate) == (2, 3, 0)
    second = services.items.store(member.id, "location.point", records)
    assert (second.items_added, second.records_added, second.records_duplicate) == (0, 0, 3)
    overlap = services.items.store(
        member.id, "location.point", [*records[1:], {"time": "2026-03-02T10:00:00Z", "lat": 1}]
    )
    assert (overlap.items_added, overlap.records_added, overlap.records_duplicate) == (1, 1, 2)
    summary = {s.kind: s for s in services.items.summary(member.id)}
    assert summary["location.point"].records == 4
    assert summary["location.point"].items == 3


def test_atomic_items_dedupe_by_content(services: Services) -> None:
    member = services.vault.add_member("Chloé")
    audience = {"advertiser": "Example Shoes", "audience": "data_file"}
    first = services.items.store(member.id, "ads.custom_audience", [audience, audience])
    assert (first.items_added, first.records_duplicate) == (1, 1)
    item, records = services.items.read(member.id, first.item_ids[0])
    assert records == [audience]
    assert item.day is None


def test_items_are_visible_to_their_owner_only(services: Services) -> None:
    owner = services.vault.add_member("Owner")
    other = services.vault.add_member("Other")
    stored = services.items.store(owner.id, "ads.interest", [{"interest": "Cycling"}])
    with pytest.raises(ItemNotFound):
        services.items.read(other.id, stored.item_ids[0])


def test_unknown_kind_is_a_clear_error(services: Services) -> None:
    member = services.vault.add_member("Dan")
    with pytest.raises(UnknownKind, match="known kinds"):
        services.items.store(member.id, "nonsense.kind", [{"x": 1}])


def test_deleted_member_data_is_gone(services: Services) -> None:
    member = services.vault.add_member("Eve", "eve@example.org")
    services.items.store(member.id, "ads.interest", [{"interest": "Gardening"}])
    services.vault.delete_member(member.id)
    with services.uow() as uow:
        assert uow.vault.count_items(member.id) == 0
        assert uow.vault.get_wrapped_key(member.id) is None
    assert services.vault.find_by_email("eve@example.org") is None
    with pytest.raises(MemberNotFound):
        services.items.items(member.id)


def test_a_visit_whose_title_changed_is_still_the_same_visit(services: Services) -> None:
    member = services.vault.add_member("Gaston")
    visit = {"time": "2026-03-01T08:00:00Z", "url": "https://ex.org/", "browser": "firefox"}
    first = services.items.store(member.id, "browsing.visit", [{**visit, "title": "Old"}])
    assert first.records_added == 1
    later = services.items.store(
        member.id,
        "browsing.visit",
        [{**visit, "title": "New", "duration_s": 4}, {**visit, "time": "2026-03-01T09:00:00Z"}],
    )
    assert (later.records_added, later.records_duplicate) == (1, 1)
