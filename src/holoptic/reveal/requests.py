"""GDPR requests a member writes, sends and gets answered, with their legal deadline.

A request is a member document (kind ``reveal.request``), sealed with the member's key:
which organisations a member wrote to is personal data. Its status is never stored but
computed from the injected clock at each read, so "overdue" cannot go stale.

The deadline is Art. 12(3) GDPR: the controller answers "without undue delay and in any
event within one month of receipt of the request". One month after day D is the same day
of the next month, or that month's last day when it is shorter (31 January → 28 or 29
February). Receipt is taken to be the day the member sent it (true of e-mail and web
forms; a posted letter arrives later, so the date shown is on the safe side). Art. 12(3)
lets the controller extend by two further months where necessary, but it must tell the
member so, with its reasons, within the first month: until it has, the one-month date
stands. Dates are UTC days.
"""

from __future__ import annotations

import calendar
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from holoptic.clock import Clock
from holoptic.errors import Conflict, InvalidInput, NotFound
from holoptic.reveal.errors import HolderNotFound
from holoptic.reveal.letters import (
    Letter,
    NoContact,
    NoTemplate,
    check_choice,
    compose,
    template_names,
)
from holoptic.reveal.model import HolderView
from holoptic.vault.documents import Document, MemberDocuments
from holoptic.vault.errors import ItemNotFound
from holoptic.vault.service import VaultService

KIND = "reveal.request"


class RequestNotFound(NotFound):
    code = "reveal.request_not_found"


class RequestNotSent(Conflict):
    """Only a sent request can be answered."""

    code = "reveal.request_not_sent"


class InvalidRequestDate(InvalidInput):
    """A sent or answered date in the future, or an answer before the request."""

    code = "reveal.invalid_date"


