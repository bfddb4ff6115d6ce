"""Letters to a holder (access, erasure, objection) and the requests they become.

``GET /reveal/{slug}/letter?type=…&lang=…`` writes the letter with ``services.letters``
and shows it ready to copy, download or e-mail, with its recipient. One POST form then
adds identifiers the holder needs (they are personal, so never in a URL), downloads the
letter as text, or records it as sent, which starts the one-month deadline shown in the
requests panel of ``/reveal``. A holder without a directory record gets a clear message
instead of a letter.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response

from holoptic.bootstrap import Services
from holoptic.reveal.letters import Letter, NoContact, NoTemplate
from holoptic.reveal.requests import InvalidRequestDate, RequestNotSent
from holoptic.vault.model import Member
from holoptic.web import reveal_view as view
from holoptic.web.deps import LangDep, MemberDep, ServicesDep
from holoptic.web.routes.reveal import NOTICES, labels
from holoptic.web.templating import render, translator

router = APIRouter()
MAX_IDENTIFIERS = 12


def _choice(letter_type: str | None, letter_lang: str | None, page_lang: str) -> tuple[str, str]:
    """The letter asked for; unknown values mean an access request in the page's language."""
    chosen_type = letter_type if letter_type in view.LETTER_TYPES else "access"
    chosen_lang = letter_lang if letter_lang in view.LETTER_LANGUAGES else page_lang
    return chosen_type, chosen_lang


def _extras(keys: list[str] | None, values: list[str] | None) -> dict[str, str]:
    """Identifiers the member typed in, as (key, value) pairs with both filled in."""
    pairs = zip(keys or [], values or [], strict=False)
    found = {k.strip()[:100]: v.strip()[:500] for k, v in pairs if k.strip() and v.strip()}
    return dict(list(found.items())[:MAX_IDENTIFIERS])


def _write(
    services: Services, member: Member, slug: str, choice: tuple[str, str], extras: dict[str, str]
) -> tuple[Letter | None, str | None]:
    """The letter, or why there is none (no privacy contact known, no template loaded)."""
    try:
        return services.letters.write(member.id, slug, *choice, extras or None), None
    except NoContact:
        return None, "no_contact"
    except NoTemplate:
        return None, "no_template"


def _mailto(letter: Letter) -> str | None:
    if not letter.recipient.email:
        return None
    query = f"subject={quote(letter.subject)}&body={quote(letter.text)}"
    return f"mailto:{quote(letter.recipient.email, safe='@')}?{query}"


def _letter_page(
    request: Request,
    services: Services,
    member: Member,
    slug: str,
    choice: tuple[str, str],
    page_lang: str,
    extras: Mapping[str, str] | None = None,
    error: str | None = None,
) -> Response:
    holder = services.reveal.holder(member.id, slug)  # 404 unless it is one of theirs
    letter, problem = _write(services, member, slug, choice, dict(extras or {}))
    asked = [*(letter.missing if letter else ()), *(extras or {})]
    context = {
        "holder": holder,
        "letter": letter,
        "problem": problem,
        "letter_type": choice[0],
        "letter_lang": choice[1],
        "letter_types": list(view.LETTER_TYPES),
        "letter_languages": view.LETTER_LANGUAGES,
        "fields": [(key, (extras or {}).get(key, "")) for key in dict.fromkeys(asked)],
        "mailto": _mailto(letter) if letter else None,
        "today": services.clock.now().date(),
        "error": error,
    } | labels(page_lang)
    return render(request, "reveal_letter.html", context, status=422 if error else 200)


@router.get("/reveal/{slug}/letter")
def letter_page(
    request: Request,
    slug: str,
    member: MemberDep,
    services: ServicesDep,
    lang: LangDep,
    letter_type: Annotated[str | None, Query(alias="type")] = None,
    letter_lang: Annotated[str | None, Query(alias="lang")] = None,
) -> Response:
    choice = _choice(letter_type, letter_lang, lang)
    return _letter_page(request, services, member, slug, choice, lang)


@router.post("/reveal/{slug}/letter")
def letter_action(
    request: Request,
    slug: str,
    member: MemberDep,
    services: ServicesDep,
    lang: LangDep,
    action: Annotated[str, Form()] = "preview",
    letter_type: Annotated[str, Form(alias="type")] = "access",
    letter_lang: Annotated[str, Form()] = "",
    identifier_key: Annotated[list[str] | None, Form()] = None,
    identifier_value: Annotated[list[str] | None, Form()] = None,
    sent_on: Annotated[str, Form()] = "",
) -> Response:
    """Add identifiers to the letter, download it, or record it as sent."""
    choice = _choice(letter_type, letter_lang, lang)
    extras = _extras(identifier_key, identifier_value)
    if action not in ("download", "sent"):
        return _letter_page(request, services, member, slug, choice, lang, extras)
    services.reveal.holder(member.id, slug)  # 404 unless it is one of theirs
    letter, _problem = _write(services, member, slug, choice, extras)
    if letter is None:
        return _letter_page(request, services, member, slug, choice, lang, extras)
    if action == "download":
        name = f"{slug}-{letter.type}-{letter.lang}.txt"
        disposition = f"attachment; filename*=UTF-8''{quote(name)}"
        return PlainTextResponse(letter.text, headers={"Content-Disposition": disposition})
    try:
        services.letters.record_sent(member.id, letter, _moment(sent_on, services))
    except InvalidRequestDate:
        error = translator(lang)(NOTICES["invalid_date"][0])
        return _letter_page(request, services, member, slug, choice, lang, extras, error)
    return RedirectResponse("/reveal?notice=request_recorded#requests", status_code=303)


@router.post("/reveal/requests/{request_id}/answered")
def mark_answered(
    request_id: str,
    member: MemberDep,
    services: ServicesDep,
    answered_on: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """The holder answered: the deadline no longer runs."""
    notice = "request_answered"
    try:
        when = _moment(answered_on, services)
        services.letters.mark_answered(member.id, request_id, when, note.strip()[:2000])
    except InvalidRequestDate:
        notice = "invalid_date"
    except RequestNotSent:
        notice = "not_sent"
    return RedirectResponse(f"/reveal?notice={notice}#requests", status_code=303)


def _moment(value: str, services: Services) -> datetime:
    """A day typed in a date field: now when it is today or empty, else noon UTC that day."""
    now = services.clock.now()
    if not value.strip():
        return now
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidRequestDate(f"{value!r} is not a date (YYYY-MM-DD)") from None
    if day == now.date():
        return now
    return datetime.combine(day, time(12), tzinfo=UTC)
