"""What a consumer asks the gate, and what the gate answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from holoptic.rules.model import Aggregation, Outcome, Period

MAX_MEMBERS = 10_000  # members named in one request
MAX_CATEGORIES = 50
ITEMS_IN_LEAF = 256  # beyond this, a leaf commits to its items by a Merkle root


class Refusal(StrEnum):
    """Why a whole request was refused before any member's rules were read."""

    TOKEN = "token_invalid"  # noqa: S105 (a reason code: forged, unknown, revoked, expired)
    CONSUMER = "consumer_not_approved"
    GRANT_UNKNOWN = "grant_unknown"
    GRANT_INACTIVE = "grant_inactive"  # withdrawn or expired
    GRANT_MISMATCH = "grant_mismatch"  # another purpose, category or finer level
    NO_MEMBER = "no_member"  # nobody whose rules speak of this request


@dataclass(frozen=True, slots=True)
class UseQuery:
    purpose: str
    categories: tuple[str, ...]
    members: tuple[str, ...] | None = None
    period: Period | None = None
    aggregation: Aggregation = Aggregation.RAW
    grant_id: str | None = None
    spatial: str | None = None


@dataclass(frozen=True, slots=True)
class MemberUse:
    """What the gate decided for one member, as kept in the member's history."""

    member_id: str
    outcome: Outcome
    leaf_index: int
    grant_id: str | None
    rules: tuple[str, ...]
    explanation: list[dict[str, Any]]
    items: tuple[str, ...]  # content hashes
    categories: tuple[str, ...]
    duties: list[dict[str, Any]] = field(default_factory=list)

    def logged_at(self, leaf_index: int) -> MemberUse:
        """This part, once its leaf is in the log (``dataclasses.replace`` costs more)."""
        return MemberUse(
            self.member_id,
            self.outcome,
            leaf_index,
            self.grant_id,
            self.rules,
            self.explanation,
            self.items,
            self.categories,
            self.duties,
        )


@dataclass(frozen=True, slots=True)
class UseOutcome:
    """The gate's answer: the decision, why, where it is logged, and what is released."""

    use_id: str
    consumer_id: str | None
    outcome: Outcome
    at: datetime
    purpose: str
    aggregation: Aggregation
    log_indexes: tuple[int, ...]
    explanation: list[dict[str, Any]]
    released: dict[str, Any] | None
    members: tuple[MemberUse, ...] = ()
    refusal: Refusal | None = None

    @property
    def permitted(self) -> bool:
        return self.outcome is Outcome.PERMIT

    def summary(self) -> dict[str, Any]:
        """The CLI's ``--json`` document and the head of the API's answer."""
        return {
            "use_id": self.use_id,
            "decision": self.outcome.value,
            "explanation": self.explanation,
            "log_index": self.log_indexes[0] if self.log_indexes else None,
            "log_indexes": list(self.log_indexes),
        }
