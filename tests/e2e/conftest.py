"""Fixtures for CLI tests: a fresh HOLOPTIC_HOME and database URL per test, per backend.

PostgreSQL runs get a throw-away schema, selected through the URL itself
(``?options=-csearch_path=<schema>``), so the CLI sees exactly what an operator would
configure. Where no server is reachable the PostgreSQL half is skipped loudly, except
under ``CI=true``.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from typer.testing import CliRunner, Result

from holoptic.bootstrap import Services, bootstrap
from holoptic.cli.main import app
from holoptic.db.engine import build_engine
from holoptic.settings import Settings
from tests.conftest import BACKENDS, POSTGRES_URL


def _schema_url(schema: str) -> str:
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL nobody has used yet: an SQLite file path or an empty PG schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'home' / 'holoptic.db'}"
        return
    schema = f"holoptic_cli_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # any connection failure: no server here
        admin.dispose()
        message = f"PostgreSQL unreachable at {POSTGRES_URL}: {exc.__class__.__name__}: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI=true requires PostgreSQL)", pytrace=False)
        pytest.skip(f"!!! POSTGRESQL HALF SKIPPED: {message}")
    yield _schema_url(schema)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@dataclass
class Cli:
    """Runs ``holoptic`` in-process with a controlled environment."""

    home: Path
    env: dict[str, str | None]
    runner: CliRunner = field(default_factory=CliRunner)

    def __call__(self, *args: str, input: str | None = None, **env: str | None) -> Result:
        return self.runner.invoke(
            app, list(args), env={**self.env, **env}, input=input, catch_exceptions=False
        )

    def ok(self, *args: str, **env: str | None) -> Result:
        result = self(*args, **env)
        assert result.exit_code == 0, (result.stdout, result.stderr)
        return result

    def json(self, *args: str, **env: str | None) -> Any:
        """Run with --json and parse stdout, which must be exactly one JSON document."""
        return json.loads(self.ok(*args, "--json", **env).stdout)

    def settings(self, **env: str | None) -> Settings:
        merged = {**self.env, **env}
        return Settings.from_env({k: v for k, v in merged.items() if v is not None})

    @contextmanager
    def services(self, **env: str | None) -> Iterator[Services]:
        built = bootstrap(self.settings(**env))
        try:
            yield built
        finally:
            built.close()

    @contextmanager
    def raw_engine(self) -> Iterator[Engine]:
        engine = build_engine(self.settings().database_url)
        try:
            yield engine
        finally:
            engine.dispose()


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    """A CLI on a fresh home and database, not yet initialised."""
    home = tmp_path / "home"
    env: dict[str, str | None] = {
        "HOLOPTIC_HOME": str(home),
        "HOLOPTIC_DATABASE_URL": database_url,
        "HOLOPTIC_MASTER_KEY": None,
        "HOLOPTIC_SECRET_KEY": None,
        "HOLOPTIC_LANG": "en",
        "LC_ALL": None,
        "LC_MESSAGES": None,
        "LANG": "C.UTF-8",
        "COLUMNS": "200",
    }
    return Cli(home, env)


@pytest.fixture
def ready(cli: Cli) -> Cli:
    """The same CLI after ``holoptic init``."""
    cli.ok("init")
    return cli


def one_line(result: Result) -> str:
    """The single stderr line of a failed command (and check it is one line)."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]
