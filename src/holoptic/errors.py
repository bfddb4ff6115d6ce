"""The root of every error Holoptic raises on purpose.

Each error carries a stable ``code`` (dotted, lower case) that scripts and the web layer
can rely on, and a ``status`` hint for HTTP. Messages are written for the person who
will read them; translation happens at the edges.
"""

from __future__ import annotations

from typing import ClassVar


class HolopticError(Exception):
    """An expected failure that the user can understand and act on."""

    code: ClassVar[str] = "holoptic.error"
    status: ClassVar[int] = 400

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class NotFound(HolopticError):
    """A named thing does not exist (or is not visible to the caller)."""

    code = "holoptic.not_found"
    status = 404


class Conflict(HolopticError):
    """The request contradicts what is already stored."""

    code = "holoptic.conflict"
    status = 409


class InvalidInput(HolopticError):
    """The caller's input is malformed."""

    code = "holoptic.invalid_input"
    status = 422


class ConfigurationError(HolopticError):
    """The deployment is not set up as the command needs."""

    code = "holoptic.configuration"
    status = 500
