"""The wallet: balances and history in each community currency, and a pay form whose
order is signed server-side with the member's vault key after they re-enter their
password. Stewards get the currency designer and the accounting pages."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from holoptic.bootstrap import Services
from holoptic.currency.categories import CATEGORIES
from holoptic.currency.toml import parse_spec
from holoptic.errors import HolopticError
from holoptic.identity.errors import InvalidCredentials
from holoptic.ledger.accounts import account_id
from holoptic.ledger.amounts import format_amount, parse_amount
from holoptic.ledger.model import AccountKind
from holoptic.ledger.orders import PaymentOrder
from holoptic.vault.model import Member
from holoptic.web.deps import LangDep, MemberDep, ServicesDep, StewardDep
from holoptic.web.errors import N_
from holoptic.web.templating import render, translator

router = APIRouter()
HISTORY = 50


def _wallets(services: Services, member: Member) -> list[dict[str, Any]]:
    communities = {m.community_id for m in services.vault.memberships(member.id)}
    wallets = []
    for row in services.currencies.list():
        if row.community_id not in communities:
            continue
        account = account_id(row.code, AccountKind.MEMBER, member.id)
        with services.uow() as uow:
            state = uow.ledger.state([account], [])
            history = uow.ledger.transfers_of(account, HISTORY)
            found = state.accounts[0] if state.accounts else None
        posted = state.balances[account].posted if account in state.balances else 0
        wallets.append(
            {
                "code": row.code,
                "name": row.name,
                "order_id": str(uuid.uuid4()),  # the transfer id: a double submit pays once
                "balance": format_amount(posted, row.decimals),
                "floor": format_amount(found.lower, row.decimals)
                if found is not None and found.lower is not None
                else None,
                "history": [
                    {
                        "at": t.at,
                        "amount": format_amount(
                            t.amount if t.credit == account else -t.amount, row.decimals
                        ),
                        "category": t.category,
                        "counterparty": t.debit if t.credit == account else t.credit,
                    }
                    for t in history
                ],
            }
        )
    return wallets


def _page(
    request: Request,
    member: Member,
    services: Services,
    lang: str,
    status: int = 200,
    **extra: Any,
) -> Response:
    mine = {m.community_id for m in services.vault.memberships(member.id)}
    slugs = [c.slug for c in services.vault.communities() if c.id in mine]
    found = {m.id: m for slug in slugs for m in services.vault.members(slug)}
    neighbours = [m for m in found.values() if m.id != member.id]  # the member's communities
    context = {
        "wallets": _wallets(services, member),
        "neighbours": sorted(neighbours, key=lambda m: m.name.casefold())[:500],
        "categories": [(c.code, c.label_fr if lang == "fr" else c.label_en) for c in CATEGORIES],
        "result": None,
        "error": None,
    } | extra
    return render(request, "wallet.html", context, status=status)


@router.get("/wallet")
def wallet(request: Request, member: MemberDep, services: ServicesDep, lang: LangDep) -> Response:
    return _page(request, member, services, lang)


PAY_ERRORS = (
    N_("Wrong password: nothing was paid."),
    N_("The payment was refused: {reason}."),
    N_("Paid {amount} {code}."),
)


@router.post("/wallet/pay")
def pay(
    request: Request,
    member: MemberDep,
    services: ServicesDep,
    lang: LangDep,
    currency: Annotated[str, Form()] = "",
    payee: Annotated[str, Form()] = "",
    amount: Annotated[str, Form()] = "",
    category: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    order_id: Annotated[str, Form()] = "",
) -> Response:
    """Re-authenticate, sign with the member's key, pay; a double submit pays once
    (the form's order id is the transfer id)."""
    _ = translator(lang)
    try:
        services.identity.authenticate(member.email or "", password)
    except InvalidCredentials:
        return _page(request, member, services, lang, 403, error=_(PAY_ERRORS[0]))
    try:
        spec = services.currencies.spec(currency)
        order = PaymentOrder(
            order_id or str(uuid.uuid4()),
            spec.code,
            member.id,
            payee,
            parse_amount(amount, spec.decimals),
            category or None,
            services.clock.now(),
        )
        payment = services.payments.pay(order, services.signing_keys.sign(member.id, order))
    except HolopticError as error:
        return _page(request, member, services, lang, 422, error=error.message)
    if not payment.ok:
        reason = payment.refusal.value if payment.refusal else "?"
        message = _(PAY_ERRORS[1]).format(reason=reason)
        return _page(request, member, services, lang, 422, error=message)
    done = _(PAY_ERRORS[2]).format(amount=amount, code=spec.code)
    return _page(request, member, services, lang, result=done)


@router.get("/steward/currency/{code}")
def designer(
    request: Request, code: str, communities: StewardDep, services: ServicesDep
) -> Response:
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


@router.get("/steward/ledger/{code}")
def books(
    request: Request,
    code: str,
    communities: StewardDep,
    services: ServicesDep,
    start: str | None = None,
    end: str | None = None,
) -> Response:
    """Trial balance, journal of a period and the invariant check."""
    today = services.clock.now().date()
    first = _day(start) or today - timedelta(days=30)
    last = _day(end) or today
    decimals = services.currencies.spec(code).decimals
    trial = services.books.trial_balance(code, last)
    lines = services.books.journal(code, first, last)
    [report] = services.books.check(code)
    context = {
        "code": code,
        "start": first,
        "end": last,
        "trial": trial,
        "lines": lines[-500:],
        "report": report,
        "money": lambda n: format_amount(n, decimals),
    }
    return render(request, "ledger_books.html", context)


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
