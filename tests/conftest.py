"""Shared fixtures: every storage test runs on SQLite and on PostgreSQL.

PostgreSQL tests use a throw-away schema on the server at ``HOLOPTIC_TEST_POSTGRES_URL``
(default: the CI server on 127.0.0.1:5432, database ``test``). Where none is reachable
they are skipped with a loud message, except under ``CI=true``, where that is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from holoptic.bootstrap import Services
from holoptic.clock import FixedClock
from holoptic.db.engine import build_engine
from holoptic.db.migrate import upgrade
from holoptic.db.schema import metadata
from holoptic.settings import Settings
from holoptic.vault.crypto import MasterKey

POSTGRES_URL = os.environ.get(
    "HOLOPTIC_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
BACKENDS = ("sqlite", "postgresql")
_postgres_problem: list[str] = []


def shared_path(*parts: str) -> Path:
    """A file under ../shared, or a skip that says why it is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the ../shared fixtures are not checked out beside the repo")
    return path


def _postgres_engine(schema: str) -> Engine:
    admin = build_engine(POSTGRES_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    finally:
        admin.dispose()
    return build_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})


def _drop_schema(schema: str) -> None:
    admin = build_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def migrated_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """One migrated database per backend for the whole run."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "holoptic.db"
        engine = build_engine(f"sqlite:///{path}")
        upgrade(engine)
        yield engine
        engine.dispose()
        return
    schema = f"holoptic_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        engine = _postgres_engine(schema)
    except Exception as exc:  # any connection failure: no server here
        message = f"PostgreSQL unreachable at {POSTGRES_URL}: {exc.__class__.__name__}: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI=true requires PostgreSQL)", pytrace=False)
        _postgres_problem.append(message)
        pytest.skip(f"!!! POSTGRESQL HALF SKIPPED: {message}")
    upgrade(engine)
    yield engine
    engine.dispose()
    _drop_schema(schema)


@pytest.fixture
def engine(migrated_engine: Engine) -> Iterator[Engine]:
    """The backend's database, emptied after each test."""
    yield migrated_engine
    with migrated_engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    key = MasterKey.generate()
    return Settings.from_env(
        {"HOLOPTIC_HOME": str(tmp_path / "home"), "HOLOPTIC_MASTER_KEY": key.encode()}
    )


@pytest.fixture
def services(settings: Settings, engine: Engine, clock: FixedClock) -> Services:
    """Wired services on the backend under test, with a default community."""
    built = Services(settings, clock, engine_override=engine)
    built.vault.ensure_community("default", "Default")
    return built


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for message in _postgres_problem[:1]:
        terminalreporter.section("POSTGRESQL NOT TESTED", sep="!", red=True, bold=True)
        terminalreporter.line(message, red=True, bold=True)
