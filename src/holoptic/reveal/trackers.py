"""The tracker list: host → tracker → company → purpose, from WhoTracks.me (CC BY 4.0).

The ``whotracksme`` package ships its tracker database as an SQLite dump
(``whotracksme/data/assets/trackerdb.sql``). It is read with the standard library into an
in-memory SQLite database; the package's own loader is not used (it needs pandas). Its
version is the package version plus the SHA-256 of that dump, so a changed dump is a new
reference version even under the same package version.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.resources
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from holoptic.reveal.domains import parent_domains
from holoptic.reveal.errors import TrackerDataUnavailable
from holoptic.reveal.model import TrackerDomain

PACKAGE = "whotracksme"
ASSET = "data/assets/trackerdb.sql"

_QUERY = """
SELECT d.domain, t.id, t.name, COALESCE(c.name, 'unknown'), t.company_id, co.name,
       COALESCE(co.website_url, t.website_url), co.privacy_url
FROM tracker_domains d
JOIN trackers t ON t.id = d.tracker
LEFT JOIN categories c ON c.id = t.category_id
LEFT JOIN companies co ON co.id = t.company_id
ORDER BY d.domain, t.id
"""


@dataclass(frozen=True, slots=True)
class TrackerDump:
    """The package's tracker database, read and identified."""

    version: str
    sha256: str
    rows: tuple[TrackerDomain, ...]


def _cut(value: object, size: int) -> str | None:
    """Text stripped and cut to the column's size; None for nothing."""
    text = str(value).strip() if value is not None else ""
    return text[:size] or None


def read_dump(sql: str) -> list[TrackerDomain]:
    """Rows of a WhoTracks.me SQL dump; a domain listed twice keeps its first tracker."""
    db = sqlite3.connect(":memory:")
    try:
        db.executescript(sql)
        rows: dict[str, TrackerDomain] = {}
        for domain, tid, tname, category, cid, cname, website, privacy in db.execute(_QUERY):
            key = str(domain).strip().lower().rstrip(".")
            if not key or key in rows:
                continue
            rows[key] = TrackerDomain(
                domain=key[:255],
                tracker_id=str(tid)[:120],
                tracker_name=_cut(tname, 300) or str(tid)[:300],
                category=str(category)[:64],
                company_id=_cut(cid, 120) if cname else None,  # dangling ids are dropped
                company_name=_cut(cname, 300),
                website=_cut(website, 500),
                privacy_url=_cut(privacy, 500),
            )
        return list(rows.values())
    except sqlite3.Error as error:
        raise TrackerDataUnavailable(
            f"the WhoTracks.me tracker database is unreadable: {error}"
        ) from None
    finally:
        db.close()


@lru_cache(maxsize=1)
def package_dump() -> TrackerDump:
    """The tracker database of the installed ``whotracksme`` package (read once)."""
    try:
        data = importlib.resources.files(PACKAGE).joinpath(ASSET).read_bytes()
        version = importlib.metadata.version(PACKAGE)
    except (ModuleNotFoundError, FileNotFoundError, importlib.metadata.PackageNotFoundError):
        raise TrackerDataUnavailable(
            f"the {PACKAGE} package or its tracker database ({ASSET}) is not installed"
        ) from None
    digest = hashlib.sha256(data).hexdigest()
    rows = read_dump(data.decode("utf-8"))
    return TrackerDump(f"{version}+sha256.{digest[:12]}", digest, tuple(rows))


class TrackerIndex:
    """Finds the tracker of a host by the host itself, then each of its parent domains."""

    def __init__(self, rows: Iterable[TrackerDomain]) -> None:
        self._by_domain = {row.domain: row for row in rows}
        self._cache: dict[str, TrackerDomain | None] = {}

    def __len__(self) -> int:
        return len(self._by_domain)

    def find(self, host: str) -> TrackerDomain | None:
        """The tracker for a host, or None: an unknown domain is simply not a tracker."""
        if host in self._cache:
            return self._cache[host]
        found = None
        for domain in parent_domains(host):
            found = self._by_domain.get(domain)
            if found is not None:
                break
        if len(self._cache) < 200_000:  # bounded: a history has far fewer distinct hosts
            self._cache[host] = found
        return found
