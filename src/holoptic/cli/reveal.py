"""``holoptic reveal``: who holds a member's data, and the reference data behind it.

``holoptic reveal --member ID`` prints the report; the sub-commands load the company
directory (``sync``), show the tracker list (``trackers``), and record a member's choice
of directory record for a holder (``match``). Further sub-commands register on ``app``
at the end of this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from holoptic.cli.context import state
from holoptic.cli.output import JsonFlag, console, emit_json, iso, line, records_count, warn
from holoptic.cli.text import N_, _
from holoptic.reveal.model import ATTRIBUTION, HolderView, ReferenceVersion, RevealReport
from holoptic.reveal.report import holder_document, report_document

app = typer.Typer(
    help="Who holds your data, what they hold, and why.",
    invoke_without_command=True,
    no_args_is_help=False,
)

MemberOption = Annotated[str, typer.Option("--member", help="The member's id.")]

KINDS: Mapping[str, str] = {
    "platform": N_("platform"),
    "advertiser": N_("advertiser"),
    "data_broker": N_("data broker"),
    "tracker": N_("tracker"),
    "utility": N_("utility"),
    "public_body": N_("public body"),
    "other": N_("other"),
}
PURPOSES: Mapping[str, str] = {
    "advertising": N_("advertising"),
    "site_analytics": N_("site analytics"),
    "social_media": N_("social media"),
    "audio_video_player": N_("video player"),
    "customer_interaction": N_("customer interaction"),
    "comments": N_("comments"),
    "essential": N_("essential"),
    "cdn": N_("content delivery"),
    "hosting": N_("hosting"),
    "pornvertising": N_("adult advertising"),
    "extensions": N_("browser extensions"),
    "misc": N_("miscellaneous"),
    "unknown": N_("unknown"),
}


METHODS: Mapping[str, str] = {
    "domain": N_("by domain"),
    "name": N_("by name"),
    "runs": N_("runs the service"),
    "confirmed": N_("your choice"),
}


@app.callback(invoke_without_command=True)
def reveal(
    ctx: typer.Context,
    member: Annotated[
        str | None, typer.Option("--member", help="The member whose holders to show.")
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """Show who holds a member's data, what they hold and why (or run a sub-command)."""
    if ctx.invoked_subcommand is not None:
        return
    if member is None:
        raise typer.BadParameter(
            _("give a member (or a command: sync, trackers, match)"), param_hint="'--member'"
        )
    report = state(ctx).services().reveal.report(member)
    if json_output:
        emit_json(report_document(report))
        return
    _render(report)


def _render(report: RevealReport) -> None:
    table = Table(box=box.SIMPLE_HEAD)
    for title in (_("Holder"), _("Kind"), _("Purposes"), _("Records"), _("Seen"), _("Contact")):
        table.add_column(title)
    for holder in report.holders:
        table.add_row(
            f"{holder.name}\n[dim]{holder.slug}[/dim]",
            _(KINDS.get(holder.kind, holder.kind)),
            ", ".join(_(PURPOSES[p]) if p in PURPOSES else p for p in holder.purposes),
            str(holder.count),
            _seen(holder),
            _contact(holder),
        )
    if report.holders:
        console().print(table)
    else:
        line(_("No holder found in this member's data."))
    for holder in report.holders:
        if holder.received_from:
            line(
                _("{name} received data about you from: {sources}.").format(
                    name=holder.name, sources=", ".join(holder.received_from)
                )
            )
    _reference_lines(report.reference)


def _seen(holder: HolderView) -> str:
    first, last = holder.first_seen, holder.last_seen
    if first is None or last is None:
        return "-"
    if first.date() == last.date():
        return first.date().isoformat()
    return f"{first.date().isoformat()} → {last.date().isoformat()}"


