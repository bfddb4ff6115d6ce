"""The DPV tables records rely on, held to DPV 2.3's published files; ids and pseudonyms."""

from __future__ import annotations

import csv
import uuid

import pytest

from holoptic.consent.dpv import (
    ORGANISATION_TYPES,
    SENSITIVE_CATEGORIES,
    SPECIAL_CATEGORIES,
    compact,
    sensitivity,
)
from holoptic.consent.errors import InvalidExportOption
from holoptic.consent.ids import check_subject_ref, receipt_id, record_id, subject_pseudonym
from holoptic.rules.model import DPV, PD, ConsumerType
from holoptic.rules.taxonomy import builtin_taxonomy
from tests.conftest import shared_path
from tests.consent.kit import grant

SPECIAL = DPV + "SpecialCategoryPersonalData"
SENSITIVE = DPV + "SensitivePersonalData"


def test_sensitive_categories_are_dpvs() -> None:
    """Every PD category DPV 2.3 types as special category (or sensitive), and no other."""
    special: set[str] = set()
    sensitive: set[str] = set()
    with shared_path("data", "dpv", "2.3_pd_pd.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            types = set(row["dpvtype"].split(";")) | set(row["hasbroader"].split(";"))
            if SPECIAL in types:
                special.add(row["iri"])
            elif SENSITIVE in types:
                sensitive.add(row["iri"])
    assert SPECIAL_CATEGORIES - {SPECIAL} == special
    assert SENSITIVE_CATEGORIES - {SENSITIVE} == sensitive


def test_holoptics_own_categories() -> None:
    taxonomy = builtin_taxonomy()
    flagged = {iri for iri in taxonomy.terms if sensitivity(iri) is not None}
    assert flagged == {PD + "MedicalHealth", PD + "Health", PD + "PhysicalHealth"}
    assert sensitivity(PD + "Vulnerability") == "dpv:SensitivePersonalData"
    assert sensitivity(PD + "Health") == "dpv:SpecialCategoryPersonalData"


def test_compact_names() -> None:
    assert compact(DPV + "ImproveTransportMobility") == "dpv:ImproveTransportMobility"
    assert compact(PD + "GPSCoordinate") == "pd:GPSCoordinate"
    assert compact("https://example.org/x#y") == "https://example.org/x#y"
    assert compact(DPV + "a/b") == DPV + "a/b"  # not a plain local name: left whole


def test_every_consumer_type_is_a_dpv_organisation() -> None:
    assert set(ORGANISATION_TYPES) == set(ConsumerType)


def test_record_and_receipt_ids_are_stable_name_based_uuids() -> None:
    g = grant()
    assert record_id(g) == record_id(grant()) != receipt_id(g)
    assert uuid.UUID(record_id(g)).version == 5
    assert record_id(grant(id="g-2")) != record_id(g)


def test_pseudonyms_differ_per_consumer_and_pass_as_subject_refs() -> None:
    key = bytes(range(32))
    town = subject_pseudonym(key, "m-1", "town-hall")
    assert town == subject_pseudonym(key, "m-1", "town-hall")
    assert town != subject_pseudonym(key, "m-1", "lab")
    assert town != subject_pseudonym(bytes(32), "m-1", "town-hall")
    assert check_subject_ref(town) == town
    with pytest.raises(InvalidExportOption):
        subject_pseudonym(b"short", "m-1", "town-hall")
