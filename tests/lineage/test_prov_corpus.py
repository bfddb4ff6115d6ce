"""The ``prov`` package reads back its own PROV-JSON test documents, and round-trips them.

This is the reading setup the lineage tests rely on (``prov.read(..., format="json")``
under pytest's warnings-as-errors): if it disagreed with the package's own expectations
on any construct, a lineage test could pass or fail for the wrong reason.
"""

from __future__ import annotations

import prov
from prov.model import ProvDocument

from tests.conftest import shared_path

CORPUS = ("fixtures", "prov-json", "prov-package-tests-json")
DOCUMENTED_COUNT = 398  # SOURCE.txt: one document per PROV-DM construct and variant


def test_every_package_document_reads_back_and_round_trips() -> None:
    files = sorted(shared_path(*CORPUS).glob("*.json"))
    assert len(files) == DOCUMENTED_COUNT
    problems: list[str] = []
    records = 0
    for path in files:
        document = prov.read(str(path), format="json")
        text = document.serialize(format="json")
        assert isinstance(text, str)
        if ProvDocument.deserialize(content=text, format="json") != document:
            problems.append(path.name)
        records += len(document.get_records()) + sum(
            len(bundle.get_records()) for bundle in document.bundles
        )
    assert problems == []
    assert records > DOCUMENTED_COUNT  # documents were read, not skipped as empty
