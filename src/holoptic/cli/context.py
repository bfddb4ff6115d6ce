"""Per-invocation state: the settings, read once, and services, built on first use."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import typer
from sqlalchemy.engine import make_url

from holoptic.bootstrap import Services, bootstrap
from holoptic.settings import Settings
from holoptic.setup import NotInitialised, check_ready


class DatabaseMissing(NotInitialised):
    code = "setup.database_missing"


@dataclass
class CliState:
    """What every command needs; ``services`` checks the deployment is initialised."""

    settings: Settings
    _services: Services | None = field(default=None, repr=False)

    def services(self) -> Services:
        """Wired services on an initialised database with the right master key."""
        if self._services is None:
            _require_sqlite_file(self.settings)
            self._services = bootstrap(self.settings)
            check_ready(self._services)
        return self._services

    def close(self) -> None:
        if self._services is not None:
            self._services.close()
            self._services = None


def state(ctx: typer.Context) -> CliState:
    obj = ctx.obj
    assert isinstance(obj, CliState), "the root callback sets the CLI state"
    return obj


def database_label(url: str) -> str:
    """The database URL without its password, safe to print."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # a malformed URL is reported elsewhere; never echo secrets
        return url.split("@")[-1]


def _require_sqlite_file(settings: Settings) -> None:
    """Do not let a mistyped HOLOPTIC_HOME silently create an empty database."""
    if not settings.is_sqlite:
        return
    database = make_url(settings.database_url).database
    if database and database != ":memory:" and not Path(database).exists():
        raise DatabaseMissing(
            f"there is no database at {database}: run `holoptic init` "
            "(or check HOLOPTIC_HOME and HOLOPTIC_DATABASE_URL)",
            path=database,
        )
