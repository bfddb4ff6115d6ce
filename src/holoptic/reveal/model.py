"""The reveal capability's immutable values: who holds a member's data, and the reference.

A *holder* is an organisation that the member's own records show holding data about them
(an advertiser that uploaded their contact list to Meta, a tracker their browser called).
Holder views are computed from the member's items at each report and never stored: the
link member → holder is personal data. Reference data (tracker lists, the company
directory) is public and versioned, so a report can say which version it used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

WHOTRACKSME = "whotracksme"
DATENANFRAGEN = "datenanfragen"
SOURCES = (WHOTRACKSME, DATENANFRAGEN)

ATTRIBUTION = (
    "Tracker data: WhoTracks.me by Cliqz GmbH (https://whotracks.me), CC BY 4.0. "
    "Company directory and letter templates: Datenanfragen.de (https://www.datenanfragen.de), "
    "CC0 1.0."
)


@dataclass(frozen=True, slots=True)
class Contact:
    """Where a holder's privacy requests go, from its directory record."""

    directory_slug: str
    name: str
    email: str | None
    address: str | None
    web: str | None
    fax: str | None
    needs_id_document: bool
    runs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Match:
    """Which directory record a holder was matched to, how, and how sure that is."""

    directory_slug: str
    confidence: float  # 0..1
    method: str  # "domain" | "name" | "runs" | "confirmed"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One of the member's items that shows a holder, and what it shows."""

    item_id: str
    kind: str
    file_name: str | None  # the imported file the item came from, when imported
    records: int  # records of the item that concern this holder
    first: datetime | None
    last: datetime | None
    details: tuple[str, ...] = ()  # what they say: audience types, hosts, interests, events


@dataclass(frozen=True, slots=True)
class HolderView:
    """Everything a member's records say about one holder."""

    slug: str
    name: str
    kind: str  # vault.model.HolderKind values
    categories: tuple[str, ...]  # DPV personal-data IRIs of the data seen
    purposes: tuple[str, ...]  # purpose codes, e.g. "advertising", "site_analytics"
    first_seen: datetime | None
    last_seen: datetime | None
    count: int
    evidence: tuple[Evidence, ...]
    received_from: tuple[str, ...]  # slugs of holders that passed the member's data to it
    contact: Contact | None
    match: Match | None
    activity: tuple[tuple[date, int], ...]  # records per UTC day, for the timeline chart
    identifiers: tuple[tuple[str, str], ...]
    """What the holder may know the member by: (type, value) with the types of the letters
    (``email``, ``phone``, ``user_id``, ``advertising_id``, ``cookie_id``…). The value is
    empty when the records show the type of identifier but not its value."""


@dataclass(frozen=True, slots=True)
class RevealReport:
    reference: dict[str, str | None]  # {"whotracksme": v, "datenanfragen": v | None, "attribution"}
    holders: tuple[HolderView, ...]


@dataclass(frozen=True, slots=True)
class SkippedRecord:
    """A directory record that was not loaded, and why."""

    index: int  # its position in the source
    slug: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class ReferenceVersion:
    """One loaded version of a reference source; one per source is active."""

    id: str
    source: str  # "whotracksme" | "datenanfragen"
    version: str
    sha256: str
    record_count: int
    active: bool
    loaded_at: datetime
    skipped: tuple[SkippedRecord, ...] = ()  # only on the result of a sync
    templates: int = 0  # letter templates loaded with it (directory only)


@dataclass(frozen=True, slots=True)
class TrackerDomain:
    """One row of the tracker list: a domain, its tracker, the company and the purpose."""

    domain: str
    tracker_id: str
    tracker_name: str
    category: str  # the purpose: advertising, site_analytics, social_media, …
    company_id: str | None
    company_name: str | None
    website: str | None
    privacy_url: str | None


@dataclass(frozen=True, slots=True)
class DirectoryCompany:
    """One company record of the directory, as loaded (``record`` is the raw JSON)."""

    slug: str
    name: str
    web: str | None
    email: str | None
    record: str


@dataclass(frozen=True, slots=True)
class Template:
    lang: str
    name: str  # e.g. "access-default"
    body: str
