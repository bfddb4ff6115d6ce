"""The steward area: counts about a community, never a member's records; the currency
designer and the books of the currencies of the communities the member stewards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from holoptic.bootstrap import Services
from holoptic.currency.toml import parse_spec
from holoptic.errors import HolopticError
from holoptic.ledger.amounts import format_amount
from holoptic.ledger.currencies import CurrencyNotFound
from holoptic.ledger.ports import CurrencyRow
from holoptic.ledger.reputation import ReputationInvalid
from holoptic.vault.model import Community, KindSummary, Member
from holoptic.web.deps import ServicesDep, StewardDep
from holoptic.web.errors import NotSteward
from holoptic.web.periods import parse_period
from holoptic.web.templating import render

router = APIRouter()


@dataclass(frozen=True, slots=True)
class CommunityView:
    community: Community
    members: list[Member]
    kinds: list[KindSummary]

    @property
    def items(self) -> int:
        return sum(kind.items for kind in self.kinds)

    @property
    def records(self) -> int:
        return sum(kind.records for kind in self.kinds)


def community_view(services: Services, community: Community) -> CommunityView:
    return CommunityView(
        community,
        sorted(services.vault.members(community.slug), key=lambda m: m.name.casefold()),
        services.items.community_summary(community.id),
    )


def _page(
    request: Request,
    communities: list[Community],
    services: Services,
    issued: dict[str, str] | None = None,
) -> Response:
    views = [community_view(services, community) for community in communities]
    mine = {c.id for c in communities}
    context = {
        "views": views,
        "consumers": services.consumers.list(),
        "issued": issued,
        "currencies": [row for row in services.currencies.list() if row.community_id in mine],
    }
    return render(request, "steward.html", context)


@router.get("/steward")
def steward(request: Request, communities: StewardDep, services: ServicesDep) -> Response:
    return _page(request, communities, services)


@router.post("/steward/consumers/{consumer_id}/approve")
def approve(
    request: Request, consumer_id: str, communities: StewardDep, services: ServicesDep
) -> Response:
    """Approve an organisation; its first token is shown once, on this page only."""
    consumer = services.consumers.approve(consumer_id)
    _token, secret = services.consumers.issue_token(consumer.id)
    return _page(request, communities, services, {"name": consumer.name, "token": secret})


@router.post("/steward/consumers/{consumer_id}/suspend")
def suspend(consumer_id: str, communities: StewardDep, services: ServicesDep) -> Response:
    services.consumers.suspend(consumer_id)
    return RedirectResponse("/steward#consumers", status_code=303)


def stewarded_currency(
    services: Services, communities: list[Community], code: str
) -> tuple[CurrencyRow, Community]:
    """The currency and its community, if the member stewards that community: an unknown
    code is a 404, another community's currency a 403."""
    row = next((r for r in services.currencies.list() if r.code == code), None)
    if row is None:
        raise CurrencyNotFound(f"no currency {code!r}", code=code)
    community = next((c for c in communities if c.id == row.community_id), None)
    if community is None:
        raise NotSteward(f"{code} belongs to a community you do not steward", code=code)
    return row, community


@router.get("/steward/currency/{code}")
def designer(
    request: Request, code: str, communities: StewardDep, services: ServicesDep
) -> Response:
    stewarded_currency(services, communities, code)
    return _designer(request, services, code, services.currencies.toml(code), [])


@router.post("/steward/currency/{code}")
def revise(
    request: Request,
    code: str,
    communities: StewardDep,
    services: ServicesDep,
    spec: Annotated[str, Form()] = "",
) -> Response:
    """Validate the edited spec; a valid one becomes the next version, kept beside the
    old ones. Every problem is listed with its place in the file."""
    stewarded_currency(services, communities, code)
    try:
        parse_spec(spec, previous=services.currencies.spec(code))
        services.currencies.revise(spec)
    except HolopticError as error:
        found = error.details.get("problems")
        problems = found if isinstance(found, list) else [{"path": "", "message": error.message}]
        return _designer(request, services, code, spec, problems, status=422)
    return _designer(request, services, code, services.currencies.toml(code), [], saved=True)


def _designer(
    request: Request,
    services: Services,
    code: str,
    text: str,
    problems: list[Any],
    status: int = 200,
    saved: bool = False,
) -> Response:
    context = {
        "code": code,
        "text": text,
        "problems": problems,
        "saved": saved,
        "document": services.currencies.document(code),
    }
    return render(request, "currency_designer.html", context, status=status)


JOURNAL_LINES = 500  # the page shows the period's last lines; the CLI exports them all
REPUTATION_ROWS = 50


@router.get("/steward/ledger/{code}")
def books(
    request: Request,
    code: str,
    communities: StewardDep,
    services: ServicesDep,
    start: str | None = None,
    end: str | None = None,
) -> Response:
    """The invariant check, the period's trial balance (opening, debits, credits,
    closing) and journal, and the reputation table. The period defaults to the last 30
    days; a malformed or reversed one is a 400."""
    row, community = stewarded_currency(services, communities, code)
    today = services.clock.now().date()
    first, last = parse_period(start, end, (today - timedelta(days=30), today))
    lines = services.books.journal(code, first, last)
    [report] = services.books.check(code)
    context = {
        "code": code,
        "name": row.name,
        "start": first,
        "end": last,
        "trial": services.books.period_balance(code, first, last),
        "lines": lines[-JOURNAL_LINES:],
        "journal_total": len(lines),
        "report": report,
        "money": lambda n: format_amount(n, row.decimals),
    } | _reputation(services, community, code)
    return render(request, "ledger_books.html", context)


def _reputation(services: Services, community: Community, code: str) -> dict[str, Any]:
    """The top of the reputation table with members' names, or why there is none."""
    try:
        trust = services.books.reputation(code)
    except ReputationInvalid:
        return {"trust": None, "trust_rows": []}
    names = {m.id: m.name for m in services.vault.members(community.slug)}
    rows = [(s, names.get(s.member, s.member)) for s in trust.standings[:REPUTATION_ROWS]]
    return {"trust": trust, "trust_rows": rows}
