"""Signed cookie sessions, judged against the injected clock.

The whole session lives in one cookie signed with itsdangerous: the member id (or none),
a CSRF token, when it was issued and when it was last seen. Nothing is stored on the
server, so there is no session table to clean. The cookie is signed, not encrypted: it
holds no personal value, only an opaque member id.

Expiry is decided here, with ``services.clock`` rather than the wall clock, so tests move
time with ``FixedClock.advance``. A logged-in session idle for longer than
``settings.session_max_age`` is dropped and replaced by an anonymous one that carries a
"your session expired" notice for the login page.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from holoptic.clock import Clock

COOKIE = "holoptic_session"
SALT = "holoptic.web.session"
REFRESH_AFTER = 60.0  # seconds: re-sign "last seen" at most once a minute
SKIP_PREFIXES = ("/api/", "/static/")  # the API authenticates with tokens, never cookies

SESSION_EXPIRED = "session_expired"
LOGIN_REQUIRED = "login_required"


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass
class Session:
    """One browser's session; ``changed`` tells the middleware to send a new cookie."""

    csrf: str
    issued: float
    seen: float
    member_id: str | None = None
    flashes: list[str] = field(default_factory=list)
    expired: bool = False
    changed: bool = False

    @classmethod
    def anonymous(cls, now: float) -> Session:
        return cls(csrf=new_csrf_token(), issued=now, seen=now, changed=True)

    def log_in(self, member_id: str, now: float) -> None:
        """A fresh token on every login, so a token seen before login is worthless after."""
        self.member_id = member_id
        self.csrf = new_csrf_token()
        self.issued = self.seen = now
        self.expired = False
        self.changed = True

    def log_out(self, now: float) -> None:
        self.member_id = None
        self.csrf = new_csrf_token()
        self.issued = self.seen = now
        self.changed = True

    def flash(self, code: str) -> None:
        """Queue a notice (a message code) for the next page this browser sees."""
        if code not in self.flashes:
            self.flashes.append(code)
            self.changed = True

    def pop_flashes(self) -> list[str]:
        codes, self.flashes = self.flashes, []
        if codes:
            self.changed = True
        return codes

    def payload(self) -> dict[str, Any]:
        return {
            "m": self.member_id,
            "c": self.csrf,
            "i": self.issued,
            "s": self.seen,
            "f": self.flashes,
        }

    @classmethod
    def from_payload(cls, data: Any) -> Session | None:
        """Rebuild a session from a verified cookie; None when its shape is wrong."""
        try:
            member, csrf = data["m"], data["c"]
            issued, seen, flashes = float(data["i"]), float(data["s"]), list(data["f"])
        except (KeyError, TypeError, ValueError):
            return None
        if not isinstance(csrf, str) or not (member is None or isinstance(member, str)):
            return None
        return cls(csrf, issued, seen, member, [str(f) for f in flashes])


class SessionMiddleware:
    """Loads the session into ``scope["state"]["session"]`` and writes it back when changed."""

    def __init__(
        self, app: ASGIApp, *, secret: str, clock: Clock, max_age: int, secure: bool
    ) -> None:
        self.app = app
        self.serializer = URLSafeSerializer(secret, salt=SALT)
        self.clock = clock
        self.max_age = max_age
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(SKIP_PREFIXES):
            await self.app(scope, receive, send)
            return
        session = self.load(HTTPConnection(scope).cookies.get(COOKIE))
        scope.setdefault("state", {})["session"] = session

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and session.changed:
                MutableHeaders(scope=message).append("Set-Cookie", self.cookie(session))
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def load(self, raw: str | None) -> Session:
        """The session in the cookie, refreshed, expired or replaced as the clock says."""
        now = self.clock.now().timestamp()
        session = None
        if raw:
            try:
                session = Session.from_payload(self.serializer.loads(raw))
            except BadSignature:
                session = None
        if session is None:
            return Session.anonymous(now)
        if session.member_id is not None:
            if now - session.seen > self.max_age:
                session.log_out(now)
                session.expired = True
                session.flash(SESSION_EXPIRED)
            elif now - session.seen >= REFRESH_AFTER:
                session.seen = now
                session.changed = True
        return session

    def cookie(self, session: Session) -> str:
        """A browser-session cookie (no Max-Age): the server judges expiry, not the browser."""
        value = self.serializer.dumps(session.payload())
        parts = [f"{COOKIE}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
        if self.secure:
            parts.append("Secure")
        return "; ".join(parts)
