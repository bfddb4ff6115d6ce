"""``holoptic reveal letter`` and ``holoptic reveal requests``: write, send, follow up.

Registered on the ``holoptic reveal`` sub-app by ``cli/reveal.py``. Letters go to stdout
(so they can be piped into a mail client); what was recorded, and what the holder still
needs, goes to stderr.
"""

from __future__ import annotations

import enum
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from holoptic.bootstrap import Services
from holoptic.cli.context import state
from holoptic.cli.output import JsonFlag, console, emit_json, iso, line, note, records_count, warn
from holoptic.cli.text import _, ngettext
from holoptic.reveal.letters import Letter
from holoptic.reveal.requests import GdprRequest, RequestStatus

requests_app = typer.Typer(
    help="Follow a member's GDPR requests: deadlines, answers, the data sent back."
)


class LetterType(enum.StrEnum):
    ACCESS = "access"
    ERASURE = "erasure"
    OBJECTION = "objection"


class LetterLang(enum.StrEnum):
    FR = "fr"
    EN = "en"
    DE = "de"


MemberOption = Annotated[str, typer.Option("--member", help="The member's id.")]
RequestOption = Annotated[
    str, typer.Option("--request", help="The request's id (or its first 8 characters).")
]
DateOption = Annotated[
    datetime | None,
    typer.Option(
        "--date",
        formats=["%Y-%m-%d"],
        metavar="YYYY-MM-DD",
        help="The day it happened (default: today).",
    ),
]


