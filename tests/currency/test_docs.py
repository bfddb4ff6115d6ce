"""docs/currency.md names every key of the format and every category code."""

from __future__ import annotations

import re
from pathlib import Path

from holoptic.currency import dump_spec, parse_spec
from holoptic.currency.categories import CATEGORIES

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "currency.md").read_text(encoding="utf-8")


def keys_of(text: str) -> set[str]:
    """Every key a dumped spec writes, tables and inline tables included."""
    found = set(re.findall(r"^(\w+) =", text, flags=re.M))
    found |= set(re.findall(r"[{,] (\w+) =", text))
    found |= {
        part
        for table in re.findall(r"^\[+([\w.]+)\]+", text, flags=re.M)
        for part in table.split(".")
    }
    return found


def test_every_key_is_documented() -> None:
    keys: set[str] = set()
    for example in sorted((ROOT / "examples" / "currencies").glob("*.toml")):
        keys |= keys_of(dump_spec(parse_spec(example.read_text(encoding="utf-8"))))
    text = (ROOT / "examples" / "currencies" / "dividend.toml").read_text(encoding="utf-8")
    dividend = text.replace('eligible = "members"', 'eligible = "active_members"\nactive_days = 9')
    keys |= keys_of(dump_spec(parse_spec(dividend)))
    fixed = text.split("[issuance")[0] + '[issuance.fixed_supply]\ntotal = "5"\n'
    keys |= keys_of(dump_spec(parse_spec(fixed)))
    assert {"active_days", "fixed_supply", "total", "radius_m", "polygon", "redemption_fee"} <= keys
    quoted = " ".join(re.findall(r"`[^`]+`", DOC))  # keys, tables, paths in backticks
    missing = sorted(key for key in keys if not re.search(rf"\b{key}\b", quoted))
    assert missing == []


def test_every_category_is_documented() -> None:
    for category in CATEGORIES:
        assert f"| `{category.code}` |" in DOC
        assert category.label_fr in DOC
