"""``holoptic member``: add, list and delete members."""

from __future__ import annotations

import enum
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from holoptic.bootstrap import Services
from holoptic.cli.context import state
from holoptic.cli.output import JsonFlag, console, emit_json, iso, items_count, line, members_count
from holoptic.cli.text import _
from holoptic.vault.model import Member, Role
from holoptic.vault.service import DEFAULT_COMMUNITY

app = typer.Typer(help="Add, list and delete members.", no_args_is_help=True)


class Lang(enum.StrEnum):
    FR = "fr"
    EN = "en"


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The member's name.")],
    email: Annotated[str | None, typer.Option("--email", help="The member's e-mail.")] = None,
    community: Annotated[
        str, typer.Option("--community", help="Slug of the community to join.")
    ] = DEFAULT_COMMUNITY,
    steward: Annotated[
        bool, typer.Option("--steward", help="Make the member a steward of the community.")
    ] = False,
    lang: Annotated[Lang, typer.Option("--lang", help="The member's language.")] = Lang.FR,
    json_output: JsonFlag = False,
) -> None:
    """Add a member, with their own data key, to a community."""
    role = Role.STEWARD if steward else Role.MEMBER
    services = state(ctx).services()
    member = services.vault.add_member(name, email, community, role, lang.value)
    if json_output:
        emit_json({"id": member.id})
        return
    line(
        _('Added {name} ({id}) to the community "{community}" as {role}.').format(
            name=member.name, id=member.id, community=community, role=_role(role)
        )
    )


@app.command("list")
def list_members(
    ctx: typer.Context,
    community: Annotated[
        str | None, typer.Option("--community", help="Only members of this community.")
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """List members with their communities and roles."""
    services = state(ctx).services()
    members = services.vault.members(community)
    slugs = {found.id: found.slug for found in services.vault.communities()}
    documents = [_member_document(services, member, slugs) for member in members]
    if json_output:
        emit_json({"members": documents})
        return
    table = Table(title=members_count(len(documents)), box=box.SIMPLE_HEAD)
    table.add_column(_("ID"), no_wrap=True)
    for header in (_("Name"), _("E-mail"), _("Communities")):
        table.add_column(header, overflow="fold")
    for doc in documents:
        joined = ", ".join(f"{c['slug']} ({_role(Role(c['role']))})" for c in doc["communities"])
        table.add_row(doc["id"], doc["name"], doc["email"] or "", joined)
    console().print(table)


@app.command("delete")
def delete(
    ctx: typer.Context,
    member_id: Annotated[str, typer.Argument(metavar="ID", help="The member's id.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    json_output: JsonFlag = False,
) -> None:
    """Delete a member by destroying their key (crypto-shredding)."""
    services = state(ctx).services()
    member = services.vault.member(member_id)
    items = sum(summary.items for summary in services.items.summary(member_id))
    if not yes:
        typer.confirm(
            _(
                "Delete {name} ({id})? Their key is destroyed, so their data ({items}) can "
                "never be read again."
            ).format(name=member.name, id=member.id, items=items_count(items)),
            abort=True,
            err=True,
        )
    services.vault.delete_member(member_id)
    if json_output:
        emit_json({"id": member_id, "deleted": True, "items": items})
        return
    line(
        _(
            "Deleted {name} ({id}): their key was destroyed, so their data ({items}) can no "
            "longer be decrypted by anyone (crypto-shredding)."
        ).format(name=member.name, id=member_id, items=items_count(items))
    )


def _member_document(services: Services, member: Member, slugs: dict[str, str]) -> dict[str, Any]:
    return {
        "id": member.id,
        "name": member.name,
        "email": member.email,
        "lang": member.lang,
        "created_at": iso(member.created_at),
        "communities": [
            {"slug": slugs.get(m.community_id, m.community_id), "role": m.role.value}
            for m in services.vault.memberships(member.id)
        ],
    }


def _role(role: Role) -> str:
    return _("steward") if role is Role.STEWARD else _("member")
