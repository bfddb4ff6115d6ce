"""``holoptic use``, ``holoptic grants`` and ``holoptic lineage``: the gate from a shell.

``use`` goes through the very gate the API uses (decide, release, log); an operator
names the consumer instead of presenting its token.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from holoptic.cli.context import state
from holoptic.cli.output import JsonFlag, emit_json, line
from holoptic.cli.text import _
from holoptic.errors import InvalidInput
from holoptic.gate.model import UseQuery
from holoptic.gate.release import release_json
from holoptic.rules.model import Aggregation, Period


def use_command(
    ctx: typer.Context,
    consumer: Annotated[str, typer.Option("--consumer", help="The consumer id.")],
    purpose: Annotated[str, typer.Option("--purpose", help="A DPV purpose IRI.")],
    category: Annotated[
        list[str], typer.Option("--category", help="A DPV personal-data IRI (repeatable).")
    ],
    member: Annotated[
        list[str] | None, typer.Option("--member", help="A member id (repeatable; default all).")
    ] = None,
    aggregation: Annotated[
        Aggregation, typer.Option("--aggregation", help="How much of each person to release.")
    ] = Aggregation.RAW,
    start: Annotated[str | None, typer.Option("--start", help="Data from (ISO 8601).")] = None,
    end: Annotated[str | None, typer.Option("--end", help="Data until (ISO 8601).")] = None,
    grant: Annotated[str | None, typer.Option("--grant", help="Use under this grant.")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the released data here.")
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """Ask the gate, as a consumer, to use members' data; every answer is logged."""
    query = UseQuery(
        purpose=purpose,
        categories=tuple(category),
        members=tuple(member) if member else None,
        period=_period(start, end),
        aggregation=aggregation,
        grant_id=grant,
    )
    outcome = state(ctx).services().gate.request(query, consumer_id=consumer)
    if output is not None and outcome.released is not None:
        output.write_bytes(release_json(outcome.released))
    if json_output:
        emit_json(outcome.summary())
    else:
        decision = _("permitted") if outcome.permitted else _("denied")
        line(
            _("Use {id}: {decision}, logged at index {index}.").format(
                id=outcome.use_id, decision=decision, index=outcome.log_indexes[0]
            )
        )
    if not outcome.permitted:
        raise typer.Exit(1)


def _period(start: str | None, end: str | None) -> Period | None:
    if start is None and end is None:
        return None
    try:
        return Period(
            datetime.fromisoformat(start) if start else None,
            datetime.fromisoformat(end) if end else None,
        )
    except ValueError as error:
        raise InvalidInput(_("a date is not ISO 8601: {error}").format(error=error)) from None


grants = typer.Typer(help="A member's grants and their consent records.", no_args_is_help=True)
MemberOption = Annotated[str, typer.Option("--member", help="The member id.")]
GrantArgument = Annotated[str, typer.Argument(metavar="GRANT", help="The grant id.")]


@grants.command("list")
def list_grants(ctx: typer.Context, member: MemberOption, json_output: JsonFlag = False) -> None:
    """List a member's grants with their status."""
    services = state(ctx).services()
    now = services.clock.now()
    documents = [
        {
            "id": g.id,
            "consumer": g.consumer.name,
            "purpose": g.purpose,
            "categories": list(g.categories),
            "aggregation": g.aggregation.value,
            "status": g.status(now).value,
            "given_at": g.given_at.isoformat(),
        }
        for g in services.grants.grants(member)
    ]
    if json_output:
        emit_json({"grants": documents})
        return
    for doc in documents:
        line(f"{doc['id']}  {doc['status']:<9}  {doc['consumer']}  {doc['purpose']}")


@grants.command("withdraw")
def withdraw(ctx: typer.Context, grant_id: GrantArgument, member: MemberOption) -> None:
    """Withdraw a grant; it takes effect at once."""
    state(ctx).services().grants.withdraw(member, grant_id)
    line(_("Withdrew grant {id}.").format(id=grant_id))


@grants.command("record")
def record(
    ctx: typer.Context,
    grant_id: GrantArgument,
    member: MemberOption,
    kantara: Annotated[
        bool, typer.Option("--kantara", help="A Kantara Consent Receipt v1.1 instead.")
    ] = False,
) -> None:
    """Print a grant's consent record (ISO/IEC TS 27560, DPV JSON-LD)."""
    services = state(ctx).services()
    if kantara:
        emit_json(services.grants.receipt(member, grant_id))
    else:
        emit_json(services.grants.record(member, grant_id))


lineage = typer.Typer(help="What consumers derived from uses, as PROV-JSON.", no_args_is_help=True)


@lineage.command("export")
def export_lineage(
    ctx: typer.Context,
    use: Annotated[str | None, typer.Option("--use", help="One use.")] = None,
    member: Annotated[str | None, typer.Option("--member", help="All of a member's data.")] = None,
) -> None:
    """Print the chain datum → use → dataset → product as PROV-JSON."""
    if (use is None) == (member is None):
        raise typer.BadParameter(_("give either --use or --member"))
    service = state(ctx).services().lineage
    typer.echo(service.for_use(use) if use else service.for_member(member or ""))
