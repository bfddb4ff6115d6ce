"""French and English, from gettext catalogues.

Source strings are English; ``locale/<lang>/LC_MESSAGES/<domain>.po`` hold translations.
Catalogues are read from the ``.po`` files with Babel at first use (no compiled ``.mo``
files to keep in step), once per process.
"""

from __future__ import annotations

import gettext
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
DOMAINS = ("web", "cli")


@cache
def translations(lang: str, domain: str = "web") -> gettext.NullTranslations:
    """The catalogue for ``lang`` (English falls back to the source strings)."""
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"
    if lang not in LANGUAGES or not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=domain)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def negotiate(accept_language: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """Pick fr or en from an ``Accept-Language`` header, by quality."""
    if not accept_language:
        return default
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            choices.append((-quality, position, primary))
    return sorted(choices)[0][2] if choices else default


def gettext_for(lang: str, domain: str = "web") -> gettext.NullTranslations:
    return translations(lang if lang in LANGUAGES else DEFAULT_LANGUAGE, domain)
