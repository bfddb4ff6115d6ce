"""The unit of work: one database transaction shared by every repository."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine

from holoptic.db.repos.consumers import SqlConsumerRepository
from holoptic.db.repos.documents import SqlDocumentRepository
from holoptic.db.repos.grants import SqlGrantRepository
from holoptic.db.repos.identity import SqlIdentityRepository
from holoptic.db.repos.ledger import SqlLedgerRepository
from holoptic.db.repos.lineage import SqlLineageRepository
from holoptic.db.repos.reveal import SqlRevealRepository
from holoptic.db.repos.rules import SqlRuleRepository
from holoptic.db.repos.trace import SqlTraceRepository
from holoptic.db.repos.uses import SqlUseRepository
from holoptic.db.repos.vault import SqlVaultRepository


class SqlUnitOfWork:
    """``with uow:`` opens a transaction; a clean exit commits, an exception rolls back."""

    vault: SqlVaultRepository
    identity: SqlIdentityRepository
    documents: SqlDocumentRepository
    reveal: SqlRevealRepository
    trace: SqlTraceRepository
    consumers: SqlConsumerRepository
    rules: SqlRuleRepository
    grants: SqlGrantRepository
    uses: SqlUseRepository
    lineage: SqlLineageRepository
    ledger: SqlLedgerRepository

    def __init__(self, engine: Engine, write: bool = False) -> None:
        self._engine = engine
        self._write = write  # SQLite: BEGIN IMMEDIATE (see db.engine)
        self._connection: Connection | None = None

    def __enter__(self) -> SqlUnitOfWork:
        self._connection = self._engine.connect()
        if self._write:
            self._connection.execution_options(holoptic_write=True)
        self._connection.begin()
        self.vault = SqlVaultRepository(self._connection)
        self.identity = SqlIdentityRepository(self._connection)
        self.documents = SqlDocumentRepository(self._connection)
        self.reveal = SqlRevealRepository(self._connection)
        self.trace = SqlTraceRepository(self._connection)
        self.consumers = SqlConsumerRepository(self._connection)
        self.rules = SqlRuleRepository(self._connection)
        self.grants = SqlGrantRepository(self._connection)
        self.uses = SqlUseRepository(self._connection)
        self.lineage = SqlLineageRepository(self._connection)
        self.ledger = SqlLedgerRepository(self._connection)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._connection is not None
        try:
            if exc_type is None:
                self._connection.commit()
            else:
                self._connection.rollback()
        finally:
            self._connection.close()
            self._connection = None

    @property
    def connection(self) -> Connection:
        assert self._connection is not None, "use the unit of work inside `with`"
        return self._connection
