"""GDPR requests: letters from the member's holders, the Art. 12(3) deadline, answers.

The service runs on SQLite and PostgreSQL (``services``); the reveal side is a stand-in
serving the ../shared directory, so these tests do not depend on matching.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from holoptic.bootstrap import Services
from holoptic.clock import FixedClock
from holoptic.reveal.directory import contact_of
from holoptic.reveal.errors import HolderNotFound
from holoptic.reveal.letters import InvalidLetter, NoContact, NoTemplate
from holoptic.reveal.model import HolderView
from holoptic.reveal.requests import (
    InvalidRequestDate,
    LetterService,
    RequestNotFound,
    RequestNotSent,
    RequestStatus,
    one_month_after,
)
from holoptic.vault.errors import MemberNotFound
from tests.conftest import shared_path

JAN_31 = datetime(2026, 1, 31, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("sent", "deadline"),
    [
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),  # leap year
        (date(2026, 1, 15), date(2026, 2, 15)),
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 12, 31), date(2027, 1, 31)),
        (date(2026, 2, 28), date(2026, 3, 28)),
    ],
)
def test_one_month_is_the_same_day_next_month_clamped(sent: date, deadline: date) -> None:
    assert one_month_after(sent) == deadline


@cache
def _directory() -> tuple[dict[str, dict[str, Any]], Path]:
    companies = shared_path("data", "datenanfragen", "companies.json")
    records = json.loads(Path(companies).read_text(encoding="utf-8"))
    return {r["slug"]: r for r in records}, Path(shared_path("data", "datenanfragen", "templates"))


def _holder(
    slug: str, name: str, kind: str, directory_slug: str | None, **extra: Any
) -> HolderView:
    records, _ = _directory()
    contact = contact_of(records[directory_slug]) if directory_slug else None
    return HolderView(
        slug=slug,
        name=name,
        kind=kind,
        categories=(),
        purposes=("advertising",),
        first_seen=None,
        last_seen=None,
        count=1,
        evidence=(),
        received_from=(),
        contact=contact,
        match=None,
        activity=(),
        identifiers=extra.get("identifiers", ()),
    )


@dataclass
class FakeReveal:
    """The three look-ups letters need, over the ../shared directory."""

    holders: dict[str, HolderView] = field(default_factory=dict)
    languages: tuple[str, ...] = ("fr", "en", "de")

    def holder(self, member_id: str, slug: str) -> HolderView:
        if slug not in self.holders:
            raise HolderNotFound(f"no holder {slug}", slug=slug)
        return self.holders[slug]

    def directory_record(self, slug: str) -> dict[str, Any] | None:
        return _directory()[0].get(slug)

    def template(self, lang: str, name: str) -> str | None:
        path = _directory()[1] / lang / f"{name}.txt"
        return path.read_text("utf-8") if lang in self.languages and path.exists() else None


@pytest.fixture
def reveal() -> FakeReveal:
    return FakeReveal(
        {
            "meta": _holder("meta", "Meta", "platform", "facebook"),
            "criteo": _holder(
                "criteo",
                "Criteo",
                "tracker",
                "criteo",
                identifiers=(("cookie_id", "c-123"), ("advertising_id", "")),
            ),
            "corner-shop": _holder("corner-shop", "The Corner Shop", "advertiser", None),
        }
    )


@pytest.fixture
def letters(services: Services, clock: FixedClock, reveal: FakeReveal) -> LetterService:
    clock.current = JAN_31
    return LetterService(reveal, services.vault, services.documents, clock)


@pytest.fixture
def member_id(services: Services) -> str:
    return services.vault.add_member("Aline Marchal", email="aline@example.org").id


def test_letter_for_a_tracker_uses_what_it_knows_the_member_by(
    letters: LetterService, member_id: str
) -> None:
    letter = letters.write(member_id, "criteo", "access", "fr", {"advertising_id": "ad-9"})
    assert letter.template == "access-tracking"
    assert "Nom : Aline Marchal" in letter.body
    assert "Adresse e-mail : aline@example.org" in letter.body
    assert "Identifiant de cookie : c-123" in letter.body
    assert "Identifiant publicitaire : ad-9" in letter.body
    assert letter.missing == ()
    assert letter.recipient.email == "dpo@criteo.com"
    assert (letter.holder_slug, letter.holder_name) == ("criteo", "Criteo")


def test_what_the_holder_knows_but_the_records_do_not_show_is_missing(
    letters: LetterService, member_id: str
) -> None:
    assert letters.write(member_id, "criteo", "access", "en").missing == ("advertising_id",)


def test_letter_to_a_platform_lists_what_it_runs(letters: LetterService, member_id: str) -> None:
    letter = letters.write(member_id, "meta", "erasure", "de")
    assert letter.template == "erasure-default"
    assert "Facebook Audience Network" in letter.body
    assert "Art. 17" in letter.body
    assert letter.webform and letter.webform.startswith("https://www.facebook.com/")


def test_a_company_the_records_do_not_show_can_be_written_to_by_directory_slug(
    letters: LetterService, member_id: str
) -> None:
    letter = letters.write(member_id, "google", "objection", "en")
    assert letter.directory_slug == "google" and "YouTube" in letter.body


def test_no_directory_record_names_the_holder_and_the_fix(
    letters: LetterService, member_id: str
) -> None:
    with pytest.raises(NoContact) as caught:
        letters.write(member_id, "corner-shop", "access", "fr")
    assert caught.value.code == "reveal.no_contact"
    assert "The Corner Shop" in caught.value.message
    assert "holoptic reveal match" in caught.value.message
    with pytest.raises(HolderNotFound):
        letters.write(member_id, "nobody-at-all", "access", "fr")


def test_bad_choices_and_missing_templates(
    letters: LetterService, reveal: FakeReveal, member_id: str
) -> None:
    with pytest.raises(InvalidLetter):
        letters.write(member_id, "meta", "rectification", "fr")
    with pytest.raises(InvalidLetter):
        letters.write(member_id, "meta", "access", "it")
    reveal.languages = ("en",)
    with pytest.raises(NoTemplate):
        letters.write(member_id, "meta", "access", "de")
    with pytest.raises(MemberNotFound):
        letters.write("no-such-member", "meta", "access", "en")


def test_deadline_status_from_the_clock(
    letters: LetterService, clock: FixedClock, member_id: str
) -> None:
    letter = letters.write(member_id, "meta", "access", "en")
    sent = letters.record_sent(member_id, letter)
    assert (sent.status, sent.sent_at, sent.deadline) == (
        RequestStatus.SENT,
        JAN_31,
        date(2026, 2, 28),
    )
    assert sent.days_left == 28
    clock.current = datetime(2026, 2, 28, 23, 59, tzinfo=UTC)
    (waiting,) = letters.requests(member_id)
    assert (waiting.status, waiting.days_left) == (RequestStatus.SENT, 0)
    clock.advance(timedelta(minutes=2))  # 1 March: the day after the deadline
    (late,) = letters.requests(member_id)
    assert (late.status, late.days_left) == (RequestStatus.OVERDUE, -1)
    clock.advance(timedelta(days=9))
    answered = letters.mark_answered(member_id, sent.id, None, note="a zip file came back")
    assert answered.status is RequestStatus.ANSWERED and answered.days_left is None
    assert answered.answered_late and answered.note == "a zip file came back"
    clock.advance(timedelta(days=100))
    (still,) = letters.requests(member_id)
    assert still.status is RequestStatus.ANSWERED  # answered stops the clock


def test_draft_then_sent_then_answered_with_an_import(
    letters: LetterService, clock: FixedClock, member_id: str
) -> None:
    first = letters.save_draft(member_id, letters.write(member_id, "meta", "access", "en"))
    again = letters.save_draft(member_id, letters.write(member_id, "meta", "access", "fr"))
    assert again.id == first.id and again.lang == "fr"  # one draft per holder and type
    assert (again.status, again.deadline, again.days_left) == (RequestStatus.DRAFT, None, None)
    with pytest.raises(RequestNotSent):
        letters.mark_answered(member_id, first.id, None)
    sent = letters.mark_sent(member_id, first.id[:8], datetime(2026, 1, 20, tzinfo=UTC))
    assert (sent.id, sent.status, sent.deadline) == (
        first.id,
        RequestStatus.SENT,
        date(2026, 2, 20),
    )
    answered = letters.mark_answered(
        member_id, sent.id, datetime(2026, 1, 31, tzinfo=UTC), import_id="imp-1"
    )
    assert (answered.import_id, answered.answered_late) == ("imp-1", False)
    assert "Meta Platforms Ireland Limited" in answered.text and answered.subject in answered.text
    assert answered.holder_name == "Meta"


def test_sending_a_letter_takes_over_its_draft(
    letters: LetterService, clock: FixedClock, member_id: str
) -> None:
    letter = letters.write(member_id, "meta", "objection", "en")
    draft = letters.save_draft(member_id, letter)
    sent = letters.record_sent(member_id, letter)
    assert sent.id == draft.id
    clock.advance(timedelta(seconds=1))
    other = letters.record_sent(member_id, letters.write(member_id, "criteo", "access", "en"))
    assert [r.id for r in letters.requests(member_id)] == [draft.id, other.id]


def test_dates_must_make_sense(letters: LetterService, member_id: str) -> None:
    letter = letters.write(member_id, "meta", "access", "en")
    with pytest.raises(InvalidRequestDate):
        letters.record_sent(member_id, letter, JAN_31 + timedelta(days=1))
    with pytest.raises(InvalidRequestDate):
        letters.record_sent(member_id, letter, datetime(2026, 1, 2))  # no time zone
    sent = letters.record_sent(member_id, letter, datetime(2026, 1, 10, tzinfo=UTC))
    with pytest.raises(InvalidRequestDate):
        letters.mark_answered(member_id, sent.id, datetime(2026, 1, 9, tzinfo=UTC))
    answered = letters.mark_answered(member_id, sent.id, datetime(2026, 1, 20, tzinfo=UTC))
    with pytest.raises(InvalidRequestDate):
        letters.mark_sent(member_id, sent.id, datetime(2026, 1, 21, tzinfo=UTC))
    again = letters.mark_answered(member_id, sent.id, None, import_id="imp-2")
    assert again.answered_at == answered.answered_at and again.import_id == "imp-2"


def test_requests_are_the_members_own_and_sealed(
    services: Services, letters: LetterService, member_id: str
) -> None:
    sent = letters.record_sent(member_id, letters.write(member_id, "meta", "access", "en"))
    other = services.vault.add_member("Bruno Petit", email="bruno@example.org").id
    assert letters.requests(other) == []
    with pytest.raises(RequestNotFound):
        letters.request(other, sent.id)
    with pytest.raises(RequestNotFound):
        letters.request(member_id, "zz")  # too short to be a prefix
    with services.engine.connect() as conn:
        from sqlalchemy import text

        blobs = conn.execute(text("SELECT blob FROM member_documents")).scalars().all()
    assert blobs and all(b"meta" not in bytes(b) for b in blobs)  # the holder is not in clear


# --- the real reveal service, then the command line ---------------------------------------


def _seen_by(services: Services, member_id: str, *companies: str) -> None:
    records = [
        {"time": "2026-01-05T10:00:00Z", "company": company, "event": "PAGE_VIEW"}
        for company in companies
    ]
    services.items.store(member_id, "ads.off_platform", records)


def test_letters_through_the_reveal_service(
    services: Services, clock: FixedClock, member_id: str
) -> None:
    clock.current = JAN_31
    services.reveal.sync_directory(str(shared_path("data", "datenanfragen")))
    _seen_by(services, member_id, "Criteo", "Boulangerie Du Coin Introuvable")
    holders = {h.name: h for h in services.reveal.report(member_id).holders}
    criteo = holders["Criteo"]
    assert criteo.contact is not None
    letter = services.letters.write(member_id, criteo.slug, "access", "de")
    assert letter.template == "access-tracking"  # the directory record asks for it
    assert letter.recipient.email == "dpo@criteo.com"
    assert "Aline Marchal" in letter.body and "Art. 15 DSGVO" in letter.body
    sent = services.letters.record_sent(member_id, letter)
    assert services.letters.requests(member_id) == [sent]
    bakery = holders["Boulangerie Du Coin Introuvable"]
    with pytest.raises(NoContact) as caught:
        services.letters.write(member_id, bakery.slug, "access", "fr")
    assert caught.value.details["holder"] == "Boulangerie Du Coin Introuvable"


@pytest.fixture
def aline(ready: Any) -> str:
    member: str = ready.json("member", "add", "Aline Marchal", "--email", "aline@example.org")["id"]
    ready.ok("reveal", "sync", str(shared_path("data", "datenanfragen")))
    with ready.services() as services:
        _seen_by(services, member, "Criteo", "Boulangerie Du Coin Introuvable")
    return member


def test_cli_letter_sent_listed_and_answered_with_an_import(
    ready: Any, aline: str, tmp_path: Path
) -> None:
    out = tmp_path / "criteo.txt"
    args = ("reveal", "letter", "--member", aline, "--holder", "google", "--type", "erasure")
    document = ready.json(*args, "--lang", "fr", "--sent", "--out", str(out))
    assert document["article"] == 17 and document["recipient"]["fax"] == "+1 650 618 1806"
    assert "Gmail" in document["body"] and document["missing"] == []
    request = document["request"]
    assert request["status"] == "sent" and request["deadline"] is not None
    assert out.read_text("utf-8") == document["text"]
    assert out.stat().st_mode & 0o777 == 0o600
    listed = ready.json("reveal", "requests", "--member", aline)["requests"]
    assert [(r["id"], r["status"], r["holder"]) for r in listed] == [
        (request["id"], "sent", "google")
    ]
    gpx = shared_path("fixtures", "gpx", "Mojstrovka.gpx")
    answered = ready.json(
        "reveal", "requests", "answer", "--member", aline, "--request", request["id"][:8],
        "--import", str(gpx), "--note", "takeout link",
    )  # fmt: skip
    assert answered["status"] == "answered" and answered["import_id"]
    assert answered["note"] == "takeout link" and answered["answered_late"] is False
    table = ready.ok("reveal", "requests", "--member", aline).stdout
    assert "Google LLC" in table and "answered on" in table


def test_cli_draft_then_sent_in_french(ready: Any, aline: str) -> None:
    result = ready.ok(
        "reveal", "letter", "--member", aline, "--holder", "criteo", "--type", "objection",
        "--identifier", "cookie_id=c-77", HOLOPTIC_LANG="fr",
    )  # fmt: skip
    assert result.stdout.startswith("Criteo\n32 Rue Blanche")
    assert "Objet : Opposition au traitement" in result.stdout  # the member's language
    assert "Identifiant de cookie : c-77" in result.stdout
    assert "brouillon" in result.stderr
    (draft,) = ready.json("reveal", "requests", "--member", aline)["requests"]
    assert draft["status"] == "draft" and draft["deadline"] is None
    sent = ready.ok(
        "reveal", "requests", "sent", "--member", aline, "--request", draft["id"],
        "--date", "2020-01-31",
    )  # fmt: skip
    assert "2020-01-31" in sent.stdout and "2020-02-29" in sent.stdout
    (overdue,) = ready.json("reveal", "requests", "--member", aline)["requests"]
    assert overdue["status"] == "overdue" and overdue["days_left"] < 0


def test_cli_errors(ready: Any, aline: str) -> None:
    from tests.e2e.conftest import one_line

    base = ("reveal", "letter", "--member", aline, "--type", "access", "--lang", "en")
    bakery = ready(*base, "--holder", "boulangerie-du-coin-introuvable", HOLOPTIC_LANG="fr")
    assert bakery.exit_code == 1
    message = one_line(bakery)
    assert message.startswith("Erreur")
    assert "Boulangerie Du Coin Introuvable" in message and "holoptic reveal match" in message
    for bad in (("--type", "rectification"), ("--lang", "it"), ("--identifier", "novalue")):
        result = ready(*base, "--holder", "criteo", *bad)
        assert result.exit_code == 2, (bad, result.stderr)
    assert ready("reveal", "requests").exit_code == 2
    unknown = ready("reveal", "requests", "answer", "--member", aline, "--request", "nope1234")
    assert unknown.exit_code == 1 and "no request nope1234" in one_line(unknown)
