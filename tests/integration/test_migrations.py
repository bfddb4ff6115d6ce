"""Migrations apply from empty on both backends and match the models."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Engine, MetaData, String, Table, text

from holoptic.db.migrate import current_revision, drift, head_revision
from holoptic.db.schema import metadata


def test_migrations_reach_head(migrated_engine: Engine) -> None:
    assert current_revision(migrated_engine) == head_revision()


def test_models_and_migrations_do_not_drift(migrated_engine: Engine) -> None:
    assert drift(migrated_engine) == []


def test_drift_check_notices_a_model_change(migrated_engine: Engine) -> None:
    changed = MetaData()
    for table in metadata.sorted_tables:
        table.to_metadata(changed)
    Table("communities", changed, Column("motto", String(80)), extend_existing=True)
    differences = drift(migrated_engine, changed)
    assert any("motto" in repr(diff) for diff in differences)


def test_balances_have_room_for_their_next_versions(migrated_engine: Engine) -> None:
    """On PostgreSQL, ledger_accounts keeps 30 % of each page free (heap-only updates)."""
    if migrated_engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no fill factor")
    with migrated_engine.connect() as conn:
        options = conn.execute(
            text("SELECT reloptions FROM pg_class WHERE oid = 'ledger_accounts'::regclass")
        ).scalar_one()
    assert options == ["fillfactor=70"]
