"""Loading the demo village through the services, on both backends.

The first villagers' data arrives through real imports of the export files the demo
writes: these tests check the import batches, what they brought, and that loading again
(or after an interruption) adds nothing twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from holoptic.bootstrap import Services
from holoptic.demo import espi, exports, load_demo
from holoptic.demo.generate import ALL_KINDS, records_for, roster
from holoptic.demo.load import PASSWORD, SLUG, DemoImportFailed
from holoptic.demo.people import ENERGY, Resident
from holoptic.vault.model import BatchStatus, Record, Role

CAMILLE = "camille.martin@valmont.example"
STEWARD = "steward@valmont.example"
IMPORTED_ONLY = frozenset(
    {"location.track", "browsing.request", "search.query", "activity.event", "ads.interaction"}
)
CAMILLE_SOURCES = {
    "activity.event": {"google.my_activity"},
    "ads.custom_audience": {"meta.custom_audiences"},
    "ads.interaction": {"meta.ad_interactions"},
    "ads.interest": {"meta.ad_interests"},
    "ads.off_platform": {"meta.off_platform"},
    "browsing.request": {"har"},
    "browsing.visit": {"google.chrome_history"},
    "energy.interval": {"greenbutton"},
    "location.point": {"google.location_records"},
    "location.track": {"gpx"},
    "search.query": {"google.my_activity"},
}


def _items(services: Services) -> int:
    return sum(
        summary.items
        for member in services.vault.members(SLUG)
        for summary in services.items.summary(member.id)
    )


def _records(services: Services, member_id: str, kind: str) -> list[Record]:
    found: list[Record] = []
    for item in services.items.items(member_id, kind):
        found.extend(services.items.read(member_id, item.id)[1])
    return found


def _member_id(services: Services, person: Resident) -> str:
    member = services.vault.find_by_email(person.email)
    assert member is not None
    return member.id


def _batches(services: Services) -> dict[str, list[tuple[str, str, BatchStatus]]]:
    return {
        member.email or "": [
            (batch.file_name, batch.format, batch.status)
            for batch in services.items.batches(member.id)
        ]
        for member in services.vault.members(SLUG)
    }


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
    kinds = {summary.kind for summary in services.items.summary(camille.id)}
    assert kinds == ALL_KINDS | IMPORTED_ONLY
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
    batches = _batches(services)
    again = load_demo(services, members=12)
    assert not again.created
    assert (again.members, again.items) == (first.members, first.items)
    assert _items(services) == first.items
    assert len(services.vault.members(SLUG)) == 12
    assert _batches(services) == batches  # no file imported twice


def test_a_bigger_village_adds_only_the_missing_villagers(services: Services) -> None:
    small = load_demo(services, members=6)
    batches = _batches(services)
    bigger = load_demo(services, members=8)
    assert bigger.created
    assert bigger.members == 8
    assert bigger.items > small.items
    emails = [member.email for member in services.vault.members(SLUG)]
    assert len(emails) == len(set(emails)) == 8
    grown = _batches(services)
    assert {email: grown[email] for email in batches} == batches  # nothing imported twice
    assert len(grown) == 8


def test_the_first_villagers_import_their_export_files(services: Services) -> None:
    load_demo(services, members=12)
    batches = _batches(services)
    for person in roster(7, 12):
        found = batches[person.email]
        assert sorted(name for name, _, _ in found) == sorted(exports.planned(person))
        assert all(status is BatchStatus.DONE for _, _, status in found)
    assert batches[STEWARD] == []  # the town hall holds no personal data
    formats = {fmt for found in batches.values() for _, fmt, _ in found}
    assert formats == {
        "google.location_records",
        "google.my_activity",
        "google.chrome_history",
        "meta.custom_audiences",
        "meta.ad_interactions",
        "meta.ad_interests",
        "meta.off_platform",
        "greenbutton",
        "gpx",
        "har",
    }


def test_each_home_counts_once_in_the_village_energy(services: Services) -> None:
    """Importing homes bring their meter in a Green Button file instead of directly."""
    load_demo(services, members=12)
    for person in roster(7, 12):
        if ENERGY not in person.kinds:
            continue
        member_id = _member_id(services, person)
        stats = [s for s in services.items.stats(member_id) if s.kind == ENERGY]
        expected = "greenbutton" if exports.takes_part(person) else "direct"
        assert [(s.source, s.records) for s in stats] == [(expected, 14 * 96)]
        readings = _records(services, member_id, ENERGY)
        total = sum(r.get("wh", r.get("value", 0)) for r in readings)
        assert total == sum(r["wh"] for r in records_for(7, person)[ENERGY])


def test_camille_data_comes_from_her_exports(services: Services) -> None:
    load_demo(services, members=12)
    camille = services.vault.find_by_email(CAMILLE)
    assert camille is not None
    sources: dict[str, set[str]] = {}
    for stat in services.items.stats(camille.id):
        sources.setdefault(stat.kind, set()).add(stat.source)
    assert sources == CAMILLE_SOURCES  # nothing stored directly
    points = _records(services, camille.id, "location.point")
    assert len({point["time"][:10] for point in points}) == 14
    advertisers = {r["advertiser"] for r in _records(services, camille.id, "ads.custom_audience")}
    assert any(not name.isascii() for name in advertisers)  # repaired accents…
    assert not any("Ã" in name for name in advertisers)  # …with no mojibake left
    hosts = {r["host"] for r in _records(services, camille.id, "browsing.request")}
    assert {"securepubads.g.doubleclick.net", "connect.facebook.net"} <= hosts
    (ad,) = _records(services, camille.id, "activity.event")
    assert ad["from_ads"] is True


def test_an_interrupted_import_is_completed_by_the_next_load(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = exports.write

    def killed(
        folder: Path, seed: int, person: Resident, records: Mapping[str, list[Record]]
    ) -> list[Path]:
        if person.index == 3:  # Sophie, the last of a four-member village
            raise KeyboardInterrupt
        return real_write(folder, seed, person, records)

    monkeypatch.setattr(exports, "write", killed)
    with pytest.raises(KeyboardInterrupt):
        load_demo(services, members=4)
    monkeypatch.setattr(exports, "write", real_write)
    sophie = roster(7, 4)[3]
    assert services.items.batches(_member_id(services, sophie)) == []
    again = load_demo(services, members=4)
    assert again.created and again.members == 4
    names = [batch.file_name for batch in services.items.batches(_member_id(services, sophie))]
    assert sorted(names) == sorted(exports.planned(sophie))
    assert not load_demo(services, members=4).created


def test_an_export_that_does_not_import_is_a_clear_error(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = b'<feed xmlns="http://www.w3.org/2005/Atom" xmlns:espi="http://naesb.org/espi"><entry>'
    monkeypatch.setattr(espi, "feed", lambda person, readings: broken)
    with pytest.raises(DemoImportFailed) as caught:
        load_demo(services, members=4)
    assert caught.value.code == "demo.import_failed"
    assert "regie-lize-green-button.xml: import.malformed" in caught.value.message
