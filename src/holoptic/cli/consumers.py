"""``holoptic consumer``: register, approve, suspend consumers and issue their tokens."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from holoptic.cli.context import state
from holoptic.cli.output import JsonFlag, console, emit_json, iso, line
from holoptic.cli.text import _
from holoptic.consumers.model import Consumer
from holoptic.rules.model import ConsumerType

app = typer.Typer(help="Organisations that ask to use members' data.", no_args_is_help=True)


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The organisation's name.")],
    type: Annotated[ConsumerType, typer.Option("--type", help="The kind of organisation.")],
    email: Annotated[str | None, typer.Option("--email", help="Contact e-mail.")] = None,
    website: Annotated[str | None, typer.Option("--website", help="Web site.")] = None,
    pending: Annotated[
        bool, typer.Option("--pending", help="Register only; a steward approves it later.")
    ] = False,
    json_output: JsonFlag = False,
) -> None:
    """Register a consumer, approve it and print its id and API token (shown once)."""
    consumers = state(ctx).services().consumers
    consumer = consumers.register(name, type, email, website)
    secret = None
    if not pending:
        consumers.approve(consumer.id)
        _token, secret = consumers.issue_token(consumer.id)
    if json_output:
        emit_json({"id": consumer.id, "token": secret, "status": consumers.get(consumer.id).status})
        return
    line(_("Consumer {name}: {id}").format(name=consumer.name, id=consumer.id))
    if secret:
        line(_("API token (shown once): {token}").format(token=secret))
    else:
        line(
            _("Waiting for a steward's approval: holoptic consumer approve {id}").format(
                id=consumer.id
            )
        )


@app.command("approve")
def approve(
    ctx: typer.Context,
    consumer_id: Annotated[str, typer.Argument(metavar="ID", help="The consumer id.")],
    json_output: JsonFlag = False,
) -> None:
    """Approve a registered consumer and print a new API token (shown once)."""
    consumers = state(ctx).services().consumers
    consumer = consumers.approve(consumer_id)
    _token, secret = consumers.issue_token(consumer.id)
    if json_output:
        emit_json({"id": consumer.id, "token": secret, "status": consumer.status})
        return
    line(
        _("Approved {name}. API token (shown once): {token}").format(
            name=consumer.name, token=secret
        )
    )


@app.command("token")
def token(
    ctx: typer.Context,
    consumer_id: Annotated[str, typer.Argument(metavar="ID", help="The consumer id.")],
    json_output: JsonFlag = False,
) -> None:
    """Issue another API token to an approved consumer."""
    _token, secret = state(ctx).services().consumers.issue_token(consumer_id)
    if json_output:
        emit_json({"id": consumer_id, "token": secret})
        return
    line(secret)


@app.command("suspend")
def suspend(
    ctx: typer.Context,
    consumer_id: Annotated[str, typer.Argument(metavar="ID", help="The consumer id.")],
) -> None:
    """Suspend a consumer: its tokens are revoked and its requests refused at once."""
    consumer = state(ctx).services().consumers.suspend(consumer_id)
    line(_("Suspended {name}; its tokens are revoked.").format(name=consumer.name))


@app.command("list")
def list_consumers(ctx: typer.Context, json_output: JsonFlag = False) -> None:
    """List consumers with their type and status."""
    documents = [_document(c) for c in state(ctx).services().consumers.list()]
    if json_output:
        emit_json({"consumers": documents})
        return
    table = Table(box=box.SIMPLE_HEAD)
    for header in (_("ID"), _("Name"), _("Type"), _("Status")):
        table.add_column(header, overflow="fold")
    for doc in documents:
        table.add_row(doc["id"], doc["name"], doc["type"], doc["status"])
    console().print(table)


def _document(consumer: Consumer) -> dict[str, Any]:
    return {
        "id": consumer.id,
        "name": consumer.name,
        "type": consumer.type.value,
        "status": consumer.status.value,
        "contact_email": consumer.contact_email,
        "created_at": iso(consumer.created_at),
        "approved_at": iso(consumer.approved_at),
    }
