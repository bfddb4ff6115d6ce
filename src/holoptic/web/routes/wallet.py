"""The wallet: balances, the account statement of a chosen period and the member's
reputation in each community currency, and a pay form whose order is signed server-side
with the member's vault key after they re-enter their password."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from holoptic.bootstrap import Services
from holoptic.currency.categories import CATEGORIES
from holoptic.currency.model import CurrencySpec
from holoptic.errors import HolopticError
from holoptic.identity.errors import InvalidCredentials
from holoptic.ledger.accounts import account_id
from holoptic.ledger.amounts import format_amount, parse_amount
from holoptic.ledger.model import AccountKind
from holoptic.ledger.orders import PaymentOrder
from holoptic.ledger.ports import CurrencyRow
from holoptic.ledger.reputation import ReputationInvalid
from holoptic.vault.model import Member
from holoptic.web.deps import LangDep, MemberDep, ServicesDep
from holoptic.web.errors import N_
from holoptic.web.periods import month_of, parse_period
from holoptic.web.templating import render, translator

router = APIRouter()
Period = tuple[date, date]

# who is on the other side of a statement line, when it is not a member
ACCOUNT_LABELS = {
    AccountKind.ISSUANCE.value: N_("Issuance"),
    AccountKind.TREASURY.value: N_("Community treasury"),
    AccountKind.DEMURRAGE.value: N_("Demurrage"),
    AccountKind.RESERVE.value: N_("Reserve"),
    AccountKind.CONSUMER.value: N_("An organisation"),
}
FLOW_LABELS = {"demurrage": N_("Demurrage"), "dividend": N_("Universal dividend")}


def _wallets(
    services: Services, member: Member, period: Period, names: dict[str, str], lang: str
) -> list[dict[str, Any]]:
    communities = {m.community_id for m in services.vault.memberships(member.id)}
    return [
        _wallet(services, member, row, period, names, lang)
        for row in services.currencies.list()
        if row.community_id in communities
    ]


def _wallet(
    services: Services,
    member: Member,
    row: CurrencyRow,
    period: Period,
    names: dict[str, str],
    lang: str,
) -> dict[str, Any]:
    """One currency: balance, limit, the period's statement and the member's standing."""
    _ = translator(lang)
    account = account_id(row.code, AccountKind.MEMBER, member.id)
    with services.uow() as uow:
        state = uow.ledger.state([account], [])
    found = state.accounts[0] if state.accounts else None
    posted = state.balances[account].posted if account in state.balances else 0
    statement = services.books.statement(row.code, account, *period)
    labels = {c.code: c.label(lang) for c in CATEGORIES} | {k: _(v) for k, v in FLOW_LABELS.items()}

    def money(minor: int) -> str:
        return format_amount(minor, row.decimals)

    return {
        "code": row.code,
        "name": row.name,
        "order_id": str(uuid.uuid4()),  # the transfer id: a double submit pays once
        "balance": money(posted),
        "floor": money(found.lower) if found is not None and found.lower is not None else None,
        "opening": money(statement.opening),
        "closing": money(statement.closing),
        "lines": [
            {
                "at": line.at,
                "counterparty": _counterparty(line.counterparty, names, lang),
                "category": labels.get(line.category or "", line.category or ""),
                "amount": money(line.amount),
                "balance": money(line.balance),
            }
            for line in statement.lines
        ],
        "standing": _standing(services, row.code, member.id),
        "links": _links(services.currencies.spec(row.code)),
        "exchange_id": str(uuid.uuid4()),
    }


def _links(spec: CurrencySpec) -> list[dict[str, str | None]]:
    """The currency's exchange links, as the exchange form offers them."""
    return [
        {
            "to": link.to,
            "rate": str(link.rate),
            "fee": f"{link.fee_bp / 100:g} %",
            "cap": format_amount(link.daily_cap, spec.decimals) if link.daily_cap else None,
        }
        for link in spec.exchange
    ]


def _counterparty(account: str, names: dict[str, str], lang: str) -> str:
    """A member's name, or what a system account is for."""
    _ = translator(lang)
    _code, kind, owner = [*account.split(":", 2), "", ""][:3]
    if kind == AccountKind.MEMBER.value:
        return names.get(owner) or _("A former member")
    if kind == AccountKind.EXCHANGE.value:
        return _("Exchange to {currency}").format(currency=owner)
    label = ACCOUNT_LABELS.get(kind)
    return _(label) if label else account


def _standing(services: Services, code: str, member_id: str) -> dict[str, Any] | None:
    """The member's EigenTrust score and rank, or None when the currency has none."""
    try:
        report = services.books.reputation(code)
    except ReputationInvalid:
        return None
    mine = report.of(member_id)
    if mine is None:
        return None
    return {"score": mine.score, "rank": mine.rank, "count": len(report.standings)}


def _page(
    request: Request,
    member: Member,
    services: Services,
    lang: str,
    period: Period | None = None,
    status: int = 200,
    **extra: Any,
) -> Response:
    mine = {m.community_id for m in services.vault.memberships(member.id)}
    slugs = [c.slug for c in services.vault.communities() if c.id in mine]
    found = {m.id: m for slug in slugs for m in services.vault.members(slug)}
    neighbours = [m for m in found.values() if m.id != member.id]  # the member's communities
    names = {m.id: m.name for m in found.values()}
    period = period or month_of(services.clock.now().date())
    context = {
        "wallets": _wallets(services, member, period, names, lang),
        "start": period[0],
        "end": period[1],
        "neighbours": sorted(neighbours, key=lambda m: m.name.casefold())[:500],
        "categories": [(c.code, c.label(lang)) for c in CATEGORIES],
        "result": None,
        "error": None,
    } | extra
    return render(request, "wallet.html", context, status=status)


@router.get("/wallet")
def wallet(
    request: Request,
    member: MemberDep,
    services: ServicesDep,
    lang: LangDep,
    start: str | None = None,
    end: str | None = None,
) -> Response:
    """Balances, and each account's statement for the chosen period (this month unless
    ``start``/``end`` say otherwise; a malformed or reversed period is a 400)."""
    period = parse_period(start, end, month_of(services.clock.now().date()))
    return _page(request, member, services, lang, period)


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
        return _page(request, member, services, lang, status=403, error=_(PAY_ERRORS[0]))
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
        payment = services.payment_desk.pay(order, services.signing_keys.sign(member.id, order))
    except HolopticError as error:
        return _page(request, member, services, lang, status=422, error=error.message)
    if not payment.ok:
        reason = payment.refusal.value if payment.refusal else "?"
        message = _(PAY_ERRORS[1]).format(reason=reason)
        return _page(request, member, services, lang, status=422, error=message)
    done = _(PAY_ERRORS[2]).format(amount=amount, code=spec.code)
    return _page(request, member, services, lang, result=done)
