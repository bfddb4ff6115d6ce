"""A consumer: an organisation that may ask the gate for data once a steward approves it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from holoptic.rules.model import ConsumerType


class ConsumerStatus(StrEnum):
    PENDING = "pending"  # registered, waiting for a steward
    APPROVED = "approved"
    SUSPENDED = "suspended"  # its tokens stop working at once


@dataclass(frozen=True, slots=True)
class Consumer:
    id: str
    name: str
    type: ConsumerType
    status: ConsumerStatus
    created_at: datetime
    contact_email: str | None = None
    website: str | None = None
    address: str | None = None
    approved_at: datetime | None = None

    @property
    def approved(self) -> bool:
        return self.status is ConsumerStatus.APPROVED

    def iri(self) -> str:
        return f"urn:holoptic:consumer:{self.id}"
