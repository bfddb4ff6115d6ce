"""What the reveal page shows, computed from a ``RevealReport``: labels, filters, groups, charts.

The reveal service gives codes (purposes from the tracker list, holder kinds, DPV
category IRIs); this module gives them words in the page's language, narrows the holders
to the visitor's filters, groups them by purpose and builds the Vega-Lite specifications
the static script ``reveal.js`` draws. No I/O here: routes stay thin and this stays
testable without a server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from holoptic.reveal.model import HolderView
from holoptic.web.errors import N_

DPV_PD = "https://w3id.org/dpv/pd#"
OTHER_PURPOSE = "other"
OVERVIEW_HOLDERS = 20  # the overview chart shows the most active holders only
DATE_FORMATS = {"fr": "%e %b %Y", "en": "%b %e, %Y"}  # d3 time formats for tooltips
AXIS_FORMATS = {  # axis labels: (days and weeks, months)
    "fr": ("%e %b", "%b %Y"),
    "en": ("%b %e", "%b %Y"),
}
# The chart container is one labelled image; Vega's per-mark ARIA would read every dot.
CHART_CONFIG: dict[str, Any] = {"aria": False, "view": {"stroke": None}}

# Purpose codes: "advertising" and the WhoTracks.me categories, in the order of the page.
PURPOSES: dict[str, str] = {
    "advertising": N_("Advertising"),
    "social_media": N_("Social media"),
    "site_analytics": N_("Site analytics"),
    "customer_interaction": N_("Customer interaction"),
    "audio_video_player": N_("Audio and video players"),
    "comments": N_("Comments"),
    "pornvertising": N_("Adult advertising"),
    "essential": N_("Essential services"),
    "cdn": N_("Content delivery"),
    "hosting": N_("Hosting"),
    "extensions": N_("Browser extensions"),
    "misc": N_("Miscellaneous"),
    "unknown": N_("Unknown purpose"),
    OTHER_PURPOSE: N_("Purpose not stated"),
}

HOLDER_KINDS: dict[str, str] = {
    "platform": N_("Platform"),
    "advertiser": N_("Advertiser"),
    "data_broker": N_("Data broker"),
    "tracker": N_("Tracker"),
    "utility": N_("Utility"),
    "public_body": N_("Public body"),
    "other": N_("Other organisation"),
}

# DPV personal-data categories the reveal extraction reports (local names).
CATEGORIES: dict[str, str] = {
    "Profile": N_("Profile"),
    "Contact": N_("Contact details"),
    "BrowsingBehaviour": N_("Browsing behaviour"),
    "BrowserHistory": N_("Browsing history"),
    "Location": N_("Location"),
    "Purchase": N_("Purchases"),
    "Interest": N_("Interests"),
    "Behavioural": N_("Behaviour"),
    "IPAddress": N_("IP address"),
    "UID": N_("Unique identifier"),
}

MATCH_METHODS: dict[str, str] = {
    "domain": N_("same web domain"),
    "name": N_("similar name"),
    "runs": N_("listed among what the company runs"),
    "confirmed": N_("confirmed by you"),
}

IDENTIFIERS: dict[str, str] = {
    "email": N_("E-mail address"),
    "phone": N_("Phone number"),
    "user_id": N_("User ID"),
    "advertising_id": N_("Advertising ID"),
    "cookie_id": N_("Cookie ID"),
    "name": N_("Name"),
}

LETTER_TYPES: dict[str, str] = {
    "access": N_("Request access"),
    "erasure": N_("Request erasure"),
    "objection": N_("Object"),
}
REQUEST_TYPES: dict[str, str] = {
    "access": N_("Access (Art. 15)"),
    "erasure": N_("Erasure (Art. 17)"),
    "objection": N_("Objection (Art. 21)"),
}
REQUEST_STATUSES: dict[str, str] = {
    "draft": N_("not sent yet"),
    "sent": N_("waiting for an answer"),
    "overdue": N_("overdue"),
    "answered": N_("answered"),
}
LETTER_LANGUAGES: dict[str, str] = {"fr": "Français", "en": "English", "de": "Deutsch"}


def category_label(iri: str, _: Callable[[str], str]) -> str:
    """A DPV category in words; an unknown one as ``pd:Name``."""
    local = iri.removeprefix(DPV_PD)
    if local in CATEGORIES:
        return _(CATEGORIES[local])
    return "pd:" + local if iri.startswith(DPV_PD) else iri


def label(table: Mapping[str, str], code: str, _: Callable[[str], str]) -> str:
    return _(table[code]) if code in table else code


@dataclass(frozen=True, slots=True)
class Filters:
    """The visitor's filters, from the query string; unknown values are ignored."""

    purpose: str = ""
    kind: str = ""
    q: str = ""

    @classmethod
    def parse(cls, purpose: str | None, kind: str | None, q: str | None) -> Filters:
        return cls(
            purpose=purpose if purpose in PURPOSES else "",
            kind=kind if kind in HOLDER_KINDS else "",
            q=" ".join((q or "").split())[:100],
        )

    @property
    def active(self) -> bool:
        return bool(self.purpose or self.kind or self.q)

    def admits(self, holder: HolderView) -> bool:
        if self.purpose and self.purpose not in purposes_of(holder):
            return False
        if self.kind and holder.kind != self.kind:
            return False
        return not self.q or self.q.casefold() in searchable(holder)


def purposes_of(holder: HolderView) -> tuple[str, ...]:
    return holder.purposes or (OTHER_PURPOSE,)


def searchable(holder: HolderView) -> str:
    """The text the free-text filter looks in: names, slugs, contact, evidence details."""
    parts = [holder.name, holder.slug, *holder.received_from]
    if holder.contact is not None:
        parts += [holder.contact.name, holder.contact.directory_slug]
    parts += [detail for evidence in holder.evidence for detail in evidence.details]
    return " ".join(parts).casefold()


