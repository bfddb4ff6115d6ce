"""``holoptic currency buy``, ``holoptic currency redeem`` and ``holoptic exchange``:
euros in and out of a euro-backed currency, and payments across exchange links."""

from __future__ import annotations

import uuid
from typing import Annotated

import typer

from holoptic.cli.context import state
from holoptic.cli.output import JsonFlag, emit_json, line
from holoptic.cli.text import _
from holoptic.ledger.amounts import parse_amount
from holoptic.ledger.cashier import Receipt, RedemptionOrder
from holoptic.ledger.exchange import CrossingOrder

MemberOption = Annotated[str, typer.Option("--member", help="The member id.")]
CurrencyOption = Annotated[str, typer.Option("--currency", help="The currency code.")]
IdOption = Annotated[str | None, typer.Option("--id", help="The transfer id (idempotency key).")]


def buy_command(
    ctx: typer.Context,
    member: MemberOption,
    amount: Annotated[str, typer.Option("--amount", help="Euros paid, e.g. 50.00.")],
    currency: CurrencyOption,
    transfer_id: IdOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Record a member's purchase with euros: as many units are issued (no member signature)."""
    services = state(ctx).services()
    spec = services.currencies.spec(currency)
    receipt = services.cashier.buy(
        spec.code, member, parse_amount(amount, spec.decimals), transfer_id or str(uuid.uuid4())
    )
    done = _("Issued {amount} {code} to {member} for as many euros ({id}).")
    _report(
        receipt,
        json_output,
        done.format(amount=amount, code=spec.code, member=member, id=receipt.id),
    )


def redeem_command(
    ctx: typer.Context,
    member: MemberOption,
    amount: Annotated[str, typer.Option("--amount", help="In major units, e.g. 12.50.")],
    currency: CurrencyOption,
    transfer_id: IdOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Redeem a member's units for euros, minus the fee (signed with the member's vault key)."""
    services = state(ctx).services()
    spec = services.currencies.spec(currency)
    order = RedemptionOrder.of(
        transfer_id or str(uuid.uuid4()),
        spec.code,
        member,
        parse_amount(amount, spec.decimals),
        services.clock.now(),
    )
    receipt = services.cashier.redeem(order, services.signing_keys.sign(member, order))
    done = _("Redeemed {amount} {code}: {paid} EUR paid, {fee} {code} kept as the fee ({id}).")
    paid, fee = receipt.amounts.get("euros_paid"), receipt.amounts.get("fee")
    text = done.format(amount=amount, code=spec.code, paid=paid, fee=fee, id=receipt.id)
    _report(receipt, json_output, text)


def exchange_command(
    ctx: typer.Context,
    payer: Annotated[str, typer.Option("--from", help="The paying member's id.")],
    amount: Annotated[str, typer.Option("--amount", help="In major units, e.g. 12.50.")],
    currency: Annotated[str, typer.Option("--currency", help="The currency paid from.")],
    to_currency: Annotated[
        str, typer.Option("--to-currency", help="The currency paid into, e.g. EUR.")
    ],
    payee: Annotated[
        str, typer.Option("--to", help="The paid member's id (none for a cash-out to euros).")
    ] = "",
    transfer_id: IdOption = None,
    category: Annotated[
        str | None, typer.Option("--category", help="What is paid for (a category code).")
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """Pay into another currency across an exchange link, or cash out to euros (signed)."""
    services = state(ctx).services()
    spec = services.currencies.spec(currency)
    order = CrossingOrder(
        transfer_id or str(uuid.uuid4()),
        spec.code,
        payer,
        payee,
        parse_amount(amount, spec.decimals),
        category,
        services.clock.now(),
        to_currency.strip().upper(),
    )
    receipt = services.exchange.cross(order, services.signing_keys.sign(payer, order))
    done = _("Crossed {amount} {code} into {to}: {received} {to} received, fee {fee} ({id}).")
    _report(
        receipt,
        json_output,
        done.format(
            amount=amount,
            code=spec.code,
            to=order.to_currency,
            received=receipt.amounts.get("received"),
            fee=receipt.amounts.get("fee"),
            id=receipt.id,
        ),
    )


def _report(receipt: Receipt, json_output: bool, done: str) -> None:
    """Print the receipt (one JSON document with ``--json``); exit 1 on a refusal."""
    if json_output:
        emit_json(receipt.document())
    elif receipt.ok:
        line(done)
    elif receipt.detail:
        line(
            _("Refused: {reason} ({detail}).").format(reason=receipt.refusal, detail=receipt.detail)
        )
    else:
        line(_("Refused: {reason}.").format(reason=receipt.refusal))
    if not receipt.ok:
        raise typer.Exit(1)
