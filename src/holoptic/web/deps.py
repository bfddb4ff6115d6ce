"""Request-scoped helpers shared by the pages and the API: who is asking, in which language."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from holoptic.bootstrap import Services
from holoptic.i18n import LANGUAGES, negotiate
from holoptic.vault.errors import MemberKeyDestroyed, MemberNotFound
from holoptic.vault.model import Community, Member
from holoptic.web.errors import LoginRequired, NotSteward
from holoptic.web.sessions import LOGIN_REQUIRED, Session

LANG_COOKIE = "lang"


def get_services(request: Request) -> Services:
    return cast(Services, request.app.state.services)


def session_of(request: Request) -> Session:
    """The browser's session, loaded by ``SessionMiddleware`` before any route runs."""
    session = request.scope.get("state", {}).get("session")
    if not isinstance(session, Session):
        now = get_services(request).clock.now().timestamp()
        session = Session.anonymous(now)
        request.scope.setdefault("state", {})["session"] = session
    return session


def request_language(request: Request) -> str:
    """The ``lang`` cookie when the visitor chose one, else ``Accept-Language``, else French."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return str(chosen)
    return negotiate(request.headers.get("accept-language"))


def current_member(request: Request) -> Member | None:
    """The logged-in member, looked up once per request; a deleted member is logged out."""
    state = request.scope.setdefault("state", {})
    if "member" in state:
        return cast(Member | None, state["member"])
    session = session_of(request)
    member = None
    if session.member_id is not None:
        try:
            member = get_services(request).vault.member(session.member_id)
        except (MemberNotFound, MemberKeyDestroyed):
            session.log_out(get_services(request).clock.now().timestamp())
    state["member"] = member
    return member


def require_member(request: Request) -> Member:
    member = current_member(request)
    if member is None:
        session = session_of(request)
        if not session.expired:
            session.flash(LOGIN_REQUIRED)
        raise LoginRequired("log in to see this page", next=request.url.path)
    return member


def stewarded(request: Request) -> list[Community]:
    """Communities the logged-in member stewards (empty when anonymous)."""
    state = request.scope.setdefault("state", {})
    if "stewarded" not in state:
        member = current_member(request)
        vault = get_services(request).vault
        state["stewarded"] = vault.stewarded(member.id) if member else []
    return cast(list[Community], state["stewarded"])


def require_steward(request: Request) -> list[Community]:
    require_member(request)
    communities = stewarded(request)
    if not communities:
        raise NotSteward("only a community's stewards may open the steward area")
    return communities


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


ServicesDep = Annotated[Services, Depends(get_services)]
SessionDep = Annotated[Session, Depends(session_of)]
LangDep = Annotated[str, Depends(request_language)]
MemberDep = Annotated[Member, Depends(require_member)]
StewardDep = Annotated[list[Community], Depends(require_steward)]
