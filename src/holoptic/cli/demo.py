"""``holoptic demo``: load the demo community, with a progress bar on stderr."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from holoptic.cli.context import state
from holoptic.cli.output import (
    JsonFlag,
    console,
    emit_json,
    err_console,
    items_count,
    line,
    members_count,
)
from holoptic.cli.text import _

if TYPE_CHECKING:
    from holoptic.demo.load import DemoSummary

app = typer.Typer(help="Demo data.", no_args_is_help=True)


@app.command("load")
def load(
    ctx: typer.Context,
    members: Annotated[
        int, typer.Option("--members", min=1, help="How many demo members to create.")
    ] = 300,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same seed, same data.")] = 7,
    json_output: JsonFlag = False,
) -> None:
    """Load a demo community of synthetic members and their data (idempotent)."""
    from holoptic.demo.load import load_demo  # imported here: only this command needs it

    services = state(ctx).services()
    with _progress() as progress:
        task = progress.add_task(_("Creating demo members"), total=members)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        summary = load_demo(services, seed=seed, members=members, progress=advance)
    if json_output:
        emit_json(_document(summary))
        return
    _render(summary)


def _progress() -> Progress:
    """A bar on stderr, shown only to a person at a terminal (logs stay clean)."""
    stderr = err_console()
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,
        disable=not stderr.is_terminal,
    )


def _render(summary: DemoSummary) -> None:
    if summary.created:
        template = _('Loaded the demo community "{name}" ({slug}): {members}, {items}.')
    else:
        template = _(
            'The demo community "{name}" ({slug}) was already loaded ({members}, {items}): '
            "nothing changed."
        )
    line(
        template.format(
            name=summary.community_name,
            slug=summary.community_slug,
            members=members_count(summary.members),
            items=items_count(summary.items),
        )
    )
    table = Table(title=_("Demo logins"))
    for header in (_("E-mail"), _("Password"), _("Role")):
        table.add_column(header)
    for login in summary.logins:
        table.add_row(login.email, login.password, _(login.role))
    console().print(table)


def _document(summary: DemoSummary) -> dict[str, Any]:
    return {
        "community_slug": summary.community_slug,
        "community_name": summary.community_name,
        "members": summary.members,
        "items": summary.items,
        "created": summary.created,
        "logins": [
            {"email": login.email, "password": login.password, "role": login.role}
            for login in summary.logins
        ],
    }
