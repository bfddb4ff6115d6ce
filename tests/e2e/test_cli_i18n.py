"""Every CLI message and help text has a French translation (gettext domain ``cli``)."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from holoptic.cli.errors import MESSAGES
from holoptic.cli.group import help_texts
from holoptic.cli.main import app

SOURCE = Path(__file__).resolve().parents[2] / "src" / "holoptic"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def catalogue(lang: str) -> dict[str, tuple[str, ...]]:
    """msgid (the singular for plurals) -> its translations (one, or one per plural form)."""
    path = SOURCE / "locale" / lang / "LC_MESSAGES" / "cli.po"
    with path.open("rb") as handle:
        return {
            (m.id if isinstance(m.id, str) else m.id[0]): (
                (m.string,) if isinstance(m.string, str) else tuple(m.string or ())
            )
            for m in read_po(handle, locale=lang)
            if m.id
        }


def source_messages() -> set[str]:
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        SOURCE / "cli", keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    found.update(help_texts(typer.main.get_command(app)))
    found.update(MESSAGES.values())
    return found


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_message_is_in_the_catalogue(lang: str) -> None:
    missing = source_messages() - set(catalogue(lang))
    assert not missing, f"{lang}/cli.po lacks: {sorted(missing)}"


def test_every_french_translation_is_filled_in() -> None:
    empty = [msgid for msgid, texts in catalogue("fr").items() if not all(texts)]
    assert not empty, empty


def test_no_stale_entries() -> None:
    stale = set(catalogue("fr")) - source_messages()
    assert not stale, f"fr/cli.po has entries nothing uses: {sorted(stale)}"


def test_french_help_is_translated() -> None:
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["data", "export", "--help"], env={"HOLOPTIC_LANG": "fr"})
    assert result.exit_code == 0
    assert "Écrit l’export portable complet" in result.stdout
