"""The kinds of records the vault stores, and the DPV category each is filed under.

A *time-series* kind groups a member's records per UTC day into one item; an *atomic*
kind stores each record as its own item (e.g. "this advertiser uploaded a list with your
details"). Categories are W3C DPV 2.3 personal-data IRIs, so usage rules written for a
broad category (``pd:Location``) cover the narrower ones importers use.
"""

from __future__ import annotations

from dataclasses import dataclass

from holoptic.vault.errors import UnknownKind

PD = "https://w3id.org/dpv/pd#"


@dataclass(frozen=True, slots=True)
class KindSpec:
    name: str
    category: str
    atomic: bool
    label_en: str
    label_fr: str
    identity: tuple[str, ...] = ()
    """Fields that identify one event when other fields may drift between exports (a
    page's title, a visit's duration); empty means the whole record."""

    def label(self, lang: str) -> str:
        return self.label_fr if lang == "fr" else self.label_en


KINDS: dict[str, KindSpec] = {
    spec.name: spec
    for spec in (
        KindSpec("location.point", PD + "GPSCoordinate", False, "Location points", "Positions"),
        KindSpec("location.visit", PD + "TravelHistory", False, "Places visited", "Lieux visités"),
        KindSpec("location.track", PD + "GPSCoordinate", False, "Tracks", "Traces GPS"),
        KindSpec("location.activity", PD + "TravelHistory", False, "Journeys", "Déplacements"),
        KindSpec(
            "location.last_known",
            PD + "CurrentLocation",
            True,
            "Last known location",
            "Dernière position connue",
        ),
        KindSpec("search.query", PD + "Behavioural", False, "Searches", "Recherches"),
        KindSpec(
            "browsing.visit",
            PD + "BrowserHistory",
            False,
            "Browsing history",
            "Navigation web",
            identity=("time", "url", "browser"),
        ),
        KindSpec("browsing.request", PD + "BrowsingBehaviour", False, "Page requests", "Requêtes"),
        KindSpec("activity.event", PD + "Behavioural", False, "Activity", "Activité en ligne"),
        KindSpec(
            "video.watch", PD + "TVViewingBehaviour", False, "Videos watched", "Vidéos regardées"
        ),
        KindSpec(
            "energy.interval",
            PD + "ServiceConsumptionBehaviour",
            False,
            "Energy use",
            "Consommation d'énergie",
        ),
        KindSpec("health.record", PD + "PhysicalHealth", False, "Health records", "Santé"),
        KindSpec("health.workout", PD + "PhysicalHealth", False, "Workouts", "Séances de sport"),
        KindSpec(
            "body.measurement", PD + "Weight", False, "Body measurements", "Mesures corporelles"
        ),
        KindSpec(
            "ads.custom_audience",
            PD + "Profile",
            True,
            "Advertiser audiences",
            "Audiences publicitaires",
        ),
        KindSpec("ads.interest", PD + "Interest", True, "Inferred interests", "Centres d'intérêt"),
        KindSpec(
            "ads.interaction",
            PD + "Behavioural",
            False,
            "Ads you interacted with",
            "Publicités avec lesquelles vous avez interagi",
        ),
        KindSpec(
            "ads.off_platform",
            PD + "BrowsingBehaviour",
            False,
            "Off-platform activity",
            "Activité hors plateforme",
        ),
    )
}


def kind_spec(name: str) -> KindSpec:
    try:
        return KINDS[name]
    except KeyError:
        known = ", ".join(sorted(KINDS))
        raise UnknownKind(f"unknown kind {name!r}; known kinds: {known}", kind=name) from None
