"""The ledger's immutable values: accounts, transfers and their results.

Amounts are integers in the currency's minor units. Every transfer moves ``amount``
from its debit account to its credit account, so Σ balances never changes except
through the issuance account (whose balance is minus what was issued). Transfers carry a
client-chosen id (idempotency: a transfer id applies once) and may be two-phase:
``pending`` reserves the amount, then exactly one ``post`` or ``void`` resolves it,
or the timeout voids it. Linked transfers apply all together or not at all.
(TigerBeetle's model, in Python: see docs/ledger.md.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class AccountKind(StrEnum):
    MEMBER = "member"
    CONSUMER = "consumer"
    TREASURY = "treasury"  # the community's own account
    ISSUANCE = "issuance"  # the source of money: its balance is −(issued − burned)
    DEMURRAGE = "demurrage"  # the sink demurrage is collected into
    RESERVE = "reserve"  # euros held against redeemable units (euro-backed)
    EXCHANGE = "exchange"  # the link to another currency

    @property
    def system(self) -> bool:
        return self is not AccountKind.MEMBER and self is not AccountKind.CONSUMER


class TransferState(StrEnum):
    POSTED = "posted"  # a single-phase transfer, or the post of a pending one
    PENDING = "pending"
    VOIDED = "voided"  # the void (or timeout) of a pending one


@dataclass(frozen=True, slots=True)
class Account:
    """One account in one currency. ``lower`` is the hard floor of its balance (0 for
    most accounts, −limit for mutual credit, None for system accounts that may go
    negative); ``soft`` is the level below which a warning is given; ``upper`` a cap."""

    id: str
    currency: str
    kind: AccountKind
    owner: str | None  # member or consumer id; None for system accounts
    lower: int | None = 0
    soft: int | None = None
    upper: int | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Transfer:
    """A movement of ``amount`` from ``debit`` to ``credit``.

    ``pending_id`` names the pending transfer a post (``state=POSTED``) or void
    (``state=VOIDED``) resolves. Its debit, credit and category may be left empty ("" or
    None) to take the pending's; its amount may be 0 for the pending's whole amount, or
    smaller to post part of it (the rest is released). ``linked`` chains a transfer to the
    next one of the same batch: the chain applies entirely or not at all. ``at`` is
    stamped with the time of application when left None.
    """

    id: str
    currency: str
    debit: str
    credit: str
    amount: int
    category: str | None = None
    state: TransferState = TransferState.POSTED
    pending_id: str | None = None
    timeout_s: int | None = None  # for pending transfers
    linked: bool = False
    memo: str | None = None
    at: datetime | None = None

    @property
    def posted_amount(self) -> int:
        """What this applied transfer moved between posted balances: its amount if it is
        a single-phase transfer or a post (stored posts carry the amount posted), else 0."""
        return self.amount if self.state is TransferState.POSTED else 0


class Refusal(StrEnum):
    """Why the ledger refused a transfer: stable codes, each naming the rule broken."""

    EXISTS = "exists"  # the id was already applied (with the same fields: idempotent)
    EXISTS_DIFFERENT = "exists_with_different_fields"
    ID_EMPTY = "id_must_not_be_empty"
    SAME_ACCOUNT = "accounts_must_differ"
    AMOUNT = "amount_must_be_positive"
    AMOUNT_TOO_LARGE = "amount_too_large"
    TIMEOUT_INVALID = "timeout_reserved_for_pending"  # or not a positive number of seconds
    PENDING_ID_REQUIRED = "pending_id_required"  # a void names the pending it voids
    PENDING_ID_FORBIDDEN = "pending_id_must_be_empty"  # a pending cannot resolve another
    UNKNOWN_ACCOUNT = "account_not_found"
    CURRENCY_MISMATCH = "currency_mismatch"
    EXCEEDS_LOWER = "exceeds_limit"  # the debit would go below its hard limit
    EXCEEDS_UPPER = "exceeds_upper_limit"
    PENDING_NOT_FOUND = "pending_transfer_not_found"
    PENDING_NOT_PENDING = "pending_transfer_not_pending"
    PENDING_DIFFERENT = "pending_transfer_has_different_fields"
    EXCEEDS_PENDING = "exceeds_pending_transfer_amount"
    PENDING_RESOLVED = "pending_transfer_already_resolved"
    PENDING_EXPIRED = "pending_transfer_expired"
    LINKED_FAILED = "linked_event_failed"  # another transfer of its chain failed
    LINKED_OPEN = "linked_chain_open"  # the batch ends inside a chain
    PERIMETER = "outside_perimeter"
    CATEGORY = "refused_category"
    RESERVE = "reserve_insufficient"  # the reserve would not cover what is redeemable
    SIGNATURE = "signature_invalid"
    NO_EXCHANGE_LINK = "no_exchange_link"  # the currency has no link to the one asked for
    EXCHANGE_CAP = "exchange_daily_cap_exceeded"  # the link's daily cap would be passed


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of one transfer of a batch: applied, or refused with a reason."""

    transfer_id: str
    refusal: Refusal | None = None
    detail: str | None = None

    @property
    def ok(self) -> bool:
        return self.refusal is None or self.refusal is Refusal.EXISTS


@dataclass(frozen=True, slots=True)
class Balance:
    """An account's money: ``posted`` (credits − debits applied) and what pending
    transfers reserve. ``available`` is what the account can still pay."""

    posted: int = 0
    debits_pending: int = 0
    credits_pending: int = 0

    @property
    def available(self) -> int:
        return self.posted - self.debits_pending


class PendingStatus(StrEnum):
    OPEN = "open"
    POSTED = "posted"
    VOIDED = "voided"
    EXPIRED = "expired"  # its timeout passed before a post or void


@dataclass(frozen=True, slots=True)
class Pending:
    """The fate of one pending transfer: open until one post, void or expiry resolves it."""

    transfer_id: str
    expires_at: datetime | None = None
    status: PendingStatus = PendingStatus.OPEN
    resolved_by: str | None = None  # the post or void transfer; None while open or expired
    resolved_at: datetime | None = None
