"""The built-in DPV terms agree with DPV 2.3's own CSVs, and the hierarchy is a graph."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from holoptic.rules.model import DPV, PD
from holoptic.rules.taxonomy import (
    PERSONAL_DATA,
    PURPOSE,
    builtin_taxonomy,
    categories,
    load_taxonomy,
    purposes,
)
from tests.conftest import shared_path


def dpv_broader(directory: Path) -> dict[str, tuple[str, ...]]:
    """Each DPV class and its broader terms (``hasbroader``, else ``subclassof``)."""
    broader: dict[str, tuple[str, ...]] = {}
    for path in sorted(directory.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["type"] == "class":
                    parents = (row["hasbroader"] or row["subclassof"]).replace(";", ",")
                    broader[row["iri"]] = tuple(p.strip() for p in parents.split(",") if p.strip())
    return broader


def ancestors(graph: dict[str, tuple[str, ...]], iri: str) -> set[str]:
    seen: set[str] = set()
    stack = [iri]
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(graph.get(current, ()))
    return seen


def test_every_builtin_term_sits_where_dpv_puts_it() -> None:
    """Same ancestors among the built-in terms: a rule covers what DPV says it covers."""
    dpv = dpv_broader(shared_path("data", "dpv"))
    builtin = builtin_taxonomy()
    for iri in builtin.terms:
        if iri in (PERSONAL_DATA, PURPOSE):
            continue
        assert iri in dpv, f"{iri} is not a DPV 2.3 class"
        expected = ancestors(dpv, iri) & set(builtin.terms)
        assert set(builtin.ancestors(iri)) == expected, iri


def test_the_builtin_part_is_rooted() -> None:
    builtin = builtin_taxonomy()
    assert set(categories(builtin)) >= {PD + "GPSCoordinate", PD + "BrowserHistory"}
    assert PD + "GPSCoordinate" not in purposes(builtin)
    assert DPV + "AccountManagement" in purposes(builtin)
    assert builtin.covers(PERSONAL_DATA, PD + "Weight")
    assert builtin.covers(PURPOSE, DPV + "TargetedAdvertising")


def test_several_broader_terms_make_a_graph() -> None:
    builtin = builtin_taxonomy()
    assert builtin.covers(DPV + "Advertising", DPV + "TargetedAdvertising")
    assert builtin.covers(DPV + "Personalisation", DPV + "TargetedAdvertising")
    assert builtin.covers(DPV + "CommercialPurpose", DPV + "CommercialResearch")
    assert not builtin.covers(DPV + "CommercialPurpose", DPV + "AcademicResearch")


def test_the_full_dpv_adds_terms_and_keeps_french_labels() -> None:
    full = load_taxonomy(shared_path("data", "dpv"))
    assert full.covers(PURPOSE, DPV + "FraudPreventionAndDetection")
    assert not builtin_taxonomy().known(DPV + "FraudPreventionAndDetection")
    assert full.covers(PERSONAL_DATA, PD + "Accent")
    assert full.label(PD + "Location", "fr") == "Données de localisation"


@pytest.mark.parametrize("missing", [None, Path("/nonexistent/dpv")])
def test_without_dpv_csvs_the_builtin_part_serves(missing: Path | None) -> None:
    assert load_taxonomy(missing) is builtin_taxonomy()
