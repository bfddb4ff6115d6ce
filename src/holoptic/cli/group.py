"""The root command group: chooses the language, translates help, catches every failure.

Catching happens here, around the whole command tree, so each command stays a plain
parse → service → render function and no failure can escape as a traceback. Typer's own
exceptions (usage errors → exit 2, ``Exit``, ``Abort``) pass through untouched.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import typer
from typer.core import TyperGroup

from holoptic.cli.context import CliState, database_label
from holoptic.cli.errors import report
from holoptic.cli.text import _, language_from_env, reset_language, use_language
from holoptic.settings import Settings

# Usage errors (exit 2), explicit exits, aborts and closed pipes (`| head`) are Typer's.
_PASS_THROUGH = (typer.TyperException, typer.Exit, typer.Abort, BrokenPipeError)


class HolopticGroup(TyperGroup):
    """The ``holoptic`` group."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        token = use_language(language_from_env(os.environ))
        try:
            translate_help(self, _)
            return super().main(
                args, prog_name, complete_var, standalone_mode, windows_expand_args, **extra
            )
        finally:
            reset_language(token)

    def invoke(self, ctx: Any) -> Any:  # Typer keeps its Click Context class private
        try:
            return super().invoke(ctx)
        except _PASS_THROUGH:
            raise
        except Exception as error:  # every other failure: one line, exit 1
            report(error, _context(ctx))
            raise typer.Exit(1) from None


def _context(ctx: Any) -> dict[str, str]:
    """Values error messages may name (the database, the key directory)."""
    obj = ctx.obj
    try:
        settings = obj.settings if isinstance(obj, CliState) else Settings.from_env()
    except Exception:  # the settings themselves are broken: name nothing
        return {"database": "?", "keys_dir": "?"}
    return {
        "database": database_label(settings.database_url),
        "keys_dir": str(settings.keys_dir),
    }


def translate_help(command: Any, gettext: Callable[[str], str]) -> None:
    """Translate the help of a command tree in place (Typer rebuilds it for every run).

    ``command`` is one of Typer's commands or groups; they are walked by duck typing
    because Typer keeps its Click classes private.
    """
    for holder in (command, *command.params):
        for attribute in ("help", "short_help"):
            text = getattr(holder, attribute, None)
            if text:
                setattr(holder, attribute, gettext(text))
    for sub in getattr(command, "commands", {}).values():
        translate_help(sub, gettext)


def help_texts(command: Any) -> list[str]:
    """Every help string of a command tree (the translation test checks them all)."""
    texts: list[str] = []

    def collect(text: str) -> str:
        texts.append(text)
        return text

    translate_help(command, collect)
    return texts
