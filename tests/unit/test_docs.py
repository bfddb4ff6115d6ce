"""Documentation that tests keep true (after Datasette's test_docs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from holoptic.settings import SETTINGS

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented(setting: object) -> None:
    assert f"`{setting.name}`" in (DOCS / "configuration.md").read_text()  # type: ignore[attr-defined]


def test_architecture_names_every_package() -> None:
    text = (DOCS / "architecture.md").read_text()
    source = Path(__file__).resolve().parents[2] / "src" / "holoptic"
    for package in sorted(p.name for p in source.iterdir() if (p / "__init__.py").exists()):
        if package in {"locale"}:
            continue
        assert f"`{package}/`" in text, f"docs/architecture.md does not describe {package}/"
