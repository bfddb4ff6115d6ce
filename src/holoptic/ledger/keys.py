"""Members' signing keys: the private half sealed in their vault, the public half beside
the ledger. The server signs a member's payment order only for that member's session
(after re-authentication on the web; the operator's CLI acts as the member)."""

from __future__ import annotations

import base64

from holoptic.clock import Clock
from holoptic.ledger.orders import PaymentOrder, new_private_key, public_key_of, sign_order
from holoptic.ledger.ports import LedgerUnitOfWorkFactory
from holoptic.vault.documents import MemberDocuments

KIND = "ledger.signing_key"


class SigningKeys:
    def __init__(
        self, uow: LedgerUnitOfWorkFactory, documents: MemberDocuments, clock: Clock
    ) -> None:
        self._uow = uow
        self._documents = documents
        self._clock = clock

    def public_key(self, member_id: str) -> bytes:
        """The member's public key, creating their key pair on first use."""
        with self._uow() as uow:
            found = uow.ledger.public_key(member_id)
        if found is not None:
            return found
        private = self._private(member_id) or new_private_key()
        if not self._documents.list(member_id, KIND):
            body = {"ed25519": base64.b64encode(private).decode("ascii")}
            self._documents.save(member_id, KIND, body)
        public = public_key_of(private)
        with self._uow(write=True) as uow:
            if uow.ledger.public_key(member_id) is None:
                uow.ledger.add_public_key(member_id, public, self._clock.now())
            return uow.ledger.public_key(member_id) or public

    def sign(self, member_id: str, order: PaymentOrder) -> bytes:
        self.public_key(member_id)
        private = self._private(member_id)
        assert private is not None  # created just above
        return sign_order(order, private)

    def _private(self, member_id: str) -> bytes | None:
        documents = self._documents.list(member_id, KIND)
        if not documents:
            return None
        return base64.b64decode(documents[0].body["ed25519"])
