"""CSRF protection for every state-changing page request (the synchronizer-token pattern).

Each session, anonymous ones included, carries a random token. Every form renders it in
a hidden ``csrf_token`` field; HTMX requests may send it in the ``X-CSRF-Token`` header
instead. ``csrf_guard`` runs as an application-wide dependency, before any handler body,
so a refused request changes nothing. The JSON API is exempt: it accepts bearer tokens
only, never the session cookie.

One exception to "before the handler": a route marked ``streams_its_form`` (the import
upload) reads its multipart body itself, straight to disk, so the guard must not parse
(and spool) gigabytes first. Without an ``X-CSRF-Token`` header the guard leaves the
check to that handler, which calls ``check_token`` on the form's first field before it
writes a single byte.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request

from holoptic.web.deps import session_of
from holoptic.web.errors import CsrfRejected, LoginRequired

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
STREAMED = "holoptic_streams_its_form"
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def streams_its_form(endpoint: Endpoint) -> Endpoint:
    """Mark a route that parses its own multipart body and calls ``check_token`` first."""
    setattr(endpoint, STREAMED, True)
    return endpoint


async def submitted_token(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.headers.get("content-type", "").startswith(FORM_TYPES):
        value = (await request.form()).get(CSRF_FIELD)  # parsed once, cached by Starlette
        return value if isinstance(value, str) else None
    return None


async def csrf_guard(request: Request) -> None:
    """Refuse an unsafe request whose token is missing or is not this session's."""
    if request.method in SAFE_METHODS:
        return
    session = session_of(request)
    if session.expired:  # the form came from a session that just expired: say so, do nothing
        raise LoginRequired("the session expired before the form was sent")
    if not request.headers.get(CSRF_HEADER) and _streams_its_form(request):
        return  # the handler checks the form's token before it writes anything
    check_token(request, await submitted_token(request))


def check_token(request: Request, submitted: str | None) -> None:
    """Refuse ``submitted`` unless it is this session's CSRF token."""
    expected = session_of(request).csrf
    if not submitted or not secrets.compare_digest(submitted.encode(), expected.encode()):
        raise CsrfRejected("the form's security token is missing or does not match the session")


def _streams_its_form(request: Request) -> bool:
    multipart = request.headers.get("content-type", "").startswith("multipart/form-data")
    return multipart and bool(getattr(request.scope.get("endpoint"), STREAMED, False))
