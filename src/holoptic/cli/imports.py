"""``holoptic import``: take exports back, with progress on stderr and a report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from holoptic.cli.context import state
from holoptic.cli.output import JsonFlag, console, emit_json, err_console, line, records_count
from holoptic.cli.text import _
from holoptic.importers.model import FileReport, ImportReport
from holoptic.importers.report import report_document
from holoptic.importers.service import Progress as ImportProgress
from holoptic.importers.sources import Limits

DEFAULTS = Limits()


class _Bar(ImportProgress):
    """Shows the current file and its record count on stderr, at a terminal only."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._task = progress.add_task("", total=None)

    def file_started(self, name: str, size: int) -> None:
        self._progress.update(self._task, description=name, records=0)

    def records(self, name: str, count: int) -> None:
        self._progress.update(self._task, description=f"{name}: {records_count(count)}")


def import_command(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(metavar="PATH...", help="Files, folders, zip or tar archives."),
    ],
    member: Annotated[str, typer.Option("--member", help="The member the data belongs to.")],
    max_archive_bytes: Annotated[
        int,
        typer.Option(
            "--max-archive-bytes", min=1, help="Largest total size an archive may expand to."
        ),
    ] = DEFAULTS.max_total_bytes,
    max_ratio: Annotated[
        int,
        typer.Option("--max-ratio", min=1, help="Largest compression ratio of an archive member."),
    ] = DEFAULTS.max_ratio,
    json_output: JsonFlag = False,
) -> None:
    """Import exports for a member; exit 1 unless every recognised file imported."""
    services = state(ctx).services()
    limits = Limits(max_total_bytes=max_archive_bytes, max_ratio=max_ratio)
    stderr = err_console()
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=stderr, transient=True, disable=not stderr.is_terminal) as bar:
        report = services.imports.run(member, paths, limits, _Bar(bar))
    if json_output:
        emit_json(report_document(report))
    else:
        _render(report)
    if not report.ok:
        raise typer.Exit(1)


def _render(report: ImportReport) -> None:
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column(_("File"))
    table.add_column(_("Format"))
    table.add_column(_("Added"), justify="right")
    table.add_column(_("Already there"), justify="right")
    table.add_column(_("Skipped"), justify="right")
    table.add_column(_("Outcome"))
    for file in report.files:
        table.add_row(
            file.path,
            file.format or "-",
            str(file.records_added),
            str(file.records_duplicate),
            str(file.rejected_total),
            _outcome(file),
        )
    console().print(table)
    line(
        _("Import {id}: {records} added.").format(
            id=report.import_id, records=records_count(report.records_added)
        )
    )


def _outcome(file: FileReport) -> str:
    if file.error is not None:
        return _("failed: {message} ({code})").format(
            message=file.error.message, code=file.error.code
        )
    if file.format is None:
        return _("not recognised")
    return _("imported")
