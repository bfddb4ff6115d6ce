"""Rows of member documents (sealed JSON)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from holoptic.db import schema as t
from holoptic.db.repos.vault import must_utc
from holoptic.vault.documents import SealedDocument


def _document(row: Mapping[Any, Any]) -> SealedDocument:
    return SealedDocument(
        row["id"],
        row["member_id"],
        row["kind"],
        row["blob"],
        must_utc(row["created_at"]),
        must_utc(row["updated_at"]),
    )


class SqlDocumentRepository:
    """Implements ``holoptic.vault.documents.DocumentRepository``."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def put_document(self, document: SealedDocument) -> None:
        c = t.member_documents.c
        self._c.execute(delete(t.member_documents).where(c.id == document.id))
        self._c.execute(
            insert(t.member_documents).values(
                id=document.id,
                member_id=document.member_id,
                kind=document.kind,
                blob=document.blob,
                created_at=document.created_at,
                updated_at=document.updated_at,
            )
        )

    def get_document(self, member_id: str, document_id: str) -> SealedDocument | None:
        c = t.member_documents.c
        query = select(t.member_documents).where(c.id == document_id, c.member_id == member_id)
        row = self._c.execute(query).mappings().first()
        return _document(row) if row else None

    def list_documents(self, member_id: str, kind: str | None = None) -> list[SealedDocument]:
        c = t.member_documents.c
        query = select(t.member_documents).where(c.member_id == member_id)
        if kind is not None:
            query = query.where(c.kind == kind)
        query = query.order_by(c.created_at, c.id)
        return [_document(row) for row in self._c.execute(query).mappings()]

    def delete_document(self, member_id: str, document_id: str) -> None:
        c = t.member_documents.c
        self._c.execute(
            delete(t.member_documents).where(c.id == document_id, c.member_id == member_id)
        )