def primary_purpose(holder: HolderView, filters: Filters) -> str:
    """The group a holder's card goes in: the filtered purpose, else its first in page order."""
    own = purposes_of(holder)
    if filters.purpose in own:
        return filters.purpose
    order = list(PURPOSES)
    return min(own, key=lambda p: order.index(p) if p in order else len(order))


def grouped(holders: Iterable[HolderView], filters: Filters) -> list[tuple[str, list[HolderView]]]:
    """The admitted holders by purpose (page order), most records first within a group."""
    groups: dict[str, list[HolderView]] = {}
    for holder in holders:
        if filters.admits(holder):
            groups.setdefault(primary_purpose(holder, filters), []).append(holder)
    order = list(PURPOSES)
    keys = sorted(groups, key=lambda p: order.index(p) if p in order else len(order))
    return [(key, sorted(groups[key], key=lambda h: (-h.count, h.name.casefold()))) for key in keys]


def present(holders: Iterable[HolderView]) -> tuple[list[str], list[str]]:
    """Purposes and kinds present in the report, for the filter menus (page order)."""
    seen = list(holders)
    purposes = {p for h in seen for p in purposes_of(h)}
    kinds = {h.kind for h in seen}
    return [p for p in PURPOSES if p in purposes], [k for k in HOLDER_KINDS if k in kinds]


# --- charts -------------------------------------------------------------------------------


def time_unit(days: Sequence[date]) -> str:
    """Days for a short span, weeks up to two years, months beyond: bars stay readable."""
    if not days:
        return "utcyearmonthdate"
    span = (max(days) - min(days)).days
    if span <= 45:
        return "utcyearmonthdate"
    return "utcyearweek" if span <= 731 else "utcyearmonth"


def _x_axis(unit: str, lang: str) -> dict[str, Any]:
    days, months = AXIS_FORMATS.get(lang, AXIS_FORMATS["en"])
    label = months if unit == "utcyearmonth" else days
    return {
        "field": "day",
        "type": "temporal",
        "timeUnit": unit,
        "title": None,
        "axis": {"format": label, "labelOverlap": True},
    }


def _period(unit: str, lang: str, title: str) -> dict[str, Any]:
    return {
        "field": "day",
        "type": "temporal",
        "timeUnit": unit,
        "title": title,
        "format": DATE_FORMATS.get(lang, DATE_FORMATS["en"]),
    }


def activity_spec(holder: HolderView, _: Callable[[str], str], lang: str) -> dict[str, Any] | None:
    """A bar chart of the holder's records per day (or week, month); None without dates."""
    if not holder.activity:
        return None
    unit = time_unit([day for day, _count in holder.activity])
    records = _("Records")
    return {
        "description": _("Records per day showing %(name)s") % {"name": holder.name},
        "width": "container",
        "height": 90,
        "data": {"values": [{"day": d.isoformat(), "count": n} for d, n in holder.activity]},
        "mark": {"type": "bar", "tooltip": True, "color": "#3f6fb5"},
        "encoding": {
            "x": _x_axis(unit, lang),
            "y": {
                "field": "count",
                "aggregate": "sum",
                "type": "quantitative",
                "title": records,
                "axis": {"tickMinStep": 1, "tickCount": 3},
            },
            "tooltip": [
                _period(unit, lang, _("Period")),
                {"field": "count", "aggregate": "sum", "type": "quantitative", "title": records},
            ],
        },
        "config": CHART_CONFIG,
    }


def overview_spec(
    holders: Sequence[HolderView], filters: Filters, _: Callable[[str], str], lang: str
) -> dict[str, Any] | None:
    """When each of the most active holders shows in the member's records, one row each."""
    dated = sorted((h for h in holders if h.activity), key=lambda h: (-h.count, h.name))
    shown = dated[:OVERVIEW_HOLDERS]
    if not shown:
        return None
    unit = time_unit([day for h in shown for day, _count in h.activity])
    values = [
        {
            "holder": h.name,
            "purpose": label(PURPOSES, primary_purpose(h, filters), _),
            "day": d.isoformat(),
            "count": n,
        }
        for h in shown
        for d, n in h.activity
    ]
    records, purpose = _("Records"), _("Purpose")
    return {
        "description": _("When each organisation shows in your records"),
        "width": "container",
        "height": {"step": 24},
        "data": {"values": values},
        "mark": {"type": "circle", "tooltip": True, "opacity": 0.8},
        "encoding": {
            "x": _x_axis(unit, lang),
            "y": {"field": "holder", "type": "nominal", "title": None, "sort": None},
            "size": {
                "field": "count",
                "aggregate": "sum",
                "type": "quantitative",
                "title": records,
                "legend": None,  # the caption explains the sizes; tooltips give counts
            },
            "color": {"field": "purpose", "type": "nominal", "title": purpose},
            "tooltip": [
                {"field": "holder", "type": "nominal", "title": _("Organisation")},
                {"field": "purpose", "type": "nominal", "title": purpose},
                _period(unit, lang, _("Period")),
                {"field": "count", "aggregate": "sum", "type": "quantitative", "title": records},
            ],
        },
        "config": CHART_CONFIG | {"legend": {"orient": "bottom"}},
    }


def passed_to(holders: Iterable[HolderView]) -> dict[str, list[str]]:
    """holder slug → the holders it passed the member's data to (``received_from`` inverted)."""
    given: dict[str, list[str]] = {}
    for holder in holders:
        for giver in holder.received_from:
            given.setdefault(giver, []).append(holder.slug)
    return given
