"""Loading the demo village through the services, on both backends."""

from __future__ import annotations

from holoptic.bootstrap import Services
from holoptic.demo import load_demo
from holoptic.demo.generate import ALL_KINDS
from holoptic.demo.load import PASSWORD, SLUG
from holoptic.vault.model import Role

CAMILLE = "camille.martin@valmont.example"
STEWARD = "steward@valmont.example"


def _items(services: Services) -> int:
    return sum(
        summary.items
        for member in services.vault.members(SLUG)
        for summary in services.items.summary(member.id)
    )


def test_a_small_demo_loads_with_its_logins(services: Services) -> None:
    calls: list[tuple[int, int]] = []
    summary = load_demo(
        services, members=12, progress=lambda done, total: calls.append((done, total))
    )

    assert summary.created
    assert (summary.community_slug, summary.community_name) == (SLUG, "Valmont-sur-Lize")
    assert services.vault.community(SLUG).name == "Valmont-sur-Lize"
    assert summary.members == len(services.vault.members(SLUG)) == 12
    assert summary.items == _items(services) > 12
    assert calls == [(done, 12) for done in range(1, 13)]
    assert {(login.email, login.role) for login in summary.logins} == {
        (CAMILLE, "member"),
        (STEWARD, "steward"),
    }
    assert all(login.password == PASSWORD for login in summary.logins)


def test_camille_signs_in_and_has_every_kind(services: Services) -> None:
    load_demo(services, members=12)
    camille = services.identity.authenticate(CAMILLE, PASSWORD)
    assert camille.name == "Camille Martin"
    assert {summary.kind for summary in services.items.summary(camille.id)} == ALL_KINDS
    community = services.vault.community(SLUG)
    roles = {m.community_id: m.role for m in services.vault.memberships(camille.id)}
    assert roles == {community.id: Role.MEMBER}


def test_the_steward_signs_in_as_steward(services: Services) -> None:
    load_demo(services, members=12)
    steward = services.identity.authenticate(STEWARD, PASSWORD)
    community = services.vault.community(SLUG)
    roles = {m.community_id: m.role for m in services.vault.memberships(steward.id)}
    assert roles == {community.id: Role.STEWARD}


def test_loading_again_adds_nothing(services: Services) -> None:
    first = load_demo(services, members=12)
    again = load_demo(services, members=12)
    assert not again.created
    assert (again.members, again.items) == (first.members, first.items)
    assert _items(services) == first.items
    assert len(services.vault.members(SLUG)) == 12


def test_a_bigger_village_adds_only_the_missing_villagers(services: Services) -> None:
    small = load_demo(services, members=6)
    bigger = load_demo(services, members=8)
    assert bigger.created
    assert bigger.members == 8
    assert bigger.items > small.items
    emails = [member.email for member in services.vault.members(SLUG)]
    assert len(emails) == len(set(emails)) == 8
