"""``holoptic serve``: the web app under uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from holoptic.cli.context import state
from holoptic.cli.output import note
from holoptic.cli.text import _


def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option("--host", envvar="HOLOPTIC_HOST", help="Address to listen on.")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", envvar="HOLOPTIC_PORT", help="Port to listen on.")
    ] = 8000,
) -> None:
    """Serve the web app and the JSON API."""
    import uvicorn  # imported here: only this command needs the server stack

    from holoptic.web.app import create_app

    services = state(ctx).services()
    note(_("Holoptic is at http://{host}:{port}/ (Ctrl+C to stop)").format(host=host, port=port))
    uvicorn.run(create_app(services), host=host, port=port)
