"""API tokens: create with scopes (the secret is shown once), list, revoke.

Works as plain forms and, with HTMX, swaps only the token panel.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from holoptic.bootstrap import Services
from holoptic.identity.errors import InvalidToken
from holoptic.identity.model import Scope
from holoptic.vault.model import Member
from holoptic.web.deps import LangDep, MemberDep, ServicesDep, SessionDep
from holoptic.web.errors import N_, TokenNotFound
from holoptic.web.templating import render, translator

router = APIRouter()

SCOPES: dict[Scope, str] = {
    Scope.PROFILE_READ: N_("Read your profile: name, e-mail address, communities"),
    Scope.DATA_READ: N_("Read your data items and their records"),
    Scope.DATA_EXPORT: N_("Export all your data"),
}
LIFETIMES: dict[str, int | None] = {"30": 30, "90": 90, "365": 365, "never": None}


def _panel(
    request: Request, services: Services, member: Member, status: int = 200, **extra: Any
) -> Response:
    """The full page, or only the panel when HTMX asked for it."""
    context = {
        "tokens": services.identity.tokens(member.id),
        "scopes": SCOPES,
        "lifetimes": list(LIFETIMES),
        "now": services.clock.now(),
        "created": None,
        "revoked": False,
        "error": None,
        "form": {"name": "", "scopes": [], "lifetime": "90"},
    } | extra
    template = "_tokens_panel.html" if request.headers.get("hx-request") else "tokens.html"
    return render(request, template, context, status=status)


@router.get("/tokens")
def tokens(request: Request, member: MemberDep, services: ServicesDep) -> Response:
    return _panel(request, services, member)


@router.post("/tokens")
def create_token(
    request: Request,
    member: MemberDep,
    services: ServicesDep,
    lang: LangDep,
    name: Annotated[str, Form()] = "",
    scopes: Annotated[list[str] | None, Form()] = None,
    lifetime: Annotated[str, Form()] = "90",
) -> Response:
    known = {scope.value: scope for scope in Scope}
    chosen = list(dict.fromkeys(known[value] for value in scopes or [] if value in known))
    form = {"name": name, "scopes": [s.value for s in chosen], "lifetime": lifetime}
    if not chosen or not name.strip() or lifetime not in LIFETIMES:
        _ = translator(lang)
        error = _("Give the token a name and choose at least one permission.")
        return _panel(request, services, member, status=422, error=error, form=form)
    days = LIFETIMES[lifetime]
    expires = services.clock.now() + timedelta(days=days) if days else None
    token, secret = services.identity.create_token(member.id, name, chosen, expires)
    return _panel(request, services, member, created={"token": token, "secret": secret})


@router.post("/tokens/{token_id}/revoke")
def revoke_token(
    request: Request,
    token_id: str,
    member: MemberDep,
    services: ServicesDep,
    session: SessionDep,
) -> Response:
    try:
        services.identity.revoke_token(member.id, token_id)
    except InvalidToken:
        raise TokenNotFound("no such token for this member") from None
    if request.headers.get("hx-request"):
        return _panel(request, services, member, revoked=True)
    session.flash("token_revoked")
    return RedirectResponse("/tokens", status_code=303)
