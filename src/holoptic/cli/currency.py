"""``holoptic currency``, ``holoptic pay`` and ``holoptic ledger``: community currencies."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from holoptic.cli.context import state
from holoptic.cli.output import JsonFlag, emit_json, line
from holoptic.cli.text import _
from holoptic.errors import InvalidInput
from holoptic.ledger.accounts import account_id
from holoptic.ledger.amounts import format_amount, parse_amount
from holoptic.ledger.model import AccountKind
from holoptic.ledger.orders import PaymentOrder

app = typer.Typer(help="Design and inspect community currencies.", no_args_is_help=True)
CodeArgument = Annotated[str, typer.Argument(metavar="CODE", help="The currency code.")]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(
            _("cannot read {path}: {error}").format(path=path, error=error)
        ) from None


@app.command("create")
def create(
    ctx: typer.Context,
    spec: Annotated[Path, typer.Argument(metavar="SPEC.toml", help="The currency's spec.")],
    json_output: JsonFlag = False,
) -> None:
    """Create a currency from its TOML spec (every problem is reported at once)."""
    created = state(ctx).services().currencies.create(_read(spec))
    if json_output:
        emit_json({"code": created.code, "version": created.version})
        return
    line(
        _("Created {code} ({name}), version {version}.").format(
            code=created.code, name=created.name, version=created.version
        )
    )


@app.command("revise")
def revise(
    ctx: typer.Context,
    spec: Annotated[Path, typer.Argument(metavar="SPEC.toml", help="The next version.")],
) -> None:
    """Record a new version of a currency's spec (the old ones are kept)."""
    revised = state(ctx).services().currencies.revise(_read(spec))
    line(
        _("{code} is now at version {version}, from {date}.").format(
            code=revised.code, version=revised.version, date=revised.effective_from.isoformat()
        )
    )


@app.command("show")
def show(ctx: typer.Context, code: CodeArgument, json_output: JsonFlag = False) -> None:
    """Show a currency's spec in force and its money mass."""
    currencies = state(ctx).services().currencies
    if json_output:
        emit_json(currencies.document(code))
        return
    typer.echo(currencies.toml(code), nl=False)


@app.command("locate")
def locate(
    ctx: typer.Context,
    code: CodeArgument,
    member: Annotated[str, typer.Option("--member", help="The member id.")],
    lon: Annotated[float, typer.Option("--lon", help="Longitude.")],
    lat: Annotated[float, typer.Option("--lat", help="Latitude.")],
) -> None:
    """Record where a member's account is, for the currency's perimeter."""
    state(ctx).services().payments.locate(code, member, lon, lat)
    line(_("Located {member}'s {code} account.").format(member=member, code=code))


