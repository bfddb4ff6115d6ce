"""Every kind is filed under a real W3C DPV 2.3 personal-data category."""

from __future__ import annotations

import csv

from holoptic.vault.kinds import KINDS
from tests.conftest import shared_path


def test_every_kind_category_exists_in_dpv() -> None:
    with shared_path("data", "dpv", "2.3_pd_pd.csv").open(newline="") as handle:
        iris = {row["iri"] for row in csv.DictReader(handle)}
    missing = {spec.name: spec.category for spec in KINDS.values() if spec.category not in iris}
    assert missing == {}


def test_every_kind_has_both_labels() -> None:
    for spec in KINDS.values():
        assert spec.label("fr") and spec.label("en")
