"""CSRF protection for every state-changing page request (the synchronizer-token pattern).

Each session, anonymous ones included, carries a random token. Every form renders it in
a hidden ``csrf_token`` field; HTMX requests may send it in the ``X-CSRF-Token`` header
instead. ``csrf_guard`` runs as an application-wide dependency, before any handler body,
so a refused request changes nothing. The JSON API is exempt: it accepts bearer tokens
only, never the session cookie.
"""

from __future__ import annotations

import secrets

from fastapi import Request

from holoptic.web.deps import session_of
from holoptic.web.errors import CsrfRejected, LoginRequired

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


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
    expected = session.csrf
    submitted = await submitted_token(request)
    if not submitted or not secrets.compare_digest(submitted.encode(), expected.encode()):
        raise CsrfRejected("the form's security token is missing or does not match the session")