def pay_command(
    ctx: typer.Context,
    payer: Annotated[str, typer.Option("--from", help="The paying member's id.")],
    payee: Annotated[str, typer.Option("--to", help="The paid member's id.")],
    amount: Annotated[str, typer.Option("--amount", help="In major units, e.g. 12.50.")],
    currency: Annotated[str, typer.Option("--currency", help="The currency code.")],
    transfer_id: Annotated[
        str | None, typer.Option("--id", help="The transfer id (idempotency key).")
    ] = None,
    category: Annotated[
        str | None, typer.Option("--category", help="What is paid for (a category code).")
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """Pay another member: the order is signed with the payer's vault key and verified."""
    services = state(ctx).services()
    spec = services.currencies.spec(currency)
    order = PaymentOrder(
        transfer_id or str(uuid.uuid4()),
        spec.code,
        payer,
        payee,
        parse_amount(amount, spec.decimals),
        category,
        services.clock.now(),
    )
    payment = services.payments.pay(order, services.signing_keys.sign(payer, order))
    if json_output:
        emit_json(payment.document(spec.decimals))
    elif payment.ok:
        line(_("Paid {amount} {code} ({id}).").format(amount=amount, code=spec.code, id=order.id))
    else:
        line(_("Refused: {reason}.").format(reason=payment.refusal))
    if not payment.ok:
        raise typer.Exit(1)


ledger = typer.Typer(help="Daily flows, invariants, books and exports.", no_args_is_help=True)


@ledger.command("daily")
def daily(
    ctx: typer.Context,
    day: Annotated[str, typer.Option("--date", help="The day (YYYY-MM-DD).")],
    json_output: JsonFlag = False,
) -> None:
    """Post the day's demurrage and dividends, once (safe to run again)."""
    reports = state(ctx).services().daily.run(_date(day))
    if json_output:
        flows = [
            {
                "currency": r.currency,
                "kind": r.kind,
                "day": r.day.isoformat(),
                "accounts": r.accounts,
                "amount": r.amount,
                "skipped": r.skipped,
            }
            for r in reports
        ]
        emit_json({"flows": flows})
        return
    for r in reports:
        line(
            _("{currency} {kind} {day}: {accounts} accounts, {amount} minor units{done}").format(
                currency=r.currency,
                kind=r.kind,
                day=r.day.isoformat(),
                accounts=r.accounts,
                amount=r.amount,
                done=_(" (already done)") if r.skipped else "",
            )
        )


@ledger.command("check")
def check(
    ctx: typer.Context,
    currency: Annotated[str | None, typer.Option("--currency", help="Only this one.")] = None,
    json_output: JsonFlag = False,
) -> None:
    """Check every invariant of the ledger; exit 1 on any violation."""
    reports = state(ctx).services().books.check(currency)
    if json_output:
        emit_json(
            {
                "ok": all(r.ok for r in reports),
                "currencies": [
                    {
                        "currency": r.currency,
                        "accounts": r.accounts,
                        "transfers": r.transfers,
                        "violations": [
                            {"code": v.code.value, "message": v.message, "subject": v.subject}
                            for v in r.violations
                        ],
                    }
                    for r in reports
                ],
            }
        )
    else:
        for r in reports:
            line(
                _(
                    "{currency}: {accounts} accounts, {transfers} transfers, {count} violations"
                ).format(
                    currency=r.currency,
                    accounts=r.accounts,
                    transfers=r.transfers,
                    count=len(r.violations),
                )
            )
            for v in r.violations:
                line(f"  {v.code.value}: {v.message}")
    if not all(r.ok for r in reports):
        raise typer.Exit(1)


@ledger.command("export")
def export(
    ctx: typer.Context,
    currency: Annotated[str, typer.Option("--currency", help="The currency code.")],
    fmt: Annotated[str, typer.Option("--format", help="beancount or csv.")] = "beancount",
) -> None:
    """Write the currency's books as Beancount (bean-check accepts it) or CSV."""
    if fmt not in ("beancount", "csv"):
        raise typer.BadParameter(_("the format is beancount or csv"))
    typer.echo(state(ctx).services().books.export(currency, fmt), nl=False)


@ledger.command("balance")
def balance(
    ctx: typer.Context,
    currency: Annotated[str, typer.Option("--currency", help="The currency code.")],
    at: Annotated[str | None, typer.Option("--at", help="The day (default today).")] = None,
    json_output: JsonFlag = False,
) -> None:
    """The trial balance of a currency at a date."""
    services = state(ctx).services()
    decimals = services.currencies.spec(currency).decimals
    day = _date(at) if at else services.clock.now().date()
    trial = services.books.trial_balance(currency, day)
    rows = [
        {
            "account": r.account,
            "debits": format_amount(r.debits, decimals),
            "credits": format_amount(r.credits, decimals),
            "balance": format_amount(r.balance, decimals),
        }
        for r in trial.rows
    ]
    if json_output:
        emit_json(
            {"currency": currency, "at": day.isoformat(), "rows": rows, "balanced": trial.balanced}
        )
        return
    for row in rows:
        line(f"{row['account']:<60} {row['balance']:>14}")


@ledger.command("statement")
def statement_command(
    ctx: typer.Context,
    currency: Annotated[str, typer.Option("--currency", help="The currency code.")],
    member: Annotated[str, typer.Option("--member", help="The member id.")],
    start: Annotated[str, typer.Option("--start", help="First day (YYYY-MM-DD).")],
    end: Annotated[str, typer.Option("--end", help="Last day (YYYY-MM-DD).")],
    json_output: JsonFlag = False,
) -> None:
    """A member's account statement for a period."""
    services = state(ctx).services()
    decimals = services.currencies.spec(currency).decimals
    account = account_id(currency, AccountKind.MEMBER, member)
    found = services.books.statement(currency, account, _date(start), _date(end))
    lines = [
        {
            "id": x.transfer_id,
            "at": x.at.isoformat(),
            "counterparty": x.counterparty,
            "amount": format_amount(x.amount, decimals),
            "balance": format_amount(x.balance, decimals),
            "category": x.category,
        }
        for x in found.lines
    ]
    document = {
        "account": account,
        "opening": format_amount(found.opening, decimals),
        "closing": format_amount(found.closing, decimals),
        "lines": lines,
    }
    if json_output:
        emit_json(document)
        return
    line(_("Opening balance: {amount}").format(amount=document["opening"]))
    for x in lines:
        line(f"{str(x['at'])[:10]}  {x['amount']:>12}  {x['balance']:>12}  {x['counterparty']}")
    line(_("Closing balance: {amount}").format(amount=document["closing"]))


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(_("{text!r} is not a date (YYYY-MM-DD)").format(text=text)) from None
