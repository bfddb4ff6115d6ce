"""Loading the demo village through the ordinary services, once.

Each villager is added with the data stored directly for them in one transaction, so an
interrupted load leaves whole villagers, never half of one; a later call finishes the
job (villagers whose address is already there are skipped). The first villagers bring
export files instead (``exports``): those are written to a temporary folder, imported
through the import service exactly as a member's upload would be (one transaction per
file), and deleted. An import that was cut short is completed by the next load: files
already imported are recognised and skipped. A village that is complete is left alone.
Only the two demo logins get a password: Argon2 is slow on purpose, and the other
villagers never sign in.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from holoptic.demo import exports
from holoptic.demo.commons import load_commons
from holoptic.demo.generate import records_for, roster
from holoptic.demo.money import load_money
from holoptic.demo.people import CAMILLE_EMAIL, STEWARD_EMAIL, Resident
from holoptic.errors import HolopticError
from holoptic.importers.model import ImportReport
from holoptic.vault.model import BatchStatus, Community, Record, Role

if TYPE_CHECKING:
    from holoptic.bootstrap import Services

SLUG = "valmont"
NAME = "Valmont-sur-Lize"
PASSWORD = "valmont-demo"  # noqa: S105 (the published demo password)


class DemoImportFailed(HolopticError):
    """A demo export did not import: the demo's files and the importers disagree (a bug)."""

    code = "demo.import_failed"
    status = 500


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


RecordsByKind = dict[str, list[Record]]
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
    if (
        community is not None
        and _count_members(services, community) >= len(people)
        and _imports_complete(services, people)
    ):
        load_commons(services, seed)
        load_money(services, seed)
        return _summary(services, community, created=False)
    if community is None:
        community = services.vault.create_community(SLUG, NAME)
        present: dict[str | None, str] = {}
    else:
        present = {member.email: member.id for member in services.vault.members(SLUG)}
    for done, person in enumerate(people, start=1):
        member_id = present.get(person.email)
        if member_id is None:
            _add_resident(services, seed, person)
        elif not _imported(services, member_id, person):
            _import_exports(services, seed, person, member_id, records_for(seed, person))
        if progress is not None:
            progress(done, len(people))
    for login in LOGINS:
        _ensure_account(services, login)
    load_commons(services, seed)
    load_money(services, seed)
    return _summary(services, community, created=True)


def _community(services: Services) -> Community | None:
    with services.uow() as uow:
        return uow.vault.get_community_by_slug(SLUG)


def _count_members(services: Services, community: Community) -> int:
    with services.uow() as uow:
        return uow.vault.count_members(community.id)


def _add_resident(services: Services, seed: int, person: Resident) -> None:
    records = records_for(seed, person)  # generated before the transaction opens
    imported = exports.imported_kinds(person)
    with services.uow() as uow:
        member = services.vault.add_member_in(
            uow.vault, person.name, person.email, SLUG, Role(person.role), person.lang
        )
        for kind, rows in records.items():
            if kind not in imported:
                services.items.store_in(uow.vault, member.id, kind, rows)
    if imported:
        _import_exports(services, seed, person, member.id, records)


def _imported(services: Services, member_id: str, person: Resident) -> bool:
    """Whether every export file of this villager has been imported (trivially, when none)."""
    wanted = exports.planned(person)
    if not wanted:
        return True
    done = {b.file_name for b in services.items.batches(member_id) if b.status is BatchStatus.DONE}
    return done.issuperset(wanted)


def _imports_complete(services: Services, people: list[Resident]) -> bool:
    for person in people:
        if exports.takes_part(person):
            member = services.vault.find_by_email(person.email)
            if member is None or not _imported(services, member.id, person):
                return False
    return True


def _import_exports(
    services: Services, seed: int, person: Resident, member_id: str, records: RecordsByKind
) -> None:
    """Write the villager's export files, import them as an upload would, delete them."""
    with tempfile.TemporaryDirectory(prefix="holoptic-demo-") as folder:
        paths = exports.write(Path(folder), seed, person, records)
        report = services.imports.run(member_id, paths)
    _check(report, person)


def _check(report: ImportReport, person: Resident) -> None:
    """Every file imported, and each one the loader meant: anything else is a bug to see."""
    failed = [f"{f.path}: {f.error.code}" for f in report.files if f.error is not None]
    imported = {f.path for f in report.files if f.format is not None}
    missing = sorted(set(exports.planned(person)) - imported)
    if failed or missing:
        problems = "; ".join(failed + [f"{path}: not recognised" for path in missing])
        raise DemoImportFailed(f"the demo exports of {person.email} did not import: {problems}")


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
