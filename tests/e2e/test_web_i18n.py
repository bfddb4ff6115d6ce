"""Every string the web shell shows has a French translation, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

SRC = Path(__file__).resolve().parents[2] / "src" / "holoptic"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def web_messages() -> set[str]:
    """Strings marked with _() or N_() in the web package's Python and templates."""
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found = extract_from_dir(
        str(SRC / "web"), method_map, options_map=options, keywords={"_": None, "N_": None}
    )
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_catalogue_lists_every_web_message(lang: str) -> None:
    with (SRC / "locale" / lang / "LC_MESSAGES" / "web.po").open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain="web")
    messages = web_messages()
    assert len(messages) > 100, "the extraction found the web shell's strings"
    missing = sorted(messages - {m.id for m in catalog if m.id})
    assert missing == [], f"add these to locale/{lang}/LC_MESSAGES/web.po: {missing}"


def test_french_translations_are_complete_and_keep_placeholders() -> None:
    with (SRC / "locale" / "fr" / "LC_MESSAGES" / "web.po").open("rb") as handle:
        catalog = read_po(handle, locale="fr", domain="web")
    for message in catalog:
        if not message.id:
            continue
        assert message.string, f"no French for {message.id!r}"
        assert not message.fuzzy, f"fuzzy French for {message.id!r}"
        source = set(PLACEHOLDER.findall(str(message.id)))
        assert set(PLACEHOLDER.findall(str(message.string))) == source, message.id