def _contact(holder: HolderView) -> str:
    if holder.contact is None or holder.match is None:
        return "-"
    method = METHODS.get(holder.match.method)
    how = _("{method}, {confidence:.0%}").format(
        method=_(method) if method else holder.match.method, confidence=holder.match.confidence
    )
    return f"{holder.contact.name} ({how})\n{holder.contact.email or holder.contact.web or ''}"


def _reference_lines(reference: Mapping[str, str | None]) -> None:
    directory = reference.get("datenanfragen")
    line(
        _("Reference data: WhoTracks.me {trackers}; company directory {directory}.").format(
            trackers=reference.get("whotracksme") or "-",
            directory=directory or _("not loaded (run `holoptic reveal sync`)"),
        )
    )
    line(ATTRIBUTION)


@app.command("sync")
def sync(
    ctx: typer.Context,
    source: Annotated[
        str,
        typer.Argument(
            metavar="PATH_OR_URL",
            help="A folder with companies.json and templates/, a companies.json file, "
            "or an http(s) URL to one.",
        ),
    ],
    json_output: JsonFlag = False,
) -> None:
    """Load the Datenanfragen company directory as the new reference version."""
    version = state(ctx).services().reveal.sync_directory(source)
    for skipped in version.skipped[:50]:
        warn(
            _("skipped record {index} ({slug}): {reason}").format(
                index=skipped.index, slug=skipped.slug or "-", reason=skipped.reason
            )
        )
    if json_output:
        emit_json(_version_document(version))
        return
    line(
        _("Loaded the company directory {version}: {records}, {templates} templates.").format(
            version=version.version,
            records=records_count(version.record_count),
            templates=version.templates,
        )
    )
    if version.skipped:
        line(_("Skipped as malformed: {count}.").format(count=len(version.skipped)))


@app.command("trackers")
def trackers(ctx: typer.Context, json_output: JsonFlag = False) -> None:
    """Show the tracker list in use, loading WhoTracks.me's if it is not loaded yet."""
    version = state(ctx).services().reveal.trackers()
    if json_output:
        emit_json(_version_document(version))
        return
    line(
        _("Tracker list: WhoTracks.me {version}, {count} domains, loaded {date}.").format(
            version=version.version, count=version.record_count, date=iso(version.loaded_at)
        )
    )
    line(ATTRIBUTION)


@app.command("match")
def match(
    ctx: typer.Context,
    member: MemberOption,
    holder: Annotated[str, typer.Option("--holder", help="The holder's slug, from the report.")],
    directory: Annotated[
        str | None,
        typer.Option("--directory", help="The slug of the directory record that is right."),
    ] = None,
    none: Annotated[
        bool, typer.Option("--none", help="No directory record is right for this holder.")
    ] = False,
    json_output: JsonFlag = False,
) -> None:
    """Confirm or correct which directory record a holder is (for this member only)."""
    if (directory is None) == (not none):
        raise typer.BadParameter(
            _("give either --directory SLUG or --none"), param_hint="'--directory'"
        )
    services = state(ctx).services()
    services.reveal.confirm_match(member, holder, directory)
    view = services.reveal.holder(member, holder)
    if json_output:
        emit_json(holder_document(view))
        return
    if directory is None:
        line(_("{holder} now has no directory record (your choice).").format(holder=holder))
    else:
        line(
            _("{holder} is now matched to {directory} (your choice).").format(
                holder=holder, directory=directory
            )
        )


def _version_document(version: ReferenceVersion) -> dict[str, Any]:
    return {
        "source": version.source,
        "version": version.version,
        "sha256": version.sha256,
        "records": version.record_count,
        "templates": version.templates,
        "active": version.active,
        "loaded_at": iso(version.loaded_at),
        "skipped": [
            {"index": s.index, "slug": s.slug, "reason": s.reason} for s in version.skipped
        ],
        "attribution": ATTRIBUTION,
    }


# --- further sub-commands register here ---------------------------------------------------

from holoptic.cli.reveal_letters import letter_command, requests_app  # noqa: E402

app.command("letter")(letter_command)
app.add_typer(requests_app, name="requests")
