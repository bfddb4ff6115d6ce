"""Who an observation is about: naming holders, and the platforms known by several names.

A holder's slug is its normalised name (``matching.normalise``: lower case, legal
suffixes dropped), so the same company seen as a Meta advertiser and as a tracker company
("Google LLC", "Google") is one holder. Meta is known as Facebook and Instagram too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from holoptic.reveal.domains import domain_of, looks_like_domain
from holoptic.reveal.matching import normalise
from holoptic.reveal.model import TrackerDomain


@dataclass(frozen=True, slots=True)
class Party:
    """Who an observation is about."""

    slug: str
    name: str
    kind: str  # vault.model.HolderKind values
    domains: tuple[str, ...] = ()


META = Party("meta", "Meta Platforms", "platform", ("facebook.com", "instagram.com"))
GOOGLE = Party("google", "Google", "platform", ("google.com",))
KNOWN = {"meta": META, "facebook": META, "instagram": META, "google": GOOGLE}


def slug_of(name: str) -> str:
    """A stable identifier from a name: ``"Google LLC"`` → ``google``."""
    slug = normalise(name).replace(" ", "-")[:120].strip("-")
    if slug:
        return slug
    return "holder-" + hashlib.sha256(name.encode()).hexdigest()[:10]


@lru_cache(maxsize=8192)
def party_named(name: str, kind: str) -> Party:
    slug = slug_of(name)
    known = KNOWN.get(slug)
    if known is not None:
        return known
    domains = (d,) if looks_like_domain(name) and (d := domain_of(name)) else ()
    return Party(slug, " ".join(name.split())[:300], kind, domains)


@lru_cache(maxsize=8192)
def tracker_party(tracker: TrackerDomain) -> Party:
    name = tracker.company_name or tracker.tracker_name
    slug = slug_of(name)
    known = KNOWN.get(slug)
    if known is not None:
        return known
    domains = tuple(dict.fromkeys(d for d in (domain_of(tracker.website), tracker.domain) if d))
    return Party(slug, name, "tracker", domains)
