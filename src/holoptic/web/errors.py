"""Errors of the web layer, and the registry that gives every error code a title and message.

Each code maps to an English title and message (translated for pages through the ``web``
catalogue). API problem documents (RFC 9457) carry the English title, the error's own
specific message as ``detail``, and the stable ``code``.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi.responses import JSONResponse

from holoptic.errors import HolopticError

API_PREFIX = "/api/v1"
PROBLEM_JSON = "application/problem+json"
EXTENSIONS = (  # details safe to show a client
    "item_id",
    "kind",
    "retry_after",
    "errors",
    "problems",
    "use_id",
    "decision",
    "explanation",
    "log_index",
    "log_indexes",
)


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated where it is shown."""
    return message


class LoginRequired(HolopticError):
    code = "web.login_required"
    status = 401


class NotSteward(HolopticError):
    code = "web.not_steward"
    status = 403


class CsrfRejected(HolopticError):
    """A state-changing request without this session's CSRF token: refused, nothing done."""

    code = "web.csrf_rejected"
    status = 403


class TokenRequired(HolopticError):
    code = "web.token_required"
    status = 401


class TokenNotFound(HolopticError):
    code = "web.token_not_found"
    status = 404


class TokenWithoutMember(HolopticError):
    code = "web.token_not_member"
    status = 403


class ImportJobNotFound(HolopticError):
    """No such import job for this member: unknown, someone else's, or already forgotten."""

    code = "web.import_not_found"
    status = 404


class UploadTooLarge(HolopticError):
    """An upload beyond ``HOLOPTIC_MAX_UPLOAD_BYTES`` (or too many files): nothing is kept."""

    code = "web.upload_too_large"
    status = 413


class InvalidDate(HolopticError):
    """A period's date that is not ``YYYY-MM-DD``."""

    code = "web.invalid_date"
    status = 400


class PeriodReversed(HolopticError):
    """A period that starts after it ends."""

    code = "web.period_reversed"
    status = 400


class InvalidUpload(HolopticError):
    """A body that is not the upload form's multipart data."""

    code = "web.invalid_request"
    status = 422


