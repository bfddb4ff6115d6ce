"""Repository implementations over SQLAlchemy Core, one module per domain package."""
