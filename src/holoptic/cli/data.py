"""``holoptic data``: a member's items, one item's records, and the portable export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from holoptic.cli.context import state
from holoptic.cli.output import (
    JsonFlag,
    console,
    emit_json,
    iso,
    item_document,
    items_count,
    line,
    records_count,
    warn,
)
from holoptic.cli.text import _
from holoptic.vault.export import ExportResult, export_member
from holoptic.vault.kinds import kind_spec
from holoptic.vault.model import SourceStat

app = typer.Typer(help="Read and export a member's data.", no_args_is_help=True)

MemberOption = Annotated[str, typer.Option("--member", help="The member's id.")]


@app.command("list")
def list_items(
    ctx: typer.Context,
    member: MemberOption,
    kind: Annotated[str | None, typer.Option("--kind", help="Only items of this kind.")] = None,
    json_output: JsonFlag = False,
) -> None:
    """List a member's data items: one per kind and day, or one per atomic record."""
    if kind is not None:
        kind_spec(kind)  # an unknown kind is an error, not an empty list
    items = state(ctx).services().items.items(member, kind)
    if json_output:
        emit_json({"member": member, "items": [item_document(item) for item in items]})
        return
    records = sum(item.record_count for item in items)
    title = f"{items_count(len(items))}, {records_count(records)}"
    table = Table(title=title, box=box.SIMPLE_HEAD)
    table.add_column(_("ID"), no_wrap=True)
    table.add_column(_("Kind"), no_wrap=True)
    table.add_column(_("Day"), no_wrap=True)
    table.add_column(_("Records"), justify="right")
    for item in items:
        day = item.day.isoformat() if item.day else "-"
        table.add_row(item.id, item.kind, day, str(item.record_count))
    console().print(table)


@app.command("stats")
def stats(ctx: typer.Context, member: MemberOption, json_output: JsonFlag = False) -> None:
    """Count a member's items and records per kind and per source."""
    rows = state(ctx).services().items.stats(member)
    if json_output:
        emit_json(_stats_document(member, rows))
        return
    table = Table(box=box.SIMPLE_HEAD)
    for title in (_("Kind"), _("Source"), _("Items"), _("Records")):
        table.add_column(title)
    for row in rows:
        table.add_row(row.kind, row.source, str(row.items), str(row.records))
    console().print(table)


def _stats_document(member: str, rows: list[SourceStat]) -> dict[str, Any]:
    kinds: dict[str, dict[str, int]] = {}
    sources: dict[str, dict[str, int]] = {}
    for row in rows:
        for key, table in ((row.kind, kinds), (row.source, sources)):
            entry = table.setdefault(key, {"items": 0, "records": 0})
            entry["items"] += row.items
            entry["records"] += row.records
    return {
        "member": member,
        "kinds": kinds,
        "sources": sources,
        "rows": [
            {"kind": r.kind, "source": r.source, "items": r.items, "records": r.records}
            for r in rows
        ],
    }


@app.command("show")
def show(
    ctx: typer.Context,
    item_id: Annotated[str, typer.Argument(metavar="ITEM_ID", help="The item's id.")],
    member: MemberOption,
    json_output: JsonFlag = False,
) -> None:
    """Show one item and its records (decrypted for its owner)."""
    item, records = state(ctx).services().items.read(member, item_id)
    if json_output:
        emit_json({"item": item_document(item), "records": records})
        return
    line(_("Item {id}").format(id=item.id))
    line(_("Kind: {kind} ({category})").format(kind=item.kind, category=item.category))
    if item.day:
        line(_("Day: {day}").format(day=item.day.isoformat()))
    line(_("Records: {count}").format(count=item.record_count))
    for record in records:
        line(json.dumps(record, ensure_ascii=False, sort_keys=True))


@app.command("export")
def export(
    ctx: typer.Context,
    member: MemberOption,
    out: Annotated[Path, typer.Option("--out", help="The zip file to write.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace the file if it already exists.")
    ] = False,
    json_output: JsonFlag = False,
) -> None:
    """Write a member's complete portable export: JSON Lines per kind and a manifest."""
    services = state(ctx).services()
    result = export_member(
        services.vault,
        services.items,
        member,
        out.absolute(),
        services.clock,
        overwrite=force,
        documents=services.documents,
    )
    for unreadable in result.unreadable:
        warn(
            _("item {id} ({kind}) is unreadable and was left out of the export: {reason}").format(
                id=unreadable.item_id, kind=unreadable.kind, reason=unreadable.message
            )
        )
    if json_output:
        emit_json(_export_document(result))
        return
    line(
        _("Exported {items} and {records} to {path}").format(
            items=items_count(result.items), records=records_count(result.records), path=result.path
        )
    )
    if result.unreadable:
        line(
            _("Left out, unreadable: {items} (named in the manifest).").format(
                items=items_count(len(result.unreadable))
            )
        )


def _export_document(result: ExportResult) -> dict[str, Any]:
    return {
        "path": str(result.path),
        "member": result.member_id,
        "generated_at": iso(result.generated_at),
        "items": result.items,
        "records": result.records,
        "files": [
            {"path": f.path, "kind": f.kind, "items": f.items, "records": f.records}
            for f in result.files
        ],
        "unreadable": [
            {"item_id": u.item_id, "kind": u.kind, "code": u.code, "message": u.message}
            for u in result.unreadable
        ],
    }
