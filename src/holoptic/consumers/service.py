"""Register, approve and suspend consumers; give approved ones API tokens.

A consumer's token is an ordinary API token bound to the consumer instead of a member,
with the ``uses:request`` scope; suspending the consumer revokes every token it holds.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from holoptic.clock import Clock
from holoptic.consumers.errors import (
    ConsumerAlreadyApproved,
    ConsumerNotApproved,
    ConsumerNotFound,
    InvalidConsumer,
)
from holoptic.consumers.model import Consumer, ConsumerStatus
from holoptic.consumers.ports import ConsumerRepository, ConsumerUnitOfWork
from holoptic.identity.model import ApiToken, Scope
from holoptic.identity.service import TOKEN_PREFIX, hash_token
from holoptic.rules.model import ConsumerType
from holoptic.vault.service import new_id

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_NAME = 200


class ConsumerService:
    def __init__(self, uow: Callable[[], ConsumerUnitOfWork], clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def register(
        self,
        name: str,
        type: ConsumerType | str,
        contact_email: str | None = None,
        website: str | None = None,
        address: str | None = None,
    ) -> Consumer:
        """A new consumer, pending until a steward approves it."""
        consumer = Consumer(
            id=new_id(),
            name=_check_name(name),
            type=_check_type(type),
            status=ConsumerStatus.PENDING,
            created_at=self._clock.now(),
            contact_email=_check_email(contact_email),
            website=(website or "").strip()[:500] or None,
            address=(address or "").strip()[:500] or None,
        )
        with self._uow() as uow:
            uow.consumers.add(consumer)
        return consumer

    def approve(self, consumer_id: str) -> Consumer:
        with self._uow() as uow:
            consumer = _get(uow.consumers, consumer_id)
            if consumer.approved:
                raise ConsumerAlreadyApproved(f"consumer {consumer.name!r} is already approved")
            uow.consumers.set_status(consumer_id, ConsumerStatus.APPROVED, self._clock.now())
            return _get(uow.consumers, consumer_id)

    def suspend(self, consumer_id: str) -> Consumer:
        """Suspend the consumer and revoke its tokens, in one transaction."""
        now = self._clock.now()
        with self._uow() as uow:
            _get(uow.consumers, consumer_id)
            uow.consumers.set_status(consumer_id, ConsumerStatus.SUSPENDED, None)
            for token in uow.identity.consumer_tokens(consumer_id):
                if token.revoked_at is None:
                    uow.identity.revoke_token(token.id, now)
            return _get(uow.consumers, consumer_id)

    def issue_token(self, consumer_id: str, name: str = "gate") -> tuple[ApiToken, str]:
        """A token for an approved consumer; the secret is returned once, never stored."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._uow() as uow:
            consumer = _get(uow.consumers, consumer_id)
            if not consumer.approved:
                raise ConsumerNotApproved(f"consumer {consumer.name!r} is not approved")
            token = ApiToken(
                id=new_id(),
                member_id=None,
                consumer_id=consumer_id,
                name=name.strip()[:120] or "gate",
                token_hash=hash_token(secret),
                scopes=frozenset({Scope.USES_REQUEST}),
                created_at=self._clock.now(),
            )
            uow.identity.add_token(token)
        return token, secret

    def get(self, consumer_id: str) -> Consumer:
        with self._uow() as uow:
            return _get(uow.consumers, consumer_id)

    def list(self, status: ConsumerStatus | None = None) -> list[Consumer]:
        with self._uow() as uow:
            return uow.consumers.list(status)


def _get(repo: ConsumerRepository, consumer_id: str) -> Consumer:
    consumer = repo.get(consumer_id)
    if consumer is None:
        raise ConsumerNotFound(f"no consumer {consumer_id}", consumer_id=consumer_id)
    return consumer


def _check_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > MAX_NAME:
        raise InvalidConsumer(f"a consumer's name has 1 to {MAX_NAME} characters")
    return cleaned


def _check_type(value: ConsumerType | str) -> ConsumerType:
    try:
        return ConsumerType(value)
    except ValueError:
        known = ", ".join(t.value for t in ConsumerType)
        raise InvalidConsumer(f"unknown consumer type {value!r}; known types: {known}") from None


def _check_email(email: str | None) -> str | None:
    cleaned = (email or "").strip()
    if cleaned and not _EMAIL.match(cleaned):
        raise InvalidConsumer(f"{cleaned!r} is not an e-mail address")
    return cleaned or None
