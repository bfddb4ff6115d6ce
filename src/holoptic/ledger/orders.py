"""Payment orders: what a member signs to pay, and how the server checks it.

An order is the RFC 8785 canonical JSON of its fields under a fixed type tag, signed with
the payer's Ed25519 key (RFC 8032). The key's private half stays sealed in the member's
vault; the server signs on the member's behalf only after re-authentication, and
verifies every order before the ledger sees it. The order id is the transfer id, so a
replayed order is the same transfer and applies at most once; an order outside the
validity window is refused as stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from holoptic.errors import HolopticError
from holoptic.trace.canonical import canonical

ORDER_TYPE = "holoptic.payment-order/v1"
VALID_FOR = timedelta(minutes=10)  # an order older (or further ahead) than this is stale


class OrderRefused(HolopticError):
    code = "ledger.order_refused"
    status = 403


class SignatureInvalid(OrderRefused):
    code = "ledger.signature_invalid"


class StaleOrder(OrderRefused):
    code = "ledger.stale_order"


@dataclass(frozen=True, slots=True)
class PaymentOrder:
    id: str  # the transfer id, chosen by the payer's client
    currency: str
    payer: str  # member ids
    payee: str
    amount: int  # minor units
    category: str | None
    issued_at: datetime

    def message(self) -> bytes:
        """The exact bytes signed: canonical JSON, times in UTC with microseconds."""
        return canonical(
            {
                "type": ORDER_TYPE,
                "id": self.id,
                "currency": self.currency,
                "payer": self.payer,
                "payee": self.payee,
                "amount": self.amount,
                "category": self.category,
                "issued_at": self.issued_at.isoformat(timespec="microseconds"),
            }
        )


def new_private_key() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes_raw()


def public_key_of(private_key: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(private_key).public_key().public_bytes_raw()


def sign_order(order: PaymentOrder, private_key: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(private_key).sign(order.message())


def verify_order(
    order: PaymentOrder, signature: bytes, public_key: bytes | None, now: datetime
) -> None:
    """Raise ``SignatureInvalid`` (also when the payer has no key) or ``StaleOrder``;
    return quietly when the order holds."""
    if public_key is None:
        raise SignatureInvalid(f"member {order.payer} has no signing key", order=order.id)
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, order.message())
    except (InvalidSignature, ValueError):
        raise SignatureInvalid(
            f"the signature of payment order {order.id} does not verify with the payer's key",
            order=order.id,
        ) from None
    if abs(now - order.issued_at) > VALID_FOR:
        raise StaleOrder(
            f"payment order {order.id} was issued at {order.issued_at.isoformat()}, "
            f"outside the {int(VALID_FOR.total_seconds() // 60)}-minute window",
            order=order.id,
        )
