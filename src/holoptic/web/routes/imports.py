"""Importing from the browser: the upload form, the job page and its progress fragment.

``POST /imports`` streams the files into ``$HOLOPTIC_HOME/uploads/<job-id>/`` (see
``web/uploads.py``), starts the import in a background thread (``web/jobs.py``) and
sends the browser to ``/imports/<job-id>``. That page polls ``/status`` every second with
HTMX until the job ends, or refreshes itself without JavaScript. The upload folder is
deleted as soon as the import ends.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from babel.numbers import format_decimal
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from holoptic.bootstrap import Services
from holoptic.importers.model import FileReport
from holoptic.importers.report import file_document
from holoptic.vault.model import Member
from holoptic.web.csrf import CSRF_HEADER, check_token, streams_its_form
from holoptic.web.deps import LangDep, MemberDep, ServicesDep, request_language
from holoptic.web.errors import UploadTooLarge, message_for, problem
from holoptic.web.handlers import wants_problem
from holoptic.web.jobs import Job, JobRegistry
from holoptic.web.templating import render, translator
from holoptic.web.uploads import UploadReceiver

router = APIRouter()
PAST_SHOWN = 100
REASONS_SHOWN = 5


def registry_of(request: Request) -> JobRegistry:
    return cast(JobRegistry, request.app.state.import_jobs)


@router.get("/imports")
def upload_form(request: Request, member: MemberDep, services: ServicesDep) -> Response:
    return _form(request, services, member)


@router.post("/imports")
@streams_its_form
async def upload(
    request: Request, member: MemberDep, services: ServicesDep, lang: LangDep
) -> Response:
    registry = registry_of(request)
    job_id = registry.new_id()
    limit = services.settings.max_upload_bytes
    receiver = UploadReceiver(
        registry.folder(job_id),
        limit,
        lambda token: check_token(request, token),
        checked=bool(request.headers.get(CSRF_HEADER)),  # csrf_guard checked the header
    )
    try:
        paths = await receiver.receive(request)
    except UploadTooLarge as exc:
        return await run_in_threadpool(_too_large, request, services, member, lang, exc)
    except ClientDisconnect:  # the browser gave up; what arrived is already deleted
        return Response(status_code=400)
    if not paths:
        _ = translator(lang)
        error = _("Choose at least one file to import.")
        return await run_in_threadpool(_form, request, services, member, 422, error=error)
    member_id = member.id
    registry.start(
        job_id,
        member_id,
        receiver.names,
        lambda progress: services.imports.run(member_id, paths, progress=progress),
    )
    return RedirectResponse(f"/imports/{job_id}", status_code=303)


@router.get("/imports/{job_id}")
def job_page(request: Request, job_id: str, member: MemberDep, services: ServicesDep) -> Response:
    job = registry_of(request).get(job_id, member.id)
    return render(request, "import_job.html", _job_context(request, services, job))


@router.get("/imports/{job_id}/status")
def job_status(request: Request, job_id: str, member: MemberDep, services: ServicesDep) -> Response:
    job = registry_of(request).get(job_id, member.id)
    return render(request, "_import_status.html", _job_context(request, services, job))


def _form(
    request: Request, services: Services, member: Member, status: int = 200, **extra: Any
) -> Response:
    batches = services.items.batches(member.id)
    context = {
        "batches": list(reversed(batches))[:PAST_SHOWN],
        "batches_total": len(batches),
        "jobs": [job for job in registry_of(request).jobs_of(member.id) if not job.finished],
        "limit": size_text(services.settings.max_upload_bytes, request_language(request)),
        "error": None,
    } | extra
    return render(request, "imports.html", context, status=status)


def _too_large(
    request: Request, services: Services, member: Member, lang: str, exc: UploadTooLarge
) -> Response:
    """413: the form again, saying what the limit is and that nothing was kept."""
    _ = translator(lang)
    if wants_problem(request):
        return problem(exc.status, exc.code, exc.message)
    limit = size_text(services.settings.max_upload_bytes, lang)
    error = _(message_for(exc.code, exc.status) or exc.message)
    error += " " + _("The limit is %(limit)s per upload.") % {"limit": limit}
    return _form(request, services, member, status=exc.status, error=error)


def _job_context(request: Request, services: Services, job: Job) -> dict[str, Any]:
    files = job.report.files if job.report is not None else job.files
    return {
        "job": job,
        "files": [_file_row(f) for f in files],
        "elapsed": elapsed_text(job.elapsed(services.clock.now())),
        "percent": _percent(job),
        "failure": _failure(job, request_language(request)),
    }


def _file_row(report: FileReport) -> dict[str, Any]:
    row = file_document(report)
    row["rejected"] = row["rejected"][:REASONS_SHOWN]
    row["outcome"] = (
        "failed" if report.error else ("unrecognised" if report.format is None else "imported")
    )
    return row


def _percent(job: Job) -> int:
    if job.finished:
        return 100
    return job.files_done * 100 // job.files_seen if job.files_seen else 0


def _failure(job: Job, lang: str) -> str | None:
    """Why a job failed: its code's registered message translated, else its own detail."""
    if job.error_code is None:
        return None
    registered = message_for(job.error_code, 400)
    return translator(lang)(registered) if registered else job.error_detail


def elapsed_text(elapsed: timedelta) -> str:
    """``m:ss`` (or ``h:mm:ss``), the same in every language."""
    seconds = int(elapsed.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


def size_text(size: int, lang: str) -> str:
    """A byte count for people: ``4 GiB``, ``500 MiB`` (``Gio``, ``Mio`` in French)."""
    _ = translator(lang)
    for unit, template in ((1024**3, _("%(size)s GiB")), (1024**2, _("%(size)s MiB"))):
        if size >= unit:
            amount = format_decimal(round(size / unit, 1), locale=lang)
            return template % {"size": amount}
    return _("%(size)s bytes") % {"size": format_decimal(size, locale=lang)}
