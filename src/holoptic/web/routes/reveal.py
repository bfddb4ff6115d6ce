""" "Who holds my data?": the member's holders as cards, their matches, and the requests.

``GET /reveal`` shows the report of ``services.reveal`` grouped by purpose, narrowed by
plain query parameters (``purpose``, ``kind``, ``q``) so the filters work without
JavaScript; with HTMX only the results are swapped. A member confirms or corrects a
holder's directory record with a small form. Letters live in ``reveal_letters``.
Nothing here stores anything itself: the services seal what a member decides.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from holoptic.bootstrap import Services
from holoptic.reveal.errors import DirectoryRecordNotFound
from holoptic.reveal.model import RevealReport
from holoptic.vault.model import Member
from holoptic.web import reveal_view as view
from holoptic.web.deps import LangDep, MemberDep, ServicesDep
from holoptic.web.errors import N_
from holoptic.web.templating import render, translator

router = APIRouter()

# Notices a redirect may ask the page to show: code -> (message, is an error).
NOTICES: dict[str, tuple[str, bool]] = {
    "match_saved": (N_("Your choice of directory record is saved."), False),
    "match_removed": (N_("Saved: this organisation has no record in the directory."), False),
    "unknown_record": (
        N_("The directory has no record with this identifier. Nothing was changed."),
        True,
    ),
    "request_recorded": (
        N_("The request is recorded. The organisation must answer within one month."),
        False,
    ),
    "request_answered": (N_("The request is marked as answered."), False),
    "invalid_date": (
        N_("That date cannot be used: it is in the future, or before the request was sent."),
        True,
    ),
    "not_sent": (N_("Only a request that was sent can be marked as answered."), True),
}


def labels(lang: str) -> dict[str, Callable[[str], str]]:
    """Functions the templates use to put codes into words."""
    _ = translator(lang)
    return {
        "purpose_label": lambda code: view.label(view.PURPOSES, code, _),
        "holder_kind_label": lambda code: view.label(view.HOLDER_KINDS, code, _),
        "dpv_label": lambda iri: view.category_label(iri, _),
        "method_label": lambda code: view.label(view.MATCH_METHODS, code, _),
        "identifier_label": lambda code: view.label(view.IDENTIFIERS, code, _),
        "letter_type_label": lambda code: view.label(view.LETTER_TYPES, code, _),
        "request_type_label": lambda code: view.label(view.REQUEST_TYPES, code, _),
        "status_label": lambda code: view.label(view.REQUEST_STATUSES, code, _),
    }


def credits(report: RevealReport) -> dict[str, str | None]:
    """The reference versions the report used, for the page footer."""
    return {
        "whotracksme": report.reference.get("whotracksme"),
        "datenanfragen": report.reference.get("datenanfragen"),
    }


def _notice(code: str | None, lang: str) -> dict[str, Any] | None:
    if code not in NOTICES:
        return None
    message, error = NOTICES[code]
    return {"message": translator(lang)(message), "error": error}


def _page_context(
    services: Services, member: Member, lang: str, filters: view.Filters
) -> dict[str, Any]:
    report = services.reveal.report(member.id)
    _ = translator(lang)
    holders = list(report.holders)
    groups = view.grouped(holders, filters)
    shown = [holder for _purpose, members in groups for holder in members]
    purposes, kinds = view.present(holders)
    return {
        "report": report,
        "holders": holders,
        "groups": groups,
        "shown": len(shown),
        "filters": filters,
        "purposes": purposes,
        "kinds": kinds,
        "names": {holder.slug: holder.name for holder in holders},
        "passed_to": view.passed_to(holders),
        "charts": {holder.slug: view.activity_spec(holder, _, lang) for holder in shown},
        "overview": view.overview_spec(shown, filters, _, lang),
        "credits": credits(report),
        "letter_types": list(view.LETTER_TYPES),
        "letter_lang": lang,
    } | labels(lang)


@router.get("/reveal")
def reveal_page(
    request: Request,
    member: MemberDep,
    services: ServicesDep,
    lang: LangDep,
    purpose: str | None = None,
    kind: str | None = None,
    q: str | None = None,
    notice: str | None = None,
) -> Response:
    filters = view.Filters.parse(purpose, kind, q)
    context = _page_context(services, member, lang, filters)
    if request.headers.get("hx-request") and not request.headers.get("hx-history-restore-request"):
        return render(request, "_reveal_holders.html", context)  # the filters' results only
    context |= {
        "has_data": bool(services.items.summary(member.id)),
        "requests": services.letters.requests(member.id),
        "today": services.clock.now().date(),
        "notice": _notice(notice, lang),
    }
    return render(request, "reveal.html", context)


@router.post("/reveal/{slug}/match")
def confirm_match(
    slug: str,
    member: MemberDep,
    services: ServicesDep,
    choice: Annotated[str, Form()] = "",
    current: Annotated[str, Form()] = "",
    other: Annotated[str, Form()] = "",
) -> Response:
    """Confirm the proposed record, choose another one by its identifier, or say none fits."""
    chosen = {"confirm": current.strip(), "other": other.strip(), "none": None}
    if choice not in chosen or chosen[choice] == "":
        return _back(slug, "unknown_record")
    directory_slug = chosen[choice]
    try:
        services.reveal.confirm_match(member.id, slug, directory_slug)
    except DirectoryRecordNotFound:
        return _back(slug, "unknown_record")
    return _back(slug, "match_saved" if directory_slug else "match_removed")


def _back(slug: str, notice: str) -> Response:
    return RedirectResponse(f"/reveal?notice={notice}#holder-{quote(slug)}", status_code=303)
