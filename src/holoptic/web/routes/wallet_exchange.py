"""The wallet's exchange form: change money across one of the currency's exchange links,
into the member's own account in another community currency, or out to euros.

The order is signed server-side with the member's vault key after they re-enter their
password, like a payment; the form's order id makes a double submit cross once.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from holoptic.errors import HolopticError
from holoptic.identity.errors import InvalidCredentials
from holoptic.ledger.amounts import parse_amount
from holoptic.ledger.exchange import CrossingOrder
from holoptic.web.deps import LangDep, MemberDep, ServicesDep
from holoptic.web.errors import N_
from holoptic.web.routes.wallet import PAY_ERRORS, _page
from holoptic.web.templating import translator

router = APIRouter()
EURO = "EUR"  # not a ledger currency: crossing into it is a cash-out

EXCHANGE_MESSAGES = (
    N_("The exchange was refused: {reason}."),
    N_("Changed {amount} {code} into {received} {to} (fee {fee} {code})."),
)


@router.post("/wallet/exchange")
def exchange(
    request: Request,
    member: MemberDep,
    services: ServicesDep,
    lang: LangDep,
    currency: Annotated[str, Form()] = "",
    to_currency: Annotated[str, Form()] = "",
    amount: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    order_id: Annotated[str, Form()] = "",
) -> Response:
    """Re-authenticate, sign with the member's key, cross (both currencies or neither)."""
    _ = translator(lang)
    try:
        services.identity.authenticate(member.email or "", password)
    except InvalidCredentials:
        return _page(request, member, services, lang, status=403, error=_(PAY_ERRORS[0]))
    to = to_currency.strip().upper()
    try:
        spec = services.currencies.spec(currency)
        order = CrossingOrder(
            order_id or str(uuid.uuid4()),
            spec.code,
            member.id,
            "" if to == EURO else member.id,  # into the member's own account over there
            parse_amount(amount, spec.decimals),
            None,
            services.clock.now(),
            to,
        )
        receipt = services.exchange.cross(order, services.signing_keys.sign(member.id, order))
    except HolopticError as error:
        return _page(request, member, services, lang, status=422, error=error.message)
    if not receipt.ok:
        reason = receipt.refusal.value if receipt.refusal else "?"
        detail = f"{reason} ({receipt.detail})" if receipt.detail else reason
        message = _(EXCHANGE_MESSAGES[0]).format(reason=detail)
        return _page(request, member, services, lang, status=422, error=message)
    done = _(EXCHANGE_MESSAGES[1]).format(
        amount=amount,
        code=spec.code,
        received=receipt.amounts.get("received"),
        to=to,
        fee=receipt.amounts.get("fee"),
    )
    return _page(request, member, services, lang, result=done)
