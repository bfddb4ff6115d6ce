"""Rendering: one JSON document on stdout, Rich tables for people, notes on stderr."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any

import typer
from rich.console import Console

from holoptic.cli.text import _, ngettext
from holoptic.vault.model import DataItem


def console() -> Console:
    """Rich output on stdout (looked up at each call, so test runners can capture it)."""
    return Console(highlight=False)


def err_console() -> Console:
    return Console(stderr=True, highlight=False)


def emit_json(document: Any) -> None:
    """Print exactly one JSON document on stdout."""
    typer.echo(json.dumps(document, ensure_ascii=False, indent=2))


def line(message: str) -> None:
    """A plain line on stdout, never wrapped or styled."""
    typer.echo(message)


def note(message: str) -> None:
    """A one-line note on stderr (progress, warnings): stdout stays machine-readable."""
    typer.echo(" ".join(message.split()), err=True)


def warn(message: str) -> None:
    note(_("warning: {message}").format(message=message))


def items_count(count: int) -> str:
    """ "1 item", "3 items", in the current language."""
    return ngettext("{count} item", "{count} items", count).format(count=count)


def records_count(count: int) -> str:
    return ngettext("{count} record", "{count} records", count).format(count=count)


def members_count(count: int) -> str:
    return ngettext("{count} member", "{count} members", count).format(count=count)


def iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def item_document(item: DataItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind,
        "category": item.category,
        "day": iso(item.day),
        "period_start": iso(item.period_start),
        "period_end": iso(item.period_end),
        "records": item.record_count,
        "content_hash": item.content_hash,
        "batch_id": item.batch_id,
        "created_at": iso(item.created_at),
    }


JsonFlag = Annotated[
    bool, typer.Option("--json", help="Print one JSON document on stdout instead of text.")
]
