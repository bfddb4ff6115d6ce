"""``holoptic community``: add and list communities."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from holoptic.cli.context import state
from holoptic.cli.output import JsonFlag, console, emit_json, iso, line
from holoptic.cli.text import _, ngettext
from holoptic.vault.model import Community

app = typer.Typer(help="Add and list communities.", no_args_is_help=True)


@app.command("add")
def add(
    ctx: typer.Context,
    slug: Annotated[
        str, typer.Argument(metavar="SLUG", help="Short name: lower-case letters, digits and -.")
    ],
    name: Annotated[str, typer.Argument(metavar="NAME", help="The community's full name.")],
    json_output: JsonFlag = False,
) -> None:
    """Create a community."""
    community = state(ctx).services().vault.create_community(slug, name)
    if json_output:
        emit_json(_document(community))
        return
    line(_('Created the community "{slug}" ({name}).').format(slug=slug, name=community.name))


@app.command("list")
def list_communities(ctx: typer.Context, json_output: JsonFlag = False) -> None:
    """List communities."""
    communities = state(ctx).services().vault.communities()
    if json_output:
        emit_json({"communities": [_document(c) for c in communities]})
        return
    title = ngettext("{count} community", "{count} communities", len(communities))
    table = Table(title=title.format(count=len(communities)), box=box.SIMPLE_HEAD)
    for header in (_("Slug"), _("Name"), _("Created")):
        table.add_column(header, overflow="fold")
    for community in communities:
        table.add_row(community.slug, community.name, community.created_at.date().isoformat())
    console().print(table)


def _document(community: Community) -> dict[str, Any]:
    return {
        "id": community.id,
        "slug": community.slug,
        "name": community.name,
        "created_at": iso(community.created_at),
    }
