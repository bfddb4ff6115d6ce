"""Errors of the gate. Refusals are not errors: they are logged decisions."""

from __future__ import annotations

from holoptic.errors import InvalidInput, NotFound


class InvalidUseRequest(InvalidInput):
    """A malformed request: nothing is decided, nothing is logged."""

    code = "gate.invalid_request"


class UseNotFound(NotFound):
    code = "gate.use_not_found"


class GrantNotFound(NotFound):
    code = "gate.grant_not_found"