class RequestStatus(enum.StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    OVERDUE = "overdue"
    ANSWERED = "answered"


class RevealLookup(Protocol):
    """What letters need from the reveal service (``RevealService`` provides it)."""

    def holder(self, member_id: str, slug: str) -> HolderView: ...
    def directory_record(self, slug: str) -> dict[str, Any] | None: ...
    def template(self, lang: str, name: str) -> str | None: ...


@dataclass(frozen=True, slots=True)
class GdprRequest:
    id: str
    holder_slug: str
    holder_name: str
    directory_slug: str
    type: str
    lang: str
    subject: str
    text: str  # the letter as written
    status: RequestStatus
    created_at: datetime
    sent_at: datetime | None
    deadline: date | None  # one month after sending (Art. 12(3) GDPR)
    answered_at: datetime | None
    note: str
    import_id: str | None  # the import of the data the holder sent back
    days_left: int | None  # to the deadline, negative once overdue; None unless waiting

    @property
    def answered_late(self) -> bool | None:
        if self.answered_at is None or self.deadline is None:
            return None
        return self.answered_at.date() > self.deadline


def one_month_after(day: date) -> date:
    """The same day of the next month, clamped to that month's last day."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def status_on(today: date, body: Mapping[str, Any]) -> tuple[RequestStatus, int | None]:
    """A request's status on ``today``, and the days left to its deadline while waiting."""
    if body.get("answered_at"):
        return RequestStatus.ANSWERED, None
    if not body.get("sent_at"):
        return RequestStatus.DRAFT, None
    deadline = one_month_after(datetime.fromisoformat(body["sent_at"]).date())
    left = (deadline - today).days
    return (RequestStatus.OVERDUE if left < 0 else RequestStatus.SENT), left


class LetterService:
    """Writes letters to a member's holders and follows the requests they become."""

    def __init__(
        self,
        reveal: RevealLookup,
        vault: VaultService,
        documents: MemberDocuments,
        clock: Clock,
    ) -> None:
        self._reveal, self._vault, self._documents, self._clock = reveal, vault, documents, clock

    def write(
        self,
        member_id: str,
        holder_slug: str,
        type: str,
        lang: str,
        extra_identifiers: Mapping[str, str] | None = None,
    ) -> Letter:
        """The letter, filled with what identifies the member to this holder.

        ``holder_slug`` is one of the member's holders or, for a company the member's
        records do not show, a directory slug.
        """
        check_choice(type, lang)
        member = self._vault.member(member_id)
        holder, record = self._holder_and_record(member_id, holder_slug)
        tracker = holder is not None and holder.kind == "tracker"
        name, text = self._template(type, lang, record, tracker)
        identifiers = [("name", member.name)]
        identifiers += [("email", member.email)] if member.email else []
        identifiers += list(holder.identifiers if holder else ())
        identifiers += list((extra_identifiers or {}).items())
        return compose(
            record,
            name,
            text,
            letter_type=type,
            lang=lang,
            identifiers=identifiers,
            written_on=self._clock.now().date(),
            holder_slug=holder_slug,
            holder_name=holder.name if holder else None,
            contact=holder.contact if holder else None,
        )

    def save_draft(self, member_id: str, letter: Letter) -> GdprRequest:
        """Keep a letter to send later; it replaces a draft of the same kind to the holder."""
        draft = self._draft_for(member_id, letter)
        return self._save(member_id, _body(letter, None), draft)

    def record_sent(
        self, member_id: str, letter: Letter, sent_at: datetime | None = None
    ) -> GdprRequest:
        """The member sent ``letter`` (now, or at ``sent_at``): the deadline starts."""
        sent = self._checked(sent_at or self._clock.now())
        draft = self._draft_for(member_id, letter)
        return self._save(member_id, _body(letter, sent), draft)

    def mark_sent(
        self, member_id: str, request_id: str, sent_at: datetime | None = None
    ) -> GdprRequest:
        """A draft was sent (now, or at ``sent_at``); a sent date can also be corrected."""
        document = self._find(member_id, request_id)
        sent = self._checked(sent_at or self._clock.now())
        answered = _when(document.body.get("answered_at"))
        if answered is not None and answered.date() < sent.date():
            raise InvalidRequestDate("the request cannot be sent after its answer", day=sent.date())
        body = {**document.body, "sent_at": sent.isoformat()}
        return self._save(member_id, body, document.id)

    def requests(self, member_id: str) -> list[GdprRequest]:
        """The member's requests, oldest first, with their status as of now."""
        documents = self._documents.list(member_id, KIND)
        found = [self._request(d) for d in documents]
        return sorted(found, key=lambda r: (r.created_at, r.id))

    def request(self, member_id: str, request_id: str) -> GdprRequest:
        return self._request(self._find(member_id, request_id))

    def mark_answered(
        self,
        member_id: str,
        request_id: str,
        answered_at: datetime | None,
        note: str = "",
        import_id: str | None = None,
    ) -> GdprRequest:
        """The holder answered: the clock stops. ``import_id`` links the data it sent."""
        document = self._find(member_id, request_id)
        if not document.body.get("sent_at"):
            raise RequestNotSent(
                f"request {document.id} was never sent: mark it sent first", request_id=document.id
            )
        earlier = _when(document.body.get("answered_at"))  # answering again keeps the day
        answered = self._checked(answered_at or earlier or self._clock.now())
        if answered.date() < datetime.fromisoformat(document.body["sent_at"]).date():
            raise InvalidRequestDate(
                "the answer cannot come before the request was sent", day=answered.date()
            )
        body = {
            **document.body,
            "answered_at": answered.isoformat(),
            "note": note or document.body.get("note", ""),
            "import_id": import_id or document.body.get("import_id"),
        }
        return self._save(member_id, body, document.id)

    def _holder_and_record(
        self, member_id: str, slug: str
    ) -> tuple[HolderView | None, dict[str, Any]]:
        try:
            holder = self._reveal.holder(member_id, slug)
        except HolderNotFound:
            record = self._reveal.directory_record(slug)
            if record is None:
                raise
            return None, record
        directory_slug = holder.contact.directory_slug if holder.contact else None
        record = self._reveal.directory_record(directory_slug) if directory_slug else None
        if record is None:
            raise NoContact(
                f'no privacy contact is known for "{holder.name}": link it to a directory '
                f"record with `holoptic reveal match`",
                holder=holder.name,
                slug=slug,
            )
        return holder, record

    def _template(
        self, letter_type: str, lang: str, record: Mapping[str, Any], tracker: bool
    ) -> tuple[str, str]:
        for name in template_names(letter_type, record, tracker):
            text = self._reveal.template(lang, name)
            if text:
                return name, text
        raise NoTemplate(
            f"the directory has no {letter_type} template in {lang}: load it with "
            "`holoptic reveal sync`",
            type=letter_type,
            lang=lang,
        )

    def _checked(self, when: datetime) -> datetime:
        if when.tzinfo is None:
            raise InvalidRequestDate("dates must carry a time zone", day=when.date())
        if when.date() > self._clock.now().date():
            raise InvalidRequestDate(f"{when.date()} is in the future", day=when.date())
        return when

    def _find(self, member_id: str, request_id: str) -> Document:
        """The request with this id, or the only one whose id starts with it."""
        try:
            document = self._documents.get(member_id, request_id)
            if document.kind == KIND:
                return document
        except ItemNotFound:
            pass
        matches = [
            d
            for d in self._documents.list(member_id, KIND)
            if len(request_id) >= 4 and d.id.startswith(request_id)
        ]
        if len(matches) != 1:
            raise RequestNotFound(f"the member has no request {request_id}", request_id=request_id)
        return matches[0]

    def _draft_for(self, member_id: str, letter: Letter) -> str | None:
        for document in self._documents.list(member_id, KIND):
            body = document.body
            same = (body.get("holder_slug"), body.get("type")) == (letter.holder_slug, letter.type)
            if same and not body.get("sent_at"):
                return document.id
        return None

    def _save(self, member_id: str, body: dict[str, Any], document_id: str | None) -> GdprRequest:
        return self._request(self._documents.save(member_id, KIND, body, document_id))

    def _request(self, document: Document) -> GdprRequest:
        body = document.body
        status, left = status_on(self._clock.now().date(), body)
        sent = _when(body.get("sent_at"))
        return GdprRequest(
            id=document.id,
            holder_slug=body["holder_slug"],
            holder_name=body.get("holder_name", body["holder_slug"]),
            directory_slug=body.get("directory_slug", ""),
            type=body["type"],
            lang=body["lang"],
            subject=body.get("subject", ""),
            text=body.get("text", ""),
            status=status,
            created_at=document.created_at,
            sent_at=sent,
            deadline=one_month_after(sent.date()) if sent else None,
            answered_at=_when(body.get("answered_at")),
            note=body.get("note", ""),
            import_id=body.get("import_id"),
            days_left=left,
        )


def _body(letter: Letter, sent_at: datetime | None) -> dict[str, Any]:
    """What a request document holds: the letter as sent and the dates that matter."""
    return {
        "holder_slug": letter.holder_slug,
        "holder_name": letter.holder_name,
        "directory_slug": letter.directory_slug,
        "type": letter.type,
        "lang": letter.lang,
        "template": letter.template,
        "subject": letter.subject,
        "text": letter.text,
        "written_on": letter.written_on.isoformat(),
        "sent_at": sent_at.isoformat() if sent_at else None,
        "answered_at": None,
        "note": "",
        "import_id": None,
    }


def _when(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None
