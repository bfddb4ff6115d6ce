"""Identity errors with stable codes."""

from __future__ import annotations

from holoptic.errors import HolopticError, InvalidInput


class InvalidCredentials(HolopticError):
    """Unknown e-mail or wrong password: deliberately the same error for both."""

    code = "identity.invalid_credentials"
    status = 401


class InvalidToken(HolopticError):
    code = "identity.invalid_token"
    status = 401


class InsufficientScope(HolopticError):
    code = "identity.insufficient_scope"
    status = 403


class TooManyAttempts(HolopticError):
    code = "identity.too_many_attempts"
    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, retry_after=retry_after)
        self.retry_after = retry_after


class WeakPassword(InvalidInput):
    code = "identity.weak_password"
