"""From a member's records to observations of holders: pure functions, no storage.

Each record kind says something different about who holds what:

- ``ads.custom_audience`` — an advertiser targets the member on Meta with an audience of a
  given type: ``data_file``/``contact_list`` (it uploaded a customer list with the member
  on it: it passed their contact details to Meta), ``remarketing`` (it tracks them on its
  own site or app), ``in_store`` (their visits to its shops);
- ``ads.off_platform`` — a company passed the member's activity on its site or app to Meta;
- ``ads.interest`` — what Meta inferred about the member (interests, "other categories");
- ``ads.interaction`` — advertisers whose ads the member interacted with;
- ``activity.event`` with ``from_ads`` — Google's ad activity about the member;
- ``browsing.visit`` and ``browsing.request`` — hosts the browser talked to; a host in the
  tracker list (itself or a parent domain) names a tracker, its company and its purpose.
  Hosts not in the list are not trackers, and are simply not reported. In a page capture,
  requests to the page's own site (same registrable domain) are first party and left out:
  what a capture reveals is the third parties a page called.

One observation sums what one record set (one item) says about one holder.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol

from holoptic.reveal.domains import host_of, normalise_host, same_site
from holoptic.reveal.model import TrackerDomain
from holoptic.reveal.parties import GOOGLE, META, Party, party_named, tracker_party

PD = "https://w3id.org/dpv/pd#"
ADVERTISING = "advertising"
MAX_DETAILS = 20  # distinct details kept per observation

KINDS = frozenset(
    {
        "ads.custom_audience",
        "ads.off_platform",
        "ads.interest",
        "ads.interaction",
        "activity.event",
        "browsing.visit",
        "browsing.request",
    }
)


AUDIENCE_CATEGORIES = {
    "data_file": (PD + "Contact",),
    "contact_list": (PD + "Contact",),
    "remarketing": (PD + "BrowsingBehaviour",),
    "in_store": (PD + "Location", PD + "Purchase"),
}
PASSED_TO_META = frozenset({"data_file", "contact_list"})  # the advertiser uploaded a list
LIST_IDENTIFIERS = (("email", ""), ("phone", ""))  # what customer lists are matched on


@dataclass(frozen=True, slots=True)
class Observation:
    """What one record set says about one holder."""

    party: Party
    categories: frozenset[str]
    purposes: frozenset[str]
    count: int
    first: datetime | None
    last: datetime | None
    days: tuple[tuple[date, int], ...]
    details: tuple[str, ...]
    received_from: tuple[str, ...] = ()
    identifiers: tuple[tuple[str, str], ...] = ()


class TrackerFinder(Protocol):
    def find(self, host: str) -> TrackerDomain | None: ...


@dataclass(slots=True)
class _Hit:
    """One record's statement about one party."""

    party: Party
    categories: tuple[str, ...]
    purposes: tuple[str, ...]
    time: datetime | None
    detail: str | None = None
    received_from: tuple[str, ...] = ()
    identifiers: tuple[tuple[str, str], ...] = ()


@dataclass(slots=True)
class _Tally:
    party: Party
    categories: set[str] = field(default_factory=set)
    purposes: set[str] = field(default_factory=set)
    count: int = 0
    times: list[datetime] = field(default_factory=list)
    details: dict[str, None] = field(default_factory=dict)
    received_from: dict[str, None] = field(default_factory=dict)
    identifiers: dict[tuple[str, str], None] = field(default_factory=dict)

    def add(self, hit: _Hit) -> None:
        self.categories.update(hit.categories)
        self.purposes.update(hit.purposes)
        self.count += 1
        if hit.time is not None:
            self.times.append(hit.time)
        if hit.detail and len(self.details) < MAX_DETAILS:
            self.details[hit.detail[:200]] = None
        self.received_from.update(dict.fromkeys(hit.received_from))
        self.identifiers.update(dict.fromkeys(hit.identifiers))

    def observation(self) -> Observation:
        days = Counter(moment.date() for moment in self.times)
        return Observation(
            party=self.party,
            categories=frozenset(self.categories),
            purposes=frozenset(self.purposes),
            count=self.count,
            first=min(self.times, default=None),
            last=max(self.times, default=None),
            days=tuple(sorted(days.items())),
            details=tuple(self.details),
            received_from=tuple(r for r in self.received_from if r != self.party.slug),
            identifiers=tuple(self.identifiers),
        )


def extract(kind: str, records: Iterable[Any], trackers: TrackerFinder) -> list[Observation]:
    """The holders one record set shows, one observation each (in order of appearance)."""
    reader = _READERS.get(kind)
    if reader is None:
        return []
    tallies: dict[str, _Tally] = {}
    for record in records:
        if not isinstance(record, Mapping):
            continue
        for hit in reader(record, trackers):
            tally = tallies.get(hit.party.slug)
            if tally is None:
                tally = tallies[hit.party.slug] = _Tally(hit.party)
            tally.add(hit)
    return [tally.observation() for tally in tallies.values()]


# --- reading records ----------------------------------------------------------------------


