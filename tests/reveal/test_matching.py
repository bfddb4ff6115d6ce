"""Matching holders to directory records: by domain, runs and name, and the member's word."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from holoptic.bootstrap import Services
from holoptic.reveal.errors import DirectoryRecordNotFound, HolderNotFound
from holoptic.reveal.matching import Entry, Matcher, normalise
from holoptic.reveal.model import Match
from holoptic.reveal.service import MATCH_DOCUMENT

ENTRIES = [
    Entry("exampletrack", "Exampletrack SAS", "https://www.exampletrack.example/"),
    Entry("blablacar", "Comuto SA", "https://www.blablacar.fr", ("BlaBlaCar",)),
    Entry(
        "meta",
        "Meta Platforms Ireland Ltd.",
        "https://www.facebook.com/",
        ("Messenger (www.messenger.com)", "Facebook Audience Network"),
    ),
    Entry("vinted-uab", "Vinted UAB", None, ("Vinted.fr", "Vinted.es")),
    Entry("vinted-uab-de", "Vinted UAB", "https://www.vinted.de", ("Vinted.de",)),
]
MATCHER = Matcher(ENTRIES)


@pytest.mark.parametrize(
    ("name", "normal"),
    [
        ("Meta Platforms Ireland Ltd.", "meta platforms ireland"),
        ("Deezer S.A.", "deezer"),
        ("Booking.com B.V.", "booking com"),
        ("Müller GmbH & Co. KG", "muller"),
        ("SAS", "sas"),  # a name is never emptied
    ],
)
def test_names_are_normalised_without_legal_suffixes(name: str, normal: str) -> None:
    assert normalise(name) == normal


def test_domain_match() -> None:
    match = MATCHER.match("Something Else Entirely", ["cdn.exampletrack.example"])
    assert match == Match("exampletrack", 0.95, "domain")
    assert MATCHER.match("Meta Platforms", ["facebook.com"]) == Match("meta", 0.95, "domain")
    assert MATCHER.match("booking", ["nothing.example"]) is None


def test_runs_match_by_name_and_by_domain() -> None:
    assert MATCHER.match("BlaBlaCar") == Match("blablacar", 0.9, "runs")
    assert MATCHER.match("Facebook Audience Network") == Match("meta", 0.9, "runs")
    assert MATCHER.match("Messenger", ["messenger.com"]) == Match("meta", 0.9, "runs")
    # A tagline is not part of the name; of two records running it, the closer one wins.
    assert MATCHER.match("Vinted - Buy and sell clothes") == Match("vinted-uab", 0.9, "runs")
    assert MATCHER.match("vinted.de") == Match("vinted-uab-de", 0.95, "domain")


def test_fuzzy_name_match_says_how_sure_it_is() -> None:
    exact = MATCHER.match("EXAMPLETRACK")
    assert exact == Match("exampletrack", 0.9, "name")
    typo = MATCHER.match("Exampletrak Ltd")
    assert typo is not None and (typo.directory_slug, typo.method) == ("exampletrack", "name")
    assert 0.76 < typo.confidence < 0.85
    assert MATCHER.match("Zebra Insurance") is None
    assert MATCHER.match("bla") is None  # a short name inside a long one is not a match


def _directory(folder: Path, records: list[dict[str, object]]) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "companies.json").write_text(json.dumps(records))
    return str(folder)


TRACK = {"slug": "exampletrack", "name": "Exampletrack SAS", "email": "dpo@exampletrack.example"}
OTHER = {"slug": "other-co", "name": "Other Co", "email": "privacy@other.example"}


def _member_seen_by(services: Services, company: str) -> str:
    member = services.vault.add_member("Ada")
    record = {"time": "2024-02-01T10:00:00Z", "company": company, "event": "PAGE_VIEW"}
    services.items.store(member.id, "ads.off_platform", [record])
    return member.id


def test_a_later_sync_rematches_on_the_next_report(services: Services, tmp_path: Path) -> None:
    member = _member_seen_by(services, "Exampletrack")
    assert services.reveal.holder(member, "exampletrack").contact is None  # no directory yet
    services.reveal.sync_directory(_directory(tmp_path / "v1", [OTHER]))
    first = services.reveal.report(member)
    assert services.reveal.holder(member, "exampletrack").match is None
    services.reveal.sync_directory(_directory(tmp_path / "v2", [OTHER, TRACK]))
    second = services.reveal.report(member)
    assert first.reference["datenanfragen"] != second.reference["datenanfragen"]
    holder = services.reveal.holder(member, "exampletrack")
    assert holder.match == Match("exampletrack", 0.9, "name")
    assert holder.contact is not None and holder.contact.email == "dpo@exampletrack.example"


def test_a_members_confirmation_overrides_the_matcher(services: Services, tmp_path: Path) -> None:
    services.reveal.sync_directory(_directory(tmp_path, [TRACK, OTHER]))
    member = _member_seen_by(services, "Exampletrack")
    neighbour = _member_seen_by(services, "Exampletrack")
    services.reveal.confirm_match(member, "exampletrack", "other-co")
    holder = services.reveal.holder(member, "exampletrack")
    assert holder.match == Match("other-co", 1.0, "confirmed")
    assert holder.contact is not None and holder.contact.email == "privacy@other.example"
    assert services.reveal.holder(neighbour, "exampletrack").match == Match(
        "exampletrack", 0.9, "name"
    )  # one member's choice is theirs alone
    services.reveal.confirm_match(member, "exampletrack", None)
    holder = services.reveal.holder(member, "exampletrack")
    assert (holder.match, holder.contact) == (None, None)
    documents = services.documents.list(member, MATCH_DOCUMENT)
    assert [d.body for d in documents] == [{"holder": "exampletrack", "directory": None}]
    with services.uow() as uow:  # sealed: the holder's name is not in the row in clear
        (sealed,) = uow.documents.list_documents(member, MATCH_DOCUMENT)
        assert b"exampletrack" not in sealed.blob


def test_confirming_needs_a_holder_and_a_record_that_exist(
    services: Services, tmp_path: Path
) -> None:
    services.reveal.sync_directory(_directory(tmp_path, [TRACK]))
    member = _member_seen_by(services, "Exampletrack")
    with pytest.raises(HolderNotFound):
        services.reveal.confirm_match(member, "nobody", "exampletrack")
    with pytest.raises(DirectoryRecordNotFound):
        services.reveal.confirm_match(member, "exampletrack", "no-such-record")
    assert services.documents.list(member, MATCH_DOCUMENT) == []
