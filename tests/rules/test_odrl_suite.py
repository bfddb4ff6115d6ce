"""ODRL conformance: every case of the ODRL test suite that Holoptic's model can express.

Each case is its own test; an unsupported one is skipped with the reason (the same
reasons docs/rules.md lists, which a test here keeps in step). ``pytest -s`` prints the
summary line.
"""

from __future__ import annotations

import functools
import re
from itertools import combinations
from pathlib import Path

import pytest

from holoptic.rules.taxonomy import builtin_taxonomy
from tests.conftest import SHARED, shared_path
from tests.rules.odrl_suite import (
    COLLECTIONS,
    IN_COLLECTION,
    OUTSIDE,
    Case,
    RuleState,
    Unsupported,
    evaluated,
    expected,
    load_cases,
)

ROOT = ("fixtures", "odrl-test-suite")
TAXONOMY = builtin_taxonomy()
MIN_SUPPORTED = 41  # reached when this test was written: fewer is a regression
DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def _case_numbers() -> list[str]:
    root = SHARED.joinpath(*ROOT)
    files = sorted(root.glob("data/test_cases/testcase-*.ttl"))
    files += sorted(root.glob("purpose-cases-commit-667fbcf/testcase-*.md"))
    return [path.name[9:12] for path in files] or ["suite-absent"]


@functools.cache
def _cases() -> dict[str, Case]:
    return {case.number: case for case in load_cases(shared_path(*ROOT))}


@functools.cache
def _verdict(number: str) -> tuple[list[RuleState], list[RuleState] | Unsupported]:
    case = _cases()[number]
    try:
        return expected(case), evaluated(case, TAXONOMY)
    except Unsupported as why:
        return expected(case), why


@pytest.mark.parametrize("number", _case_numbers())
def test_case(number: str) -> None:
    want, got = _verdict(number)
    if isinstance(got, Unsupported):
        pytest.skip(f"unsupported: {got}")
    assert got == want


def test_summary() -> None:
    verdicts = {number: _verdict(number) for number in _cases()}
    supported = {n: v for n, v in verdicts.items() if not isinstance(v[1], Unsupported)}
    passing = [n for n, (want, got) in supported.items() if got == want]
    counts = f"{len(verdicts)} cases, {len(supported)} supported, {len(passing)} passing"
    print(f"\nODRL test suite: {counts}")
    assert len(verdicts) == 71  # 68 in the snapshot, 3 purpose cases from a later commit
    assert len(passing) == len(supported) >= MIN_SUPPORTED


def test_docs_list_every_unsupported_case() -> None:
    unsupported = {n for n in _cases() if isinstance(_verdict(n)[1], Unsupported)}
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("### Unsupported cases") :]
    assert set(re.findall(r"^\| (\d{3}) \|", section, flags=re.MULTILINE)) == unsupported
    supported = len(_cases()) - len(unsupported)
    assert f"{supported} supported, {supported} passing" in text


def test_the_adapter_maps_membership_to_the_hierarchy() -> None:
    """Collections are broad categories over their members; everything else is disjoint."""
    [broad] = COLLECTIONS.values()
    assert all(TAXONOMY.covers(broad, narrow) for narrow in IN_COLLECTION.values())
    assert not any(TAXONOMY.covers(broad, other) for other in OUTSIDE.values())
    for mapping in (IN_COLLECTION, OUTSIDE):
        for a, b in combinations(mapping.values(), 2):
            assert not TAXONOMY.covers(a, b) and not TAXONOMY.covers(b, a)
