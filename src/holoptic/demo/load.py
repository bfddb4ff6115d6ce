"""Loading the demo village through the ordinary services, once.

Each villager is added with all their data in one transaction, so an interrupted load
leaves whole villagers, never half of one; a later call finishes the job (villagers
whose address is already there are skipped). A village that is complete is left alone.
Only the two demo logins get a password: Argon2 is slow on purpose, and the other
villagers never sign in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from holoptic.demo.generate import records_for, roster
from holoptic.demo.people import CAMILLE_EMAIL, STEWARD_EMAIL, Resident
from holoptic.vault.model import Community, Role

if TYPE_CHECKING:
    from holoptic.bootstrap import Services

SLUG = "valmont"
NAME = "Valmont-sur-Lize"
PASSWORD = "valmont-demo"  # noqa: S105 (the published demo password)


@dataclass(frozen=True, slots=True)
class DemoLogin:
    email: str
    password: str
    role: str  # "member" or "steward"


@dataclass(frozen=True, slots=True)
class DemoSummary:
    community_slug: str
    community_name: str
    members: int
    items: int
    created: bool  # False when the demo was already loaded (idempotent)
    logins: tuple[DemoLogin, ...]


LOGINS = (
    DemoLogin(CAMILLE_EMAIL, PASSWORD, Role.MEMBER.value),
    DemoLogin(STEWARD_EMAIL, PASSWORD, Role.STEWARD.value),
)


def load_demo(
    services: Services,
    *,
    seed: int = 7,
    members: int = 300,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Create the village of ``members`` villagers, or report the one already there."""
    people = roster(seed, members)
    community = _community(services)
    if community is not None and _count_members(services, community) >= len(people):
        return _summary(services, community, created=False)
    if community is None:
        community = services.vault.create_community(SLUG, NAME)
        present: set[str | None] = set()
    else:
        present = {member.email for member in services.vault.members(SLUG)}
    for done, person in enumerate(people, start=1):
        if person.email not in present:
            _add_resident(services, seed, person)
        if progress is not None:
            progress(done, len(people))
    for login in LOGINS:
        _ensure_account(services, login)
    return _summary(services, community, created=True)


def _community(services: Services) -> Community | None:
    with services.uow() as uow:
        return uow.vault.get_community_by_slug(SLUG)


def _count_members(services: Services, community: Community) -> int:
    with services.uow() as uow:
        return uow.vault.count_members(community.id)


def _add_resident(services: Services, seed: int, person: Resident) -> None:
    records = records_for(seed, person)  # generated before the transaction opens
    with services.uow() as uow:
        member = services.vault.add_member_in(
            uow.vault, person.name, person.email, SLUG, Role(person.role), person.lang
        )
        for kind, rows in records.items():
            services.items.store_in(uow.vault, member.id, kind, rows)


def _ensure_account(services: Services, login: DemoLogin) -> None:
    member = services.vault.find_by_email(login.email)
    if member is None:
        return
    with services.uow() as uow:
        has_account = uow.identity.get_account(member.id) is not None
    if not has_account:
        services.identity.set_password(member.id, login.password)


def _summary(services: Services, community: Community, *, created: bool) -> DemoSummary:
    with services.uow() as uow:
        villagers = uow.vault.list_members(community.id)
        items = sum(uow.vault.count_items(villager.id) for villager in villagers)
    return DemoSummary(
        community_slug=community.slug,
        community_name=community.name,
        members=len(villagers),
        items=items,
        created=created,
        logins=LOGINS,
    )
