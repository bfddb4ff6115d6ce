"""Storage: SQLAlchemy 2 Core tables, repositories and Alembic migrations."""
