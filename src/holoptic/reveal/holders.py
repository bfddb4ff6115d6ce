"""Summing observations into one card per holder (pure).

Observations of the same holder from many items merge: categories and purposes are
unions, counts add up, every item becomes a line of evidence naming its imported file.
Two sources may see one holder under different kinds (Google is a platform in My
Activity and a tracker in a page capture): the most specific kind wins.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from holoptic.reveal.extract import Observation
from holoptic.reveal.model import Contact, Evidence, HolderView, Match
from holoptic.reveal.parties import Party

# The kind a holder shows when sources disagree: the first in this order.
KIND_ORDER = ("platform", "data_broker", "advertiser", "tracker", "utility", "public_body", "other")


@dataclass(frozen=True, slots=True)
class Source:
    """Where an observation comes from: one item and the file it was imported from."""

    item_id: str
    kind: str
    file_name: str | None


@dataclass(slots=True)
class Draft:
    """A holder being summed up, before it is matched to the directory."""

    party: Party
    kinds: set[str] = field(default_factory=set)
    domains: dict[str, None] = field(default_factory=dict)
    categories: set[str] = field(default_factory=set)
    purposes: set[str] = field(default_factory=set)
    count: int = 0
    first: datetime | None = None
    last: datetime | None = None
    days: Counter[date] = field(default_factory=Counter)
    evidence: list[Evidence] = field(default_factory=list)
    received_from: dict[str, None] = field(default_factory=dict)
    identifiers: dict[tuple[str, str], None] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return min(self.kinds, key=_kind_rank, default="other")

    def add(self, source: Source, seen: Observation) -> None:
        self.kinds.add(seen.party.kind)
        self.domains.update(dict.fromkeys(seen.party.domains))
        self.categories.update(seen.categories)
        self.purposes.update(seen.purposes)
        self.count += seen.count
        self.first = _earliest(self.first, seen.first)
        self.last = _latest(self.last, seen.last)
        self.days.update(dict(seen.days))
        self.received_from.update(dict.fromkeys(seen.received_from))
        self.identifiers.update(dict.fromkeys(seen.identifiers))
        self.evidence.append(
            Evidence(
                item_id=source.item_id,
                kind=source.kind,
                file_name=source.file_name,
                records=seen.count,
                first=seen.first,
                last=seen.last,
                details=seen.details,
            )
        )

    def view(self, match: Match | None, contact: Contact | None, kind: str | None) -> HolderView:
        """The finished card, with its directory match (``kind`` overrides, e.g. broker)."""
        return HolderView(
            slug=self.party.slug,
            name=self.party.name,
            kind=kind or self.kind,
            categories=tuple(sorted(self.categories)),
            purposes=tuple(sorted(self.purposes)),
            first_seen=self.first,
            last_seen=self.last,
            count=self.count,
            evidence=tuple(self.evidence),
            received_from=tuple(sorted(r for r in self.received_from if r != self.party.slug)),
            contact=contact,
            match=match,
            activity=tuple(sorted(self.days.items())),
            identifiers=tuple(self.identifiers),
        )


def aggregate(observed: Iterable[tuple[Source, Observation]]) -> list[Draft]:
    """One draft per holder slug, in order of first appearance."""
    drafts: dict[str, Draft] = {}
    for source, seen in observed:
        draft = drafts.get(seen.party.slug)
        if draft is None:
            draft = drafts[seen.party.slug] = Draft(seen.party)
        draft.add(source, seen)
    return list(drafts.values())


def _kind_rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else min(a, b)


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else max(a, b)
