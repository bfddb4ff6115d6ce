"""Versioned reference data: loading it, switching versions, and indexes over it.

Loading a version is all-or-nothing: the new rows are inserted and the version is made
active in one transaction, so a failure at any point leaves the previous version in use.
The active version and the one before it are kept (the latter to go back to); older ones
are deleted with their rows. Indexes (tracker lookup, directory matcher) are built once
per version and process, and rebuilt when another version becomes active.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from holoptic.clock import Clock
from holoptic.reveal.directory import TIMEOUT, contact_of, read_source, validate
from holoptic.reveal.errors import SyncFailed
from holoptic.reveal.matching import Entry, Matcher
from holoptic.reveal.model import (
    DATENANFRAGEN,
    WHOTRACKSME,
    Contact,
    ReferenceVersion,
)
from holoptic.reveal.ports import ReferenceRepository, RevealUnitOfWork
from holoptic.reveal.trackers import TrackerIndex, package_dump
from holoptic.vault.service import new_id

KEEP = 2  # versions kept per source: the active one and the one before


@dataclass(frozen=True, slots=True)
class Directory:
    """One directory version, ready to match against and to give contacts."""

    version: ReferenceVersion
    matcher: Matcher
    records: Mapping[str, dict[str, Any]]
    contacts: Mapping[str, Contact]


class ReferenceStore:
    def __init__(
        self, uow: Callable[[], RevealUnitOfWork], clock: Clock, timeout: float = TIMEOUT
    ) -> None:
        self._uow, self._clock, self._timeout = uow, clock, timeout
        self._trackers: tuple[str, TrackerIndex] | None = None
        self._directory: Directory | None = None
        self._loading = threading.Lock()  # web requests in threads: load the list once

    # --- versions ---------------------------------------------------------------------

    def active(self) -> dict[str, ReferenceVersion | None]:
        with self._uow() as uow:
            return {
                source: uow.reveal.active_version(source) for source in (WHOTRACKSME, DATENANFRAGEN)
            }

    def ensure_trackers(self) -> ReferenceVersion:
        """The active tracker list; the package's is loaded when it is not the active one."""
        dump = package_dump()
        with self._loading, self._uow() as uow:
            repo = uow.reveal
            active = repo.active_version(WHOTRACKSME)
            if active is not None and active.sha256 == dump.sha256:
                return active
            known = repo.find_version(WHOTRACKSME, dump.sha256)
            if known is not None:
                repo.activate(WHOTRACKSME, known.id)
                return replace(known, active=True)
            version = ReferenceVersion(
                new_id(),
                WHOTRACKSME,
                dump.version,
                dump.sha256,
                len(dump.rows),
                False,
                self._clock.now(),
            )
            repo.add_version(version)
            repo.add_tracker_domains(version.id, dump.rows)
            self._switch(repo, version)
            return replace(version, active=True)

    def sync_directory(self, path_or_url: str) -> ReferenceVersion:
        """Load a directory source as the new active version (see ``directory.py``)."""
        source = read_source(path_or_url, self._timeout)
        companies, invalid = validate(source.records)
        skipped = (*source.unreadable, *invalid)
        if not companies:
            reasons = "; ".join(sorted({s.reason for s in skipped})[:3]) or "the list is empty"
            raise SyncFailed(
                f"{source.origin}: no valid company record ({reasons})",
                source=source.origin,
                reason=f"no valid company record ({reasons})",
            )
        with self._uow() as uow:
            repo = uow.reveal
            known = repo.find_version(DATENANFRAGEN, source.sha256)
            if known is not None:
                repo.activate(DATENANFRAGEN, known.id)
                count = len(repo.templates(known.id))
                return replace(known, active=True, skipped=skipped, templates=count)
            previous = repo.active_version(DATENANFRAGEN)
            templates = list(source.templates)
            if not templates and previous is not None:
                templates = repo.templates(previous.id)  # a bare companies.json keeps them
            now = self._clock.now()
            label = f"{now.date().isoformat()}+sha256.{source.sha256[:12]}"
            version = ReferenceVersion(
                new_id(), DATENANFRAGEN, label, source.sha256, len(companies), False, now
            )
            repo.add_version(version)
            repo.add_companies(version.id, companies)
            repo.add_templates(version.id, templates)
            self._switch(repo, version)
        return replace(version, active=True, skipped=skipped, templates=len(templates))

    def _switch(self, repo: ReferenceRepository, version: ReferenceVersion) -> None:
        repo.activate(version.source, version.id)
        older = [v for v in repo.versions(version.source) if v.id != version.id]
        for stale in older[: max(0, len(older) - (KEEP - 1))]:
            repo.delete_version(stale.id)

    # --- indexes ----------------------------------------------------------------------

    def tracker_index(self, version: ReferenceVersion) -> TrackerIndex:
        if self._trackers is None or self._trackers[0] != version.id:
            with self._uow() as uow:
                rows = uow.reveal.tracker_domains(version.id)
            self._trackers = (version.id, TrackerIndex(rows))
        return self._trackers[1]

    def directory(self, version: ReferenceVersion | None) -> Directory | None:
        if version is None:
            return None
        if self._directory is None or self._directory.version.id != version.id:
            with self._uow() as uow:
                rows = uow.reveal.companies(version.id)
            records = {row.slug: json.loads(row.record) for row in rows}
            entries = (
                Entry(slug, record["name"], record.get("web"), tuple(_runs(record)))
                for slug, record in records.items()
            )
            contacts = {slug: contact_of(record) for slug, record in records.items()}
            self._directory = Directory(version, Matcher(entries), records, contacts)
        return self._directory

    def record(self, slug: str) -> dict[str, Any] | None:
        with self._uow() as uow:
            version = uow.reveal.active_version(DATENANFRAGEN)
            row = uow.reveal.company(version.id, slug) if version else None
        if row is None:
            return None
        record: dict[str, Any] = json.loads(row.record)
        return record

    def template(self, lang: str, name: str) -> str | None:
        with self._uow() as uow:
            version = uow.reveal.active_version(DATENANFRAGEN)
            found = uow.reveal.template(version.id, lang, name) if version else None
        return found.body if found else None


def _runs(record: Mapping[str, Any]) -> list[str]:
    runs = record.get("runs")
    return [r for r in runs if isinstance(r, str)] if isinstance(runs, list) else []