def _time(record: Mapping[str, Any]) -> datetime | None:
    value = record.get("time")
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else None


def _text(record: Mapping[str, Any], *fields: str) -> str | None:
    for name in fields:
        value = record.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _audience_types(record: Mapping[str, Any]) -> list[str]:
    types = record.get("types")
    if isinstance(types, list):
        return [t for t in types if isinstance(t, str)]
    single = record.get("audience_type")  # the demo generator's shape
    return [single] if isinstance(single, str) else []


def _audience(record: Mapping[str, Any], _trackers: TrackerFinder) -> Iterator[_Hit]:
    name = _text(record, "advertiser")
    if name is None:
        return
    types = _audience_types(record)
    advertiser = party_named(name, "advertiser")
    own = tuple(c for t in types for c in AUDIENCE_CATEGORIES.get(t, ()))
    listed = any(t in PASSED_TO_META for t in types)
    identifiers = LIST_IDENTIFIERS if listed else ()
    detail = ", ".join(types) or None
    yield _Hit(advertiser, (PD + "Profile", *own), (ADVERTISING,), None, detail, (), identifiers)
    meta_categories = (PD + "Profile", PD + "Contact") if listed else (PD + "Profile",)
    passed = (advertiser.slug,) if listed else ()
    yield _Hit(META, meta_categories, (ADVERTISING,), None, name, passed, identifiers)


def _off_platform(record: Mapping[str, Any], _trackers: TrackerFinder) -> Iterator[_Hit]:
    name = _text(record, "company", "name")
    if name is None:
        return
    event = _text(record, "event", "type")
    categories: tuple[str, ...] = (PD + "BrowsingBehaviour",)
    if event and "PURCHASE" in event.upper():
        categories += (PD + "Purchase",)
    company = party_named(name, "advertiser")
    moment = _time(record)
    yield _Hit(company, categories, (ADVERTISING,), moment, event)
    sent = f"{name}: {event}" if event else name
    yield _Hit(META, categories, (ADVERTISING,), moment, sent, (company.slug,), (("user_id", ""),))


def _interest(record: Mapping[str, Any], _trackers: TrackerFinder) -> Iterator[_Hit]:
    name = _text(record, "name", "interest")
    if name is None:
        return
    category = PD + ("Profile" if record.get("list") == "other_categories" else "Interest")
    yield _Hit(META, (category,), (ADVERTISING,), None, name, (), (("user_id", ""),))


def _interaction(record: Mapping[str, Any], _trackers: TrackerFinder) -> Iterator[_Hit]:
    title = _text(record, "title", "advertiser")
    if title is None:
        return
    moment, action = _time(record), _text(record, "action")
    categories = (PD + "Behavioural",)
    yield _Hit(party_named(title, "advertiser"), categories, (ADVERTISING,), moment, action)
    yield _Hit(META, categories, (ADVERTISING,), moment, title, (), (("user_id", ""),))


def _from_ads(record: Mapping[str, Any]) -> bool:
    if record.get("from_ads") is True:
        return True
    products = record.get("products")
    return isinstance(products, list) and "Ads" in products


def _activity(record: Mapping[str, Any], _trackers: TrackerFinder) -> Iterator[_Hit]:
    if not _from_ads(record):
        return
    detail = _text(record, "header", "title")
    ids = (("user_id", ""), ("advertising_id", ""))
    yield _Hit(GOOGLE, (PD + "Behavioural",), (ADVERTISING,), _time(record), detail, (), ids)


def _tracked(
    host: str | None,
    trackers: TrackerFinder,
    categories: tuple[str, ...],
    record: Mapping[str, Any],
) -> Iterator[_Hit]:
    if not host:
        return
    tracker = trackers.find(host)
    if tracker is None:
        return
    party = tracker_party(tracker)
    purposes = (tracker.category,)
    ids = (("cookie_id", ""),)
    yield _Hit(party, (*categories, PD + "IPAddress"), purposes, _time(record), host, (), ids)


def _visit(record: Mapping[str, Any], trackers: TrackerFinder) -> Iterator[_Hit]:
    url = record.get("url")
    host = host_of(url) if isinstance(url, str) else None
    return _tracked(host, trackers, (PD + "BrowserHistory",), record)


def _request(record: Mapping[str, Any], trackers: TrackerFinder) -> Iterator[_Hit]:
    host = record.get("host")
    categories: tuple[str, ...] = (PD + "BrowsingBehaviour",)
    if record.get("sets_cookies") is True:
        categories += (PD + "UID",)
    found = normalise_host(host) if isinstance(host, str) else None
    page = record.get("page_host")
    if found and isinstance(page, str) and same_site(found, page):
        return iter(())  # the page's own site: first party, not a third party it called
    return _tracked(found, trackers, categories, record)


_READERS = {
    "ads.custom_audience": _audience,
    "ads.off_platform": _off_platform,
    "ads.interest": _interest,
    "ads.interaction": _interaction,
    "activity.event": _activity,
    "browsing.visit": _visit,
    "browsing.request": _request,
}
