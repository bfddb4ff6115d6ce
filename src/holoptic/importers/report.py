"""The import report as one documented JSON shape.

Shared by ``holoptic import --json`` and the web upload page, so both say exactly the
same thing about every file.
"""

from __future__ import annotations

from typing import Any

from holoptic.importers.model import FileReport, ImportReport


def report_document(report: ImportReport) -> dict[str, Any]:
    """The import report as the documented JSON shape (docs/importers/README.md)."""
    return {
        "import_id": report.import_id,
        "records_added": report.records_added,
        "files": [file_document(f) for f in report.files],
    }


def file_document(report: FileReport) -> dict[str, Any]:
    """One file's entry of the report."""
    return {
        "path": report.path,
        "format": report.format,
        "records_added": report.records_added,
        "records_duplicate": report.records_duplicate,
        "items_added": report.items_added,
        "rejected": [{"location": r.location, "reason": r.reason} for r in report.rejected],
        "rejected_total": report.rejected_total,
        "error": (
            {"code": report.error.code, "message": report.error.message} if report.error else None
        ),
    }
