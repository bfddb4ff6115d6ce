from tests.e2e.conftest import cli, database_url, ready  # noqa: F401  (CLI fixtures)
