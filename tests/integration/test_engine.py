"""The engine's per-connection settings, on each database."""

from __future__ import annotations

from sqlalchemy import text

from holoptic.db.engine import build_engine
from tests.e2e.conftest import database_url  # noqa: F401  (the fixture, both databases)


def test_connections_carry_the_settings_holoptic_relies_on(database_url: str) -> None:  # noqa: F811
    engine = build_engine(database_url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
                assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
            else:  # a plan for each statement's own parameters, never a stale generic one
                mode = conn.execute(text("SHOW plan_cache_mode")).scalar_one()
                assert mode == "force_custom_plan"
            conn.rollback()
    finally:
        engine.dispose()
