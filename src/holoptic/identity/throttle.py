"""Throttling: a sliding window of attempts per key (client address, account), for
failed logins and for organisations' registrations.

Kept in memory: one process serves one deployment. Behind several processes, put the
same policy in the reverse proxy (documented in docs/security.md).
"""

from __future__ import annotations

from collections import defaultdict, deque
from datetime import timedelta

from holoptic.clock import Clock
from holoptic.identity.errors import TooManyAttempts


class LoginThrottle:
    def __init__(self, clock: Clock, attempts: int, window: timedelta) -> None:
        self._clock = clock
        self._attempts = attempts
        self._window = window
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def check(
        self, *keys: str, message: str = "too many failed logins: wait before trying again"
    ) -> None:
        """Raise ``TooManyAttempts`` if any key used up its attempts in the window."""
        now = self._clock.now().timestamp()
        for key in keys:
            failures = self._prune(key, now)
            if len(failures) >= self._attempts:
                retry = int(failures[0] + self._window.total_seconds() - now) + 1
                raise TooManyAttempts(message, retry_after=retry)

    def fail(self, *keys: str) -> None:
        now = self._clock.now().timestamp()
        for key in keys:
            self._prune(key, now).append(now)

    def succeed(self, *keys: str) -> None:
        for key in keys:
            self._failures.pop(key, None)

    def _prune(self, key: str, now: float) -> deque[float]:
        failures = self._failures[key]
        while failures and failures[0] <= now - self._window.total_seconds():
            failures.popleft()
        return failures
