"""What the consumer service needs from storage (``holoptic.db.repos.consumers``)."""

from __future__ import annotations

from datetime import datetime
from types import TracebackType
from typing import Protocol

from holoptic.consumers.model import Consumer, ConsumerStatus
from holoptic.identity.model import ApiToken
from holoptic.identity.ports import IdentityRepository


class ConsumerRepository(Protocol):
    def add(self, consumer: Consumer) -> None: ...
    def get(self, consumer_id: str) -> Consumer | None: ...
    def by_token(self, token_hash: str) -> tuple[ApiToken, Consumer] | None: ...
    def list(self, status: ConsumerStatus | None = None) -> list[Consumer]: ...
    def set_status(self, consumer_id: str, status: ConsumerStatus, at: datetime | None) -> None: ...


class ConsumerUnitOfWork(Protocol):
    @property
    def consumers(self) -> ConsumerRepository: ...
    @property
    def identity(self) -> IdentityRepository: ...

    def __enter__(self) -> ConsumerUnitOfWork: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