# code -> (title, message); English source strings, French in locale/fr/.../web.po
ERRORS: dict[str, tuple[str, str]] = {
    "web.not_found": (
        N_("Page not found"),
        N_("There is nothing at this address. Check the link or go back to the home page."),
    ),
    "web.method_not_allowed": (
        N_("Request not allowed"),
        N_("This address does not accept this kind of request."),
    ),
    "web.invalid_request": (
        N_("Invalid request"),
        N_("Some values in the request are missing or malformed."),
    ),
    "web.csrf_rejected": (
        N_("Form refused"),
        N_(
            "This form could not be accepted: it has expired or did not come from this site. "
            "Nothing was changed. Go back, reload the page and try again."
        ),
    ),
    "web.login_required": (N_("Login required"), N_("Log in to see this page.")),
    "web.not_steward": (
        N_("Stewards only"),
        N_("Only the stewards of a community may open the steward area."),
    ),
    "web.token_required": (
        N_("API token required"),
        N_("Send an API token in the Authorization header: Bearer hol_…"),
    ),
    "web.token_not_member": (
        N_("Token without a member"),
        N_("This API token does not belong to a member, so it cannot read member data."),
    ),
    "web.token_not_found": (
        N_("Token not found"),
        N_("There is no such token among yours."),
    ),
    "web.import_not_found": (
        N_("Import not found"),
        N_(
            "There is no such import among yours. Finished imports are listed here for a few "
            "hours only; what they imported stays in your vault."
        ),
    ),
    "web.upload_too_large": (
        N_("Upload too large"),
        N_(
            "These files are more than this server accepts in one upload. Nothing was kept. "
            "Upload fewer or smaller files, one archive at a time for instance."
        ),
    ),
    "web.invalid_date": (
        N_("Invalid date"),
        N_("Dates are written year-month-day, for example 2026-03-31. Correct the date."),
    ),
    "web.period_reversed": (
        N_("Dates in the wrong order"),
        N_("The period starts after it ends: the “from” date must be on or before the “to” date."),
    ),
    "web.internal_error": (
        N_("Something went wrong"),
        N_("An unexpected error occurred. It has been logged. Please try again later."),
    ),
    "identity.invalid_token": (
        N_("Invalid API token"),
        N_("The API token is unknown, expired or revoked."),
    ),
    "identity.insufficient_scope": (
        N_("Insufficient scope"),
        N_("This API token does not have the permission this request needs."),
    ),
    "identity.invalid_credentials": (
        N_("Wrong e-mail address or password"),
        N_("Wrong e-mail address or password."),
    ),
    "identity.too_many_attempts": (
        N_("Too many attempts"),
        N_("Too many failed logins. Wait a few minutes, then try again."),
    ),
    "reveal.holder_not_found": (
        N_("Organisation not found"),
        N_("Your data shows no such organisation. Go back to “Who holds my data?”."),
    ),
    "reveal.request_not_found": (
        N_("Request not found"),
        N_("There is no such request among yours."),
    ),
    "vault.item_not_found": (
        N_("Item not found"),
        N_("There is no such item among your data."),
    ),
    "vault.item_unreadable": (
        N_("Item unreadable"),
        N_(
            "This item failed its integrity check: it was corrupted or tampered with. "
            "Your other items are not affected."
        ),
    ),
    "vault.unknown_kind": (N_("Unknown kind of data"), N_("This kind of data is unknown.")),
    "vault.member_key_destroyed": (
        N_("Account deleted"),
        N_("This account was deleted, and its data with it."),
    ),
    "vault.master_key_missing": (
        N_("Vault closed"),
        N_("The server cannot open the vault: its master key is missing. Tell the administrator."),
    ),
    "vault.wrong_master_key": (
        N_("Vault closed"),
        N_("The server cannot open the vault: its master key is wrong. Tell the administrator."),
    ),
}

STATUS_TITLES: dict[int, str] = {
    400: N_("Bad request"),
    401: N_("Not authenticated"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    409: N_("Conflict"),
    410: N_("Gone"),
    413: N_("Too large"),
    422: N_("Invalid input"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong"),
    503: N_("Service unavailable"),
}


def title_for(code: str, status: int) -> str:
    if code in ERRORS:
        return ERRORS[code][0]
    return STATUS_TITLES.get(status) or HTTPStatus(status).phrase


def message_for(code: str, status: int) -> str | None:
    """The registered English message for ``code``, if any (pages translate it)."""
    if code in ERRORS:
        return ERRORS[code][1]
    return ERRORS["web.internal_error"][1] if status >= 500 else None


def problem_type(code: str) -> str:
    """A URI reference that resolves to this deployment's description of the problem type."""
    return f"{API_PREFIX}/problems/{code}"


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    extensions: Mapping[str, object] | None = None,
) -> JSONResponse:
    """An RFC 9457 problem document."""
    body: dict[str, Any] = {
        "type": problem_type(code),
        "title": title or title_for(code, status),
        "status": status,
        "detail": detail,
        "code": code,
    }
    extra = extensions or {}
    body.update({k: v for k, v in extra.items() if k in EXTENSIONS and v is not None})
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def error_headers(error: HolopticError) -> dict[str, str]:
    """Headers a client needs to act on the error (when to retry, how to authenticate)."""
    retry = error.details.get("retry_after")
    if isinstance(retry, int):
        return {"Retry-After": str(retry)}
    if error.code == "identity.insufficient_scope":
        return {"WWW-Authenticate": 'Bearer realm="holoptic", error="insufficient_scope"'}
    if error.code == "identity.invalid_token":
        return {"WWW-Authenticate": 'Bearer realm="holoptic", error="invalid_token"'}
    if error.status == 401 and error.code != "identity.invalid_credentials":
        return {"WWW-Authenticate": 'Bearer realm="holoptic"'}
    return {}
