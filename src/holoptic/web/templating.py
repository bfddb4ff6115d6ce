"""Jinja2 with gettext: one environment per language, so rendering never shares state.

Pages are translated with Jinja2's i18n extension over the ``web`` catalogue
(``holoptic.i18n.translations(lang, "web")``). Every page receives the same base context:
language, the session's CSRF token, the member, notices and the language switch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from holoptic import __version__
from holoptic.i18n import LANGUAGES, gettext_for
from holoptic.identity.passwords import MIN_LENGTH
from holoptic.vault.kinds import KINDS
from holoptic.web.deps import current_member, request_language, session_of, stewarded
from holoptic.web.errors import N_
from holoptic.web.sessions import LOGIN_REQUIRED, SESSION_EXPIRED

TEMPLATES = Path(__file__).parent / "templates"
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
DPV_PD = "https://w3id.org/dpv/pd#"

FLASHES: dict[str, str] = {
    SESSION_EXPIRED: N_("Your session expired. Please log in again."),
    LOGIN_REQUIRED: N_("Please log in to continue."),
    "logged_out": N_("You are logged out."),
    "signed_up": N_("Welcome! Your account is ready."),
    "token_revoked": N_("The token was revoked. Programs using it can no longer connect."),
}


def translator(lang: str) -> Callable[[str], str]:
    """``gettext`` for messages composed in Python (form errors, notices)."""
    return gettext_for(lang, "web").gettext


@cache
def environment(lang: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    cast(Any, env).install_gettext_translations(gettext_for(lang, "web"), newstyle=True)
    env.filters["day"] = lambda value: _day(value, lang)
    env.filters["moment"] = lambda value: _moment(value, lang)
    env.filters["number"] = lambda value: format_decimal(value, locale=lang)
    env.filters["percent"] = lambda value: _percent(value, lang)
    env.filters["kind_label"] = lambda kind: KINDS[kind].label(lang) if kind in KINDS else kind
    env.filters["category_label"] = _category_label
    env.globals["version"] = __version__
    env.globals["min_password"] = MIN_LENGTH
    return env


def _day(value: date | datetime | None, lang: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.date()
    return str(format_date(value, format="medium", locale=lang))


def _moment(value: datetime | None, lang: str) -> str:
    if value is None:
        return "—"
    return str(format_datetime(value, format="medium", tzinfo=value.tzinfo, locale=lang))


def _percent(value: float, lang: str) -> str:
    """A share as the language writes percentages, to two decimals at most (``12,5 %``)."""
    pattern = Locale.parse(lang).percent_formats[None].pattern.replace("0", "0.0#", 1)
    return str(format_percent(value, format=pattern, locale=lang))


def _category_label(iri: str) -> str:
    """``https://w3id.org/dpv/pd#GPSCoordinate`` reads as ``pd:GPSCoordinate``."""
    return "pd:" + iri.removeprefix(DPV_PD) if iri.startswith(DPV_PD) else iri


def language_links(request: Request, lang: str) -> list[dict[str, str]]:
    """One link per other language, coming back to the page the visitor is on."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return [
        {"code": code, "name": LANGUAGE_NAMES[code], "href": f"/lang/{code}?next={quote(here)}"}
        for code in LANGUAGES
        if code != lang
    ]


def base_context(request: Request) -> dict[str, Any]:
    lang = request_language(request)
    session = session_of(request)
    _ = translator(lang)
    return {
        "request": request,
        "lang": lang,
        "csrf_token": session.csrf,
        "member": current_member(request),
        "is_steward": bool(stewarded(request)),
        "flashes": [_(FLASHES[code]) for code in session.pop_flashes() if code in FLASHES],
        "languages": language_links(request, lang),
        "path": request.url.path,
    }


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    merged = base_context(request) | dict(context or {})
    html = environment(merged["lang"]).get_template(template).render(merged)
    return HTMLResponse(html, status_code=status, headers=dict(headers or {}))
