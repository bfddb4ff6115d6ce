"""DPV's purpose and personal-data hierarchies: a rule on a broad term covers narrower ones.

Holoptic ships the part of DPV 2.3 its importers, demo and editor use, with French and
English labels of its own; ``Taxonomy.with_dpv_csv`` adds the full published taxonomy
from DPV's CSV files (``HOLOPTIC_DPV``), which the tests check the built-in part against.
DPV terms can have several broader terms, so the hierarchy is a graph, not a tree.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from holoptic.rules.model import DPV, PD

PERSONAL_DATA = DPV + "PersonalData"
PURPOSE = DPV + "Purpose"

# (term, broader terms, English label, French label)
_BUILTIN_CATEGORIES: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("Tracking", (), "Tracking data", "Données de traçage"),
    ("Location", ("Tracking",), "Location data", "Données de localisation"),
    ("CurrentLocation", ("Location",), "Current location", "Position actuelle"),
    ("GPSCoordinate", ("CurrentLocation",), "GPS coordinates", "Coordonnées GPS"),
    ("TravelHistory", ("Location",), "Travel history", "Historique des déplacements"),
    ("External", (), "External data", "Données externes"),
    ("Behavioural", ("External",), "Behaviour", "Comportement"),
    ("BrowsingBehaviour", ("Behavioural",), "Browsing behaviour", "Navigation"),
    ("BrowserHistory", ("BrowsingBehaviour",), "Browser history", "Historique de navigation"),
    (
        "ServiceConsumptionBehaviour",
        ("Behavioural",),
        "Service consumption (energy use)",
        "Consommation de services (énergie)",
    ),
    (
        "TVViewingBehaviour",
        ("ServiceConsumptionBehaviour",),
        "Viewing behaviour",
        "Habitudes de visionnage",
    ),
    ("PhysicalCharacteristic", ("External",), "Physical characteristics", "Caractères physiques"),
    ("Weight", ("PhysicalCharacteristic",), "Weight", "Poids"),
    ("MedicalHealth", ("External",), "Medical and health data", "Données médicales et de santé"),
    ("Health", ("MedicalHealth",), "Health", "Santé"),
    ("PhysicalHealth", ("Health",), "Physical health", "Santé physique"),
    ("Profile", (), "Profile", "Profil"),
    ("Internal", (), "Internal data", "Données internes"),
    ("Preference", ("Internal",), "Preferences", "Préférences"),
    ("Interest", ("Preference",), "Interests", "Centres d'intérêt"),
)

_BUILTIN_PURPOSES: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("PublicBenefit", (), "Public benefit", "Intérêt général"),
    (
        "ImprovePublicServices",
        ("PublicBenefit",),
        "Improve public services",
        "Améliorer les services publics",
    ),
    (
        "ImproveTransportMobility",
        ("PublicBenefit",),
        "Improve transport and mobility",
        "Améliorer les transports et la mobilité",
    ),
    (
        "CombatClimateChange",
        ("PublicBenefit",),
        "Combat climate change",
        "Lutter contre le changement climatique",
    ),
    (
        "ProvideOfficialStatistics",
        ("PublicBenefit",),
        "Official statistics",
        "Statistique publique",
    ),
    (
        "PublicPolicyMaking",
        ("PublicBenefit",),
        "Public policy making (urban planning)",
        "Politiques publiques (urbanisme)",
    ),
    ("ImproveHealthcare", ("PublicBenefit",), "Improve healthcare", "Améliorer les soins"),
    ("DataAltruism", ("PublicBenefit",), "Data altruism", "Altruisme en matière de données"),
    ("ResearchAndDevelopment", (), "Research and development", "Recherche et développement"),
    (
        "AcademicResearch",
        ("ResearchAndDevelopment",),
        "Academic research",
        "Recherche universitaire",
    ),
    (
        "ScientificResearch",
        ("ResearchAndDevelopment",),
        "Scientific research",
        "Recherche scientifique",
    ),
    (
        "NonCommercialResearch",
        ("ResearchAndDevelopment", "NonCommercialPurpose"),
        "Non-commercial research",
        "Recherche non commerciale",
    ),
    (
        "CommercialResearch",
        ("ResearchAndDevelopment", "CommercialPurpose"),
        "Commercial research",
        "Recherche commerciale",
    ),
    ("Marketing", (), "Marketing", "Marketing"),
    ("Advertising", ("Marketing",), "Advertising", "Publicité"),
    ("DirectMarketing", ("Marketing",), "Direct marketing", "Prospection directe"),
    ("Personalisation", (), "Personalisation", "Personnalisation"),
    (
        "PersonalisedAdvertising",
        ("Personalisation", "Advertising"),
        "Personalised advertising",
        "Publicité personnalisée",
    ),
    (
        "TargetedAdvertising",
        ("PersonalisedAdvertising",),
        "Targeted advertising",
        "Publicité ciblée",
    ),
    ("CommercialPurpose", (), "Commercial purpose", "Fin commerciale"),
    ("NonCommercialPurpose", (), "Non-commercial purpose", "Fin non commerciale"),
    ("ServiceManagement", (), "Service management", "Gestion de service"),
    ("ServiceProvision", ("ServiceManagement",), "Service provision", "Fourniture de service"),
    ("SellProducts", ("ServiceProvision",), "Selling products", "Vente de produits"),
    (
        "SellDataToThirdParties",
        ("SellProducts",),
        "Selling data to third parties",
        "Vente de données à des tiers",
    ),
    (
        "SellInsightsFromData",
        ("SellProducts",),
        "Selling insights from data",
        "Vente d'analyses tirées des données",
    ),
    ("AccountManagement", (), "Account management", "Gestion de compte"),
)


@dataclass(frozen=True)
class Term:
    iri: str
    broader: tuple[str, ...]
    label_en: str
    label_fr: str

    def label(self, lang: str) -> str:
        return self.label_fr if lang == "fr" else self.label_en


@dataclass(frozen=True)
class Taxonomy:
    """A graph of terms; ``covers(broad, narrow)`` is reflexive and transitive."""

    terms: Mapping[str, Term]
    _ancestors: dict[str, frozenset[str]] = field(default_factory=dict, compare=False)

    def ancestors(self, iri: str) -> frozenset[str]:
        """``iri`` and every broader term above it."""
        found = self._ancestors.get(iri)
        if found is None:
            seen: set[str] = set()
            stack = [iri]
            while stack:
                current = stack.pop()
                if current in seen:
                    continue
                seen.add(current)
                term = self.terms.get(current)
                if term is not None:
                    stack.extend(term.broader)
            found = frozenset(seen)
            self._ancestors[iri] = found
        return found

    def covers(self, broad: str, narrow: str) -> bool:
        return broad in self.ancestors(narrow)

    def covers_any(self, broad: Iterable[str], narrow: str) -> str | None:
        """The first of ``broad`` (sorted) that covers ``narrow``, or None."""
        ancestors = self.ancestors(narrow)
        return next((term for term in sorted(broad) if term in ancestors), None)

    def label(self, iri: str, lang: str) -> str:
        term = self.terms.get(iri)
        return term.label(lang) if term else iri.rsplit("#", 1)[-1]

    def known(self, iri: str) -> bool:
        return iri in self.terms or iri in (PERSONAL_DATA, PURPOSE)

    def narrower(self, iri: str) -> list[str]:
        """Every term ``iri`` covers (itself included), sorted."""
        return sorted(term for term in self.terms if self.covers(iri, term))

    def with_dpv_csv(self, directory: Path) -> Taxonomy:
        """This taxonomy plus every term of DPV's CSV files in ``directory``.

        Labels of the built-in terms are kept (they have French ones); broader terms
        are merged, so a built-in term also gains every parent DPV gives it.
        """
        terms = dict(self.terms)
        for path in sorted(directory.glob("*.csv")):
            for term in _read_dpv_csv(path):
                known = terms.get(term.iri)
                if known is None:
                    terms[term.iri] = term
                else:
                    merged = tuple(dict.fromkeys(known.broader + term.broader))
                    terms[term.iri] = Term(term.iri, merged, known.label_en, known.label_fr)
        return Taxonomy(terms)


def _read_dpv_csv(path: Path) -> Iterable[Term]:
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            iri = row.get("iri", "")
            if row.get("type") != "class" or not iri.startswith("https://w3id.org/dpv"):
                continue
            parents = row.get("hasbroader") or row.get("subclassof") or ""
            broader = tuple(p.strip() for p in parents.replace(";", ",").split(",") if p.strip())
            label = row.get("label") or iri.rsplit("#", 1)[-1]
            yield Term(iri, broader, label, label)


def _build(
    rows: Iterable[tuple[str, tuple[str, ...], str, str]], base: str, root: str
) -> dict[str, Term]:
    terms: dict[str, Term] = {}
    for name, broader, label_en, label_fr in rows:
        parents = tuple(base + parent for parent in broader) or (root,)
        terms[base + name] = Term(base + name, parents, label_en, label_fr)
    return terms


@lru_cache(maxsize=1)
def builtin_taxonomy() -> Taxonomy:
    terms = _build(_BUILTIN_CATEGORIES, PD, PERSONAL_DATA)
    terms.update(_build(_BUILTIN_PURPOSES, DPV, PURPOSE))
    terms[PERSONAL_DATA] = Term(
        PERSONAL_DATA, (), "Any personal data", "Toutes données personnelles"
    )
    terms[PURPOSE] = Term(PURPOSE, (), "Any purpose", "Toute finalité")
    return Taxonomy(terms)


def load_taxonomy(dpv_directory: Path | None) -> Taxonomy:
    """The built-in taxonomy, extended with DPV's CSVs when a directory is configured."""
    base = builtin_taxonomy()
    if dpv_directory is None or not dpv_directory.is_dir():
        return base
    return base.with_dpv_csv(dpv_directory)


def categories(taxonomy: Taxonomy) -> list[str]:
    return sorted(iri for iri in taxonomy.terms if taxonomy.covers(PERSONAL_DATA, iri))


def purposes(taxonomy: Taxonomy) -> list[str]:
    return sorted(iri for iri in taxonomy.terms if taxonomy.covers(PURPOSE, iri))
