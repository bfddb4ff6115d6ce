"""Every error becomes a page or an RFC 9457 problem document, never a traceback.

Pages get a translated error page (with the language switch, like every page); API
requests, HTMX requests and clients asking for JSON get ``application/problem+json``.
Unexpected exceptions are logged with their traceback on the server and answered with a
plain 500 that reveals nothing.
"""

from __future__ import annotations

import html
import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from holoptic.errors import HolopticError
from holoptic.web.deps import request_language
from holoptic.web.errors import (
    API_PREFIX,
    LoginRequired,
    error_headers,
    message_for,
    problem,
    title_for,
)
from holoptic.web.templating import render, translator

log = logging.getLogger("holoptic.web")
HTTP_CODES = {404: "web.not_found", 405: "web.method_not_allowed", 422: "web.invalid_request"}


def wants_problem(request: Request) -> bool:
    if request.url.path.startswith(API_PREFIX) or request.headers.get("hx-request"):
        return True
    accept = request.headers.get("accept", "")
    return "json" in accept and "text/html" not in accept


def error_page(
    request: Request,
    status: int,
    code: str,
    fallback: str,
    headers: dict[str, str] | None = None,
) -> Response:
    """The translated page (or problem) for an error ``code``."""
    lang = request_language(request)
    _ = translator(lang)
    registered = message_for(code, status)
    message = _(registered) if registered else fallback
    title = _(title_for(code, status))
    if wants_problem(request):
        return problem(status, code, message, title=title, headers=headers)
    context = {"status": status, "code": code, "title": title, "message": message}
    try:
        return render(request, "error.html", context, status=status, headers=headers)
    except Exception:  # the page itself failed (e.g. the vault is closed): answer plainly
        log.exception("could not render the error page for %s", code)
        body = f"<!doctype html><title>{html.escape(title)}</title><p>{html.escape(message)}</p>"
        return HTMLResponse(body, status_code=status, headers=headers)


async def on_holoptic_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HolopticError)
    if isinstance(exc, LoginRequired) and not wants_problem(request):
        target = "/login?next=" + quote(request.url.path)
        return RedirectResponse(target, status_code=303)
    if exc.status >= 500:
        log.error("%s on %s %s: %s", exc.code, request.method, request.url.path, exc.message)
    return error_page(request, exc.status, exc.code, exc.message, error_headers(exc))


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = HTTP_CODES.get(exc.status_code, "web.internal_error")
    return error_page(request, exc.status_code, code, str(exc.detail), dict(exc.headers or {}))


async def on_validation_error(request: Request, exc: Exception) -> Response:
    return error_page(request, 422, "web.invalid_request", "invalid request")


async def on_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_page(request, 500, "web.internal_error", "internal error")


def install_page_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HolopticError, on_holoptic_error)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(Exception, on_unexpected)


async def on_api_holoptic_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HolopticError)
    if exc.status >= 500:
        log.error("%s on %s %s: %s", exc.code, request.method, request.url.path, exc.message)
    return problem(
        exc.status, exc.code, exc.message, headers=error_headers(exc), extensions=exc.details
    )


async def on_api_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = HTTP_CODES.get(exc.status_code, "web.internal_error")
    return problem(exc.status_code, code, str(exc.detail), headers=dict(exc.headers or {}))


async def on_api_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": [str(part) for part in error.get("loc", ())], "msg": str(error.get("msg", ""))}
        for error in exc.errors()
    ]
    detail = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors) or "invalid request"
    return problem(422, "web.invalid_request", detail, extensions={"errors": errors})


async def on_api_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, "web.internal_error", "an unexpected error occurred; it has been logged")


def install_api_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HolopticError, on_api_holoptic_error)
    app.add_exception_handler(HTTPException, on_api_http_error)
    app.add_exception_handler(RequestValidationError, on_api_validation_error)
    app.add_exception_handler(Exception, on_api_unexpected)
