"""A small lineage shared by the tests: two members' data, two consumers, four uses.

Member A owns ``a1`` and ``a2``; ``zz`` belongs to someone else. ``u1`` aggregates all
three for Acme, ``u2`` gives Acme ``a2`` raw, ``u3`` gives Other only ``zz`` and ``u4``
gives Other ``a1``. Acme builds ``d1`` (from u1 and u2) and ``d2`` (from u2), Other builds
``d3`` (from u3) and ``d4`` (from u4); ``p1`` ← d1, ``p2`` ← d2, ``p3`` ← d3.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from holoptic.lineage.model import ConsumerRef, Dataset, Datum, Product, UseRef

PD = "https://w3id.org/dpv/pd#"
DPV = "https://w3id.org/dpv#"
MEMBER_HASHES = ("a1", "a2")


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2024, 6, day, hour, tzinfo=UTC)


DATA = (
    Datum("a1", PD + "GPSCoordinate", "location.point", date(2024, 5, 30)),
    Datum("a2", PD + "EnergyConsumption", "energy.interval", date(2024, 5, 31)),
    Datum("zz", PD + "GPSCoordinate", "location.point", date(2024, 5, 30)),
)
USES = (
    UseRef("u1", "acme", DPV + "ServiceOptimisation", "aggregate", at(1), 10, ("a1", "a2", "zz")),
    UseRef("u2", "acme", DPV + "ServiceProvision", "raw", at(2), 11, ("a2",)),
    UseRef("u3", "other", DPV + "ResearchAndDevelopment", "dp", at(3), 12, ("zz",)),
    UseRef("u4", "other", DPV + "ResearchAndDevelopment", "pseudonymised", at(4), None, ("a1",)),
)
DATASETS = (
    Dataset("d1", "acme", "Mobility and energy", "Weekly totals", ("u1", "u2"), at(5)),
    Dataset("d2", "acme", "Energy", "", ("u2",), at(5, 10)),
    Dataset("d3", "other", "Study", "", ("u3",), at(6)),
    Dataset("d4", "other", "Cohort", "", ("u4",), at(6, 10)),
)
PRODUCTS = (
    Product("p1", "acme", "Village dashboard", "", ("d1",), "https://acme.example/dash", at(7)),
    Product("p2", "acme", "Energy report", "Monthly", ("d2",), None, at(7, 10)),
    Product("p3", "other", "Paper", "", ("d3",), None, at(8)),
)
CONSUMERS = (
    ConsumerRef("acme", "Acme Mobility", "company"),
    ConsumerRef("other", "Other Lab", "research"),
)