def letter_command(
    ctx: typer.Context,
    member: MemberOption,
    holder: Annotated[
        str,
        typer.Option("--holder", help="The holder's slug from the report, or a directory slug."),
    ],
    letter_type: Annotated[
        LetterType,
        typer.Option("--type", help="access (Art. 15), erasure (Art. 17) or objection (Art. 21)."),
    ],
    lang: Annotated[
        LetterLang | None,
        typer.Option("--lang", help="The letter's language (default: the member's)."),
    ] = None,
    identifier: Annotated[
        list[str] | None,
        typer.Option(
            "--identifier",
            metavar="KEY=VALUE",
            help="Something else the holder knows you by, e.g. customer_number=123 (repeatable).",
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Also write the letter to this file.")
    ] = None,
    sent: Annotated[
        bool, typer.Option("--sent", help="Record it as sent today: the one-month deadline starts.")
    ] = False,
    json_output: JsonFlag = False,
) -> None:
    """Write a GDPR request to a holder's privacy contact, and keep track of it."""
    extra = dict(_pair(value) for value in identifier or ())
    services = state(ctx).services()
    language = lang.value if lang else _member_lang(services, member)
    letter = services.letters.write(member, holder, letter_type.value, language, extra)
    if sent:
        request = services.letters.record_sent(member, letter)
    else:
        request = services.letters.save_draft(member, letter)
    if out is not None:
        _write_private(out, letter.text)
    if json_output:
        emit_json({**letter_document(letter), "request": request_document(request)})
    else:
        line(letter.text.rstrip("\n"))
    _notes(letter, request, member, out)


def _pair(value: str) -> tuple[str, str]:
    key, sep, text = value.partition("=")
    if not sep or not key.strip() or not text.strip():
        raise typer.BadParameter(
            _("{value} is not KEY=VALUE").format(value=value), param_hint="'--identifier'"
        )
    return key.strip(), text.strip()


def _member_lang(services: Services, member_id: str) -> str:
    return services.vault.member(member_id).lang


def _write_private(path: Path, text: str) -> None:
    """The letter names the member: only its owner may read the file."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def _notes(letter: Letter, request: GdprRequest, member: str, out: Path | None) -> None:
    if letter.missing:
        warn(
            _("the holder also needs: {items}; add them with --identifier KEY=VALUE").format(
                items=", ".join(letter.missing)
            )
        )
    if letter.recipient.needs_id_document:
        warn(_("this holder asks for a copy of an identity document with every request"))
    if letter.webform and not letter.recipient.email:
        note(_("Send it through the holder's web form: {url}").format(url=letter.webform))
    if out is not None:
        note(_("Wrote the letter to {path}").format(path=out))
    if request.status is RequestStatus.DRAFT:
        note(
            _(
                "Saved as draft {id}. Once sent, run: holoptic reveal requests sent "
                "--member {member} --request {id}"
            ).format(id=request.id[:8], member=member)
        )
    else:
        note(_status_line(request))


def _status_line(request: GdprRequest) -> str:
    return _("Request {id} sent on {sent}: the answer is due by {deadline}.").format(
        id=request.id[:8], sent=iso(_day(request.sent_at)), deadline=iso(request.deadline)
    )


@requests_app.callback(invoke_without_command=True)
def list_requests(
    ctx: typer.Context,
    member: Annotated[str | None, typer.Option("--member", help="The member's id.")] = None,
    json_output: JsonFlag = False,
) -> None:
    """List a member's GDPR requests with their status and the days left to answer."""
    if ctx.invoked_subcommand is not None:
        return
    if member is None:
        raise typer.BadParameter(_("say whose requests to list"), param_hint="'--member'")
    found = state(ctx).services().letters.requests(member)
    if json_output:
        emit_json({"member": member, "requests": [request_document(r) for r in found]})
        return
    table = Table(box=box.SIMPLE_HEAD)
    for title in (_("Request"), _("Holder"), _("Type"), _("Sent"), _("Due by"), _("Status")):
        table.add_column(title, no_wrap=True)
    for request in found:
        table.add_row(
            request.id[:8],
            request.holder_name,
            request.type,
            iso(_day(request.sent_at)) or "-",
            iso(request.deadline) or "-",
            _status(request),
        )
    console().print(table)


@requests_app.command("sent")
def mark_sent(
    ctx: typer.Context,
    member: MemberOption,
    request: RequestOption,
    day: DateOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Record that a draft request was sent: its one-month deadline starts."""
    found = state(ctx).services().letters.mark_sent(member, request, _utc(day))
    if json_output:
        emit_json(request_document(found))
        return
    line(_status_line(found))


@requests_app.command("answer")
def answer(
    ctx: typer.Context,
    member: MemberOption,
    request: RequestOption,
    imports: Annotated[
        list[Path] | None,
        typer.Option(
            "--import",
            metavar="PATH",
            help="The data the holder sent back, to import (repeatable).",
        ),
    ] = None,
    text: Annotated[str, typer.Option("--note", help="What the answer said.")] = "",
    day: DateOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Record a holder's answer, and import the data it sent back."""
    services = state(ctx).services()
    services.letters.request(member, request)  # a clear error before importing anything
    import_id = _import_answer(services, member, imports) if imports else None
    found = services.letters.mark_answered(member, request, _utc(day), text, import_id)
    if json_output:
        emit_json(request_document(found))
        return
    line(_status(found))


def _import_answer(services: Services, member: str, paths: list[Path]) -> str:
    report = services.imports.run(member, paths)
    for file in report.files:
        if file.error is not None:
            failed = _("failed: {message} ({code})").format(
                message=file.error.message, code=file.error.code
            )
            warn(f"{file.path}: {failed}")
    if not report.ok:
        line(_("The answer was not recorded: fix the import and run the command again."))
        raise typer.Exit(1)
    note(
        _("Import {id}: {records} added.").format(
            id=report.import_id, records=records_count(report.records_added)
        )
    )
    return report.import_id


def _utc(day: datetime | None) -> datetime | None:
    return day.replace(tzinfo=UTC) if day is not None else None


def _day(value: datetime | None) -> Any:
    return value.date() if value is not None else None


def _status(request: GdprRequest) -> str:
    left = request.days_left or 0
    if request.status is RequestStatus.DRAFT:
        return _("draft")
    if request.status is RequestStatus.SENT:
        return ngettext("sent, {count} day left", "sent, {count} days left", left).format(
            count=left
        )
    if request.status is RequestStatus.OVERDUE:
        return ngettext("overdue by {count} day", "overdue by {count} days", -left).format(
            count=-left
        )
    day = iso(_day(request.answered_at))
    if request.answered_late:
        return _("answered late, on {day}").format(day=day)
    return _("answered on {day}").format(day=day)


def letter_document(letter: Letter) -> dict[str, Any]:
    contact = letter.recipient
    return {
        "holder": letter.holder_slug,
        "holder_name": letter.holder_name,
        "directory_slug": letter.directory_slug,
        "type": letter.type,
        "article": letter.article,
        "lang": letter.lang,
        "template": letter.template,
        "subject": letter.subject,
        "body": letter.body,
        "text": letter.text,
        "recipient": {
            "name": contact.name,
            "email": contact.email,
            "address": contact.address,
            "fax": contact.fax,
            "web": contact.web,
            "webform": letter.webform,
        },
        "runs": list(contact.runs),
        "identifiers": [{"label": label, "value": value} for label, value in letter.identifiers],
        "missing": list(letter.missing),
        "needs_id_document": contact.needs_id_document,
    }


def request_document(request: GdprRequest) -> dict[str, Any]:
    return {
        "id": request.id,
        "holder": request.holder_slug,
        "holder_name": request.holder_name,
        "directory_slug": request.directory_slug,
        "type": request.type,
        "lang": request.lang,
        "status": request.status.value,
        "created_at": iso(request.created_at),
        "sent_at": iso(request.sent_at),
        "deadline": iso(request.deadline),
        "days_left": request.days_left,
        "answered_at": iso(request.answered_at),
        "answered_late": request.answered_late,
        "note": request.note,
        "import_id": request.import_id,
        "subject": request.subject,
        "text": request.text,
    }
