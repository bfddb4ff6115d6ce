"""The JSON API sub-application mounted at ``/api/v1``, with its own OpenAPI document.

Programs authenticate with bearer API tokens only (never the session cookie, so no CSRF
surface). Every error is an RFC 9457 problem document. The interactive docs page is
off: it would load Swagger UI from a CDN.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI

from holoptic import __version__
from holoptic.bootstrap import Services
from holoptic.identity.throttle import LoginThrottle
from holoptic.web.handlers import install_api_handlers
from holoptic.web.routes import api, gate_api, log_api

REGISTRATIONS, REGISTRATION_WINDOW = 10, timedelta(hours=1)  # organisations per address


def create_api(services: Services) -> FastAPI:
    app = FastAPI(
        title="Holoptic API",
        version=__version__,
        description=(
            "Read your own data in Holoptic, a citizen data commons. Authenticate with an "
            "API token created on the 'API tokens' page: `Authorization: Bearer hol_…`. "
            "Errors are RFC 9457 problem documents (`application/problem+json`) with a "
            "stable `code`."
        ),
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.services = services
    app.state.registration_throttle = LoginThrottle(
        services.clock, REGISTRATIONS, REGISTRATION_WINDOW
    )
    install_api_handlers(app)
    app.include_router(api.router)
    app.include_router(log_api.router)
    app.include_router(gate_api.router)
    return app
