"""API v1 routes: health, profile, items, summary and reveal, each behind a token scope."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from holoptic import __version__
from holoptic.identity.model import ApiToken, Scope
from holoptic.reveal.report import report_document
from holoptic.vault.kinds import KINDS, kind_spec
from holoptic.vault.model import DataItem
from holoptic.web.deps import ServicesDep
from holoptic.web.errors import ERRORS, PROBLEM_JSON, TokenRequired, TokenWithoutMember, problem

bearer = HTTPBearer(auto_error=False, description="An API token: `hol_…`")


class Problem(BaseModel):
    type: str
    title: str
    status: int
    detail: str
    code: str


PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": text}
    for status, text in (
        (401, "No token, or an unknown, expired or revoked one"),
        (403, "The token lacks the scope"),
    )
}
router = APIRouter(responses=PROBLEMS)


class Health(BaseModel):
    status: str
    version: str


class CommunityOut(BaseModel):
    slug: str
    name: str
    role: str


class MeOut(BaseModel):
    id: str
    name: str
    email: str | None
    lang: str
    created_at: datetime
    communities: list[CommunityOut]


class ItemOut(BaseModel):
    id: str
    kind: str
    category: str
    day: date | None
    period_start: datetime | None
    period_end: datetime | None
    record_count: int
    content_hash: str
    created_at: datetime


class ItemPage(BaseModel):
    items: list[ItemOut]
    limit: int
    offset: int
    next_offset: int | None


class ItemDetail(ItemOut):
    records: list[dict[str, Any]]


class KindOut(BaseModel):
    kind: str
    label: str
    category: str
    items: int
    records: int
    first: datetime | None
    last: datetime | None


class SummaryOut(BaseModel):
    kinds: list[KindOut]


def token_with(scope: Scope, consumer: bool = False) -> Callable[..., ApiToken]:
    """A dependency that admits a member's (or, with ``consumer``, a consumer's) token
    carrying ``scope``."""

    def dependency(
        services: ServicesDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> ApiToken:
        if credentials is None:
            raise TokenRequired("send an API token: Authorization: Bearer hol_…")
        token = services.identity.verify_token(credentials.credentials, scope)
        if consumer:
            if token.consumer_id is None:
                raise TokenRequired("this request needs a consumer's API token")
            return token
        if token.member_id is None:
            raise TokenWithoutMember("this token does not belong to a member")
        return token

    return dependency


def _item(item: DataItem) -> dict[str, Any]:
    fields = ItemOut.model_fields
    return {name: getattr(item, name) for name in fields}


def _member_id(token: ApiToken) -> str:
    assert token.member_id is not None  # token_with() admits member tokens only
    return token.member_id


@router.get("/health", response_model=Health, responses={})
def health() -> Health:
    return Health(status="ok", version=__version__)


@router.get("/me", response_model=MeOut)
def me(
    services: ServicesDep, token: Annotated[ApiToken, Depends(token_with(Scope.PROFILE_READ))]
) -> MeOut:
    member = services.vault.member(_member_id(token))
    roles = {m.community_id: m.role.value for m in services.vault.memberships(member.id)}
    communities = [
        CommunityOut(slug=c.slug, name=c.name, role=roles[c.id])
        for c in services.vault.communities()
        if c.id in roles
    ]
    return MeOut(
        id=member.id,
        name=member.name,
        email=member.email,
        lang=member.lang,
        created_at=member.created_at,
        communities=communities,
    )


@router.get("/items", response_model=ItemPage)
def items(
    services: ServicesDep,
    token: Annotated[ApiToken, Depends(token_with(Scope.DATA_READ))],
    kind: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ItemPage:
    if kind is not None:
        kind_spec(kind)  # an unknown kind is a 422 problem, not an empty list
    found = services.items.items(_member_id(token), kind, limit, offset)
    return ItemPage(
        items=[ItemOut(**_item(item)) for item in found],
        limit=limit,
        offset=offset,
        next_offset=offset + limit if len(found) == limit else None,
    )


@router.get(
    "/items/{item_id}",
    response_model=ItemDetail,
    responses={404: PROBLEMS[401] | {"description": "No such item among the token owner's"}},
)
def item(
    services: ServicesDep,
    item_id: str,
    token: Annotated[ApiToken, Depends(token_with(Scope.DATA_READ))],
) -> ItemDetail:
    found, records = services.items.read(_member_id(token), item_id)
    return ItemDetail(**_item(found), records=records)


@router.get("/summary", response_model=SummaryOut)
def summary(
    services: ServicesDep, token: Annotated[ApiToken, Depends(token_with(Scope.DATA_READ))]
) -> SummaryOut:
    kinds = [
        KindOut(
            kind=s.kind,
            label=KINDS[s.kind].label("en") if s.kind in KINDS else s.kind,
            category=s.category,
            items=s.items,
            records=s.records,
            first=s.first,
            last=s.last,
        )
        for s in services.items.summary(_member_id(token))
    ]
    return SummaryOut(kinds=kinds)


@router.get("/reveal", response_model=dict[str, Any])
def reveal(
    services: ServicesDep, token: Annotated[ApiToken, Depends(token_with(Scope.DATA_READ))]
) -> dict[str, Any]:
    """Who holds the owner's data: the same document as ``holoptic reveal --json``."""
    return report_document(services.reveal.report(_member_id(token)))


@router.get("/problems/{code}", responses={})
def problem_type(code: str) -> JSONResponse:
    """What a problem ``code`` (the ``type`` of a problem document) means."""
    if code not in ERRORS:
        return problem(404, "web.not_found", f"no problem type {code!r}")
    title, message = ERRORS[code]
    return JSONResponse({"code": code, "title": title, "description": message})
