"""The landing page, the member's home page and the language switch."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from holoptic.i18n import LANGUAGES
from holoptic.vault.model import Community, Membership
from holoptic.web.deps import LANG_COOKIE, MemberDep, ServicesDep, current_member
from holoptic.web.routes.auth import safe_next
from holoptic.web.templating import render

router = APIRouter()
LANG_MAX_AGE = 365 * 24 * 3600


@router.get("/")
def landing(request: Request) -> Response:
    if current_member(request) is not None:
        return RedirectResponse("/home", status_code=303)
    return render(request, "landing.html")


@router.get("/home")
def home(request: Request, member: MemberDep, services: ServicesDep) -> Response:
    summary = services.items.summary(member.id)
    communities = _with_roles(services.vault.communities(), services.vault.memberships(member.id))
    context = {
        "summary": summary,
        "totals": {
            "items": sum(s.items for s in summary),
            "records": sum(s.records for s in summary),
        },
        "communities": communities,
    }
    return render(request, "home.html", context)


def _with_roles(
    communities: list[Community], memberships: list[Membership]
) -> list[tuple[Community, str]]:
    roles = {m.community_id: m.role.value for m in memberships}
    return [(c, roles[c.id]) for c in communities if c.id in roles]


@router.get("/lang/{code}")
def switch_language(code: str, services: ServicesDep, next: str | None = None) -> Response:
    """Remember the chosen language in a cookie and go back to the page the visitor was on."""
    response = RedirectResponse(safe_next(next or "/"), status_code=303)
    if code in LANGUAGES:
        response.set_cookie(
            LANG_COOKIE,
            code,
            max_age=LANG_MAX_AGE,
            httponly=True,
            samesite="lax",
            secure=services.settings.secure_cookies,
        )
    return response
