"""Rows of the reveal reference data (public, versioned), mapped to frozen dataclasses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from holoptic.db import schema as t
from holoptic.db.repos.vault import must_utc
from holoptic.reveal.model import DirectoryCompany, ReferenceVersion, Template, TrackerDomain

_CHUNK = 1000  # rows per INSERT: bounded statements on both backends


def _version(row: Mapping[Any, Any]) -> ReferenceVersion:
    return ReferenceVersion(
        id=row["id"],
        source=row["source"],
        version=row["version"],
        sha256=row["sha256"],
        record_count=row["record_count"],
        active=bool(row["active"]),
        loaded_at=must_utc(row["loaded_at"]),
    )


def _chunks(rows: Iterable[dict[str, Any]]) -> Iterable[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= _CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


class SqlRevealRepository:
    """Implements ``holoptic.reveal.ports.ReferenceRepository``."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    # --- versions ---------------------------------------------------------------------

    def active_version(self, source: str) -> ReferenceVersion | None:
        c = t.reference_versions.c
        query = (
            select(t.reference_versions)
            .where(c.source == source, c.active.is_(True))
            .order_by(c.loaded_at.desc(), c.id)
            .limit(1)
        )
        row = self._c.execute(query).mappings().first()
        return _version(row) if row else None

    def versions(self, source: str) -> list[ReferenceVersion]:
        c = t.reference_versions.c
        query = select(t.reference_versions).where(c.source == source)
        rows = self._c.execute(query.order_by(c.loaded_at, c.id)).mappings()
        return [_version(row) for row in rows]

    def find_version(self, source: str, sha256: str) -> ReferenceVersion | None:
        c = t.reference_versions.c
        query = select(t.reference_versions).where(c.source == source, c.sha256 == sha256)
        row = self._c.execute(query.order_by(c.loaded_at.desc())).mappings().first()
        return _version(row) if row else None

    def add_version(self, version: ReferenceVersion) -> None:
        self._c.execute(
            insert(t.reference_versions).values(
                id=version.id,
                source=version.source,
                version=version.version,
                sha256=version.sha256,
                record_count=version.record_count,
                active=version.active,
                loaded_at=version.loaded_at,
            )
        )

    def activate(self, source: str, version_id: str) -> None:
        c = t.reference_versions.c
        self._c.execute(
            update(t.reference_versions)
            .where(c.source == source, c.id != version_id)
            .values(active=False)
        )
        self._c.execute(update(t.reference_versions).where(c.id == version_id).values(active=True))

    def delete_version(self, version_id: str) -> None:
        # Explicit deletes: SQLite only cascades with foreign keys on, and this must not
        # depend on the connection's pragmas.
        for table in (t.tracker_domains, t.directory_companies, t.directory_templates):
            self._c.execute(delete(table).where(table.c.version_id == version_id))
        self._c.execute(delete(t.reference_versions).where(t.reference_versions.c.id == version_id))

    # --- trackers -----------------------------------------------------------------------

    def add_tracker_domains(self, version_id: str, rows: Iterable[TrackerDomain]) -> None:
        values = (
            {
                "version_id": version_id,
                "domain": r.domain,
                "tracker_id": r.tracker_id,
                "tracker_name": r.tracker_name,
                "category": r.category,
                "company_id": r.company_id,
                "company_name": r.company_name,
                "website": r.website,
                "privacy_url": r.privacy_url,
            }
            for r in rows
        )
        for batch in _chunks(values):
            self._c.execute(insert(t.tracker_domains), batch)

    def tracker_domains(self, version_id: str) -> list[TrackerDomain]:
        c = t.tracker_domains.c
        query = select(t.tracker_domains).where(c.version_id == version_id).order_by(c.domain)
        return [
            TrackerDomain(
                domain=row["domain"],
                tracker_id=row["tracker_id"],
                tracker_name=row["tracker_name"],
                category=row["category"],
                company_id=row["company_id"],
                company_name=row["company_name"],
                website=row["website"],
                privacy_url=row["privacy_url"],
            )
            for row in self._c.execute(query).mappings()
        ]

    # --- directory ----------------------------------------------------------------------

    def add_companies(self, version_id: str, rows: Iterable[DirectoryCompany]) -> None:
        values = (
            {
                "version_id": version_id,
                "slug": r.slug,
                "name": r.name,
                "web": r.web,
                "email": r.email,
                "record": r.record,
            }
            for r in rows
        )
        for batch in _chunks(values):
            self._c.execute(insert(t.directory_companies), batch)

    def companies(self, version_id: str) -> list[DirectoryCompany]:
        c = t.directory_companies.c
        query = select(t.directory_companies).where(c.version_id == version_id).order_by(c.slug)
        return [_company(row) for row in self._c.execute(query).mappings()]

    def company(self, version_id: str, slug: str) -> DirectoryCompany | None:
        c = t.directory_companies.c
        query = select(t.directory_companies).where(c.version_id == version_id, c.slug == slug)
        row = self._c.execute(query).mappings().first()
        return _company(row) if row else None

    def add_templates(self, version_id: str, rows: Iterable[Template]) -> None:
        values = (
            {"version_id": version_id, "lang": r.lang, "name": r.name, "body": r.body} for r in rows
        )
        for batch in _chunks(values):
            self._c.execute(insert(t.directory_templates), batch)

    def templates(self, version_id: str) -> list[Template]:
        c = t.directory_templates.c
        query = select(t.directory_templates).where(c.version_id == version_id)
        rows = self._c.execute(query.order_by(c.lang, c.name)).mappings()
        return [Template(row["lang"], row["name"], row["body"]) for row in rows]

    def template(self, version_id: str, lang: str, name: str) -> Template | None:
        c = t.directory_templates.c
        query = select(t.directory_templates).where(
            c.version_id == version_id, c.lang == lang, c.name == name
        )
        row = self._c.execute(query).mappings().first()
        return Template(row["lang"], row["name"], row["body"]) if row else None


def _company(row: Mapping[Any, Any]) -> DirectoryCompany:
    return DirectoryCompany(row["slug"], row["name"], row["web"], row["email"], row["record"])
