"""The CLI fixtures of tests/e2e (a fresh home and database per backend), for reveal tests."""

from __future__ import annotations

from tests.e2e.conftest import cli, database_url, ready

__all__ = ["cli", "database_url", "ready"]
