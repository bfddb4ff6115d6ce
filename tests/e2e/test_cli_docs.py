"""docs/cli.md documents every command and every option (after Datasette's test_docs)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer.main

from holoptic.cli.main import app

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def leaf_commands(command: Any, path: tuple[str, ...] = ("holoptic",)) -> list[tuple[str, Any]]:
    """(``holoptic member add``, command) for every runnable command of the tree."""
    subcommands = getattr(command, "commands", None)
    if not subcommands:
        return [(" ".join(path), command)]
    found: list[tuple[str, Any]] = []
    for name, sub in subcommands.items():
        found += leaf_commands(sub, (*path, name))
    return found


COMMANDS = leaf_commands(typer.main.get_command(app))


def section(name: str) -> str:
    """The part of docs/cli.md under the heading ``## `<name>```."""
    text = DOC.read_text()
    match = re.search(rf"^## `{re.escape(name)}`\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"docs/cli.md has no section for `{name}`"
    return match.group(1)


def test_the_tree_is_what_the_issue_asks_for() -> None:
    names = {name for name, _ in COMMANDS}
    assert {
        "holoptic init",
        "holoptic member add",
        "holoptic member list",
        "holoptic member delete",
        "holoptic data list",
        "holoptic data show",
        "holoptic data export",
        "holoptic serve",
    } <= names


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_every_command_and_option_is_documented(name: str, command: Any) -> None:
    text = section(name)
    for param in command.params:
        for option in param.opts:
            if option.startswith("--") and option != "--help":
                assert f"`{option}`" in text, f"docs/cli.md does not document {name} {option}"
