"""The CLI's language: French or English messages from the ``cli`` gettext domain.

The language is chosen per invocation (``HOLOPTIC_LANG``, then ``LANG``) and held in a
context variable, so ``_()`` works anywhere in the CLI, even in the error handler that
runs before settings could be read.
"""

from __future__ import annotations

import contextvars
from collections.abc import Mapping

from holoptic.errors import HolopticError
from holoptic.i18n import translations
from holoptic.settings import Settings

_language: contextvars.ContextVar[str] = contextvars.ContextVar("holoptic_cli_lang", default="en")


def _(message: str) -> str:
    """Translate a CLI message into the current language."""
    return translations(_language.get(), "cli").gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """Translate a message that depends on a count ("1 member", "2 members")."""
    return translations(_language.get(), "cli").ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark a message for translation later (it is translated where it is shown)."""
    return message


def language_from_env(env: Mapping[str, str]) -> str:
    """The language Settings would pick, even when other settings are malformed."""
    try:
        return Settings.from_env(env).lang
    except HolopticError:
        value = env.get("HOLOPTIC_LANG") or env.get("LANG") or ""
        return "fr" if value.lower().startswith("fr") else "en"


def use_language(lang: str) -> contextvars.Token[str]:
    return _language.set(lang)


def reset_language(token: contextvars.Token[str]) -> None:
    _language.reset(token)


def current_language() -> str:
    return _language.get()
