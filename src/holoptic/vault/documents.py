"""Member documents: small, mutable, personal records sealed with the member's key.

Data items are immutable evidence; some things a member decides or tracks change over
time (a GDPR request's status, a confirmed match). They are JSON documents, sealed like
items (the document id is the associated data), deleted with the member, and part of
the member's portable export.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from holoptic.clock import Clock
from holoptic.vault.errors import ItemNotFound, ItemUnreadable
from holoptic.vault.ports import VaultUnitOfWork
from holoptic.vault.service import VaultService, new_id


@dataclass(frozen=True, slots=True)
class SealedDocument:
    id: str
    member_id: str
    kind: str
    blob: bytes
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Document:
    """A document opened for its owner."""

    id: str
    kind: str
    body: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class DocumentRepository(Protocol):
    def put_document(self, document: SealedDocument) -> None: ...
    def get_document(self, member_id: str, document_id: str) -> SealedDocument | None: ...
    def list_documents(self, member_id: str, kind: str | None = None) -> list[SealedDocument]: ...
    def delete_document(self, member_id: str, document_id: str) -> None: ...


class DocumentUnitOfWork(VaultUnitOfWork, Protocol):
    @property
    def documents(self) -> DocumentRepository: ...

    def __enter__(self) -> DocumentUnitOfWork: ...


class MemberDocuments:
    def __init__(
        self, uow: Callable[[], DocumentUnitOfWork], vault: VaultService, clock: Clock
    ) -> None:
        self._uow, self._vault, self._clock = uow, vault, clock

    def save(
        self, member_id: str, kind: str, body: dict[str, Any], document_id: str | None = None
    ) -> Document:
        """Create a document, or replace the body of an existing one of this member."""
        now = self._clock.now()
        with self._uow() as uow:
            cipher = self._vault.cipher(uow.vault, member_id)
            existing = uow.documents.get_document(member_id, document_id) if document_id else None
            if document_id and existing is None:
                raise ItemNotFound(f"no document {document_id} for this member")
            doc_id = document_id or new_id()
            created = existing.created_at if existing else now
            payload = json.dumps(body, sort_keys=True, ensure_ascii=False).encode()
            sealed = SealedDocument(
                doc_id, member_id, kind, cipher.seal("doc:" + doc_id, payload), created, now
            )
            uow.documents.put_document(sealed)
        return Document(doc_id, kind, body, created, now)

    def get(self, member_id: str, document_id: str) -> Document:
        with self._uow() as uow:
            sealed = uow.documents.get_document(member_id, document_id)
            if sealed is None:
                raise ItemNotFound(f"no document {document_id} for this member")
            return self._open(uow, sealed)

    def list(self, member_id: str, kind: str | None = None) -> list[Document]:
        """The member's documents; one whose seal fails is an error naming it."""
        with self._uow() as uow:
            return [self._open(uow, s) for s in uow.documents.list_documents(member_id, kind)]

    def delete(self, member_id: str, document_id: str) -> None:
        with self._uow() as uow:
            if uow.documents.get_document(member_id, document_id) is None:
                raise ItemNotFound(f"no document {document_id} for this member")
            uow.documents.delete_document(member_id, document_id)

    def _open(self, uow: DocumentUnitOfWork, sealed: SealedDocument) -> Document:
        cipher = self._vault.cipher(uow.vault, sealed.member_id)
        try:
            body = json.loads(cipher.open("doc:" + sealed.id, sealed.blob))
        except ItemUnreadable:
            raise ItemUnreadable(
                f"document {sealed.id} failed its integrity check", item_id=sealed.id
            ) from None
        return Document(sealed.id, sealed.kind, body, sealed.created_at, sealed.updated_at)
