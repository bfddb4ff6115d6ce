"""The web application factory: ``create_app(services)``. Nothing is built at import time.

Layers, outermost first: security headers, the signed-cookie session, then the routes.
Every page route runs ``csrf_guard`` first; the JSON API is a separate sub-application
at ``/api/v1`` with its own OpenAPI document, error handlers and token authentication.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from holoptic import __version__
from holoptic.bootstrap import Services, bootstrap
from holoptic.identity.throttle import LoginThrottle
from holoptic.vault.keystore import session_secret
from holoptic.web.api import create_api
from holoptic.web.csrf import csrf_guard
from holoptic.web.errors import API_PREFIX
from holoptic.web.handlers import install_page_handlers
from holoptic.web.jobs import JobRegistry
from holoptic.web.routes import (
    auth,
    home,
    imports,
    reveal,
    reveal_letters,
    steward,
    tokens,
    uses,
    wallet,
    wallet_exchange,
)
from holoptic.web.sessions import SessionMiddleware

STATIC = Path(__file__).parent / "static"
LOGIN_WINDOW = timedelta(minutes=15)
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


class SecurityHeaders:
    """Adds a strict Content-Security-Policy and friends to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if not scope["path"].startswith("/static/"):
                    headers.setdefault("Cache-Control", "no-store")  # personal pages, tokens
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(services: Services) -> FastAPI:
    """The whole web shell for one deployment, wired to its services."""
    settings = services.settings
    app = FastAPI(
        title="Holoptic",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # the pages are not an API; the API documents itself
        dependencies=[Depends(csrf_guard)],
    )
    app.state.services = services
    app.state.login_throttle = LoginThrottle(services.clock, settings.login_attempts, LOGIN_WINDOW)
    app.state.import_jobs = JobRegistry(services.clock, settings.home / "uploads")
    install_page_handlers(app)
    pages = (auth, home, tokens, imports, steward, reveal, reveal_letters, uses, wallet)
    for module in (*pages, wallet_exchange):
        app.include_router(module.router)
    app.mount(API_PREFIX, create_api(services), name="api")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(
        SessionMiddleware,
        secret=session_secret(settings.keys_dir, settings.secret_key),
        clock=services.clock,
        max_age=settings.session_max_age,
        secure=settings.secure_cookies,
    )
    app.add_middleware(SecurityHeaders)
    return app


def from_env() -> FastAPI:
    """For ``uvicorn --factory holoptic.web.app:from_env``: settings from the environment."""
    return create_app(bootstrap())
