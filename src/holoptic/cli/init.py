"""``holoptic init``: set up a deployment, idempotently."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from holoptic.cli.context import CliState, database_label, state
from holoptic.cli.output import JsonFlag, emit_json, line
from holoptic.cli.text import _
from holoptic.setup import InitResult, initialise
from holoptic.vault.crypto import MasterKey
from holoptic.vault.keystore import MASTER_FILE


def init(
    ctx: typer.Context,
    json_output: JsonFlag = False,
    print_key: Annotated[
        bool,
        typer.Option(
            "--print-key", help="Also print the master key, to keep it in HOLOPTIC_MASTER_KEY."
        ),
    ] = False,
) -> None:
    """Create the home directory, master key, database tables and default community."""
    current = state(ctx)
    result = initialise(current.settings)
    key = _master_key(current) if print_key else None
    if json_output:
        emit_json(_document(result, current, key))
        return
    for message in _messages(result, current):
        line(message)
    if key is not None:
        line(key)


def _master_key(current: CliState) -> str:
    settings = current.settings
    if settings.master_key:
        return MasterKey.parse(settings.master_key).encode()
    return MasterKey.parse((settings.keys_dir / MASTER_FILE).read_text()).encode()


def _messages(result: InitResult, current: CliState) -> list[str]:
    database = database_label(current.settings.database_url)
    if not result.changed:
        return [_("Already initialised in {home}: nothing changed.").format(home=result.home)]
    messages = []
    if result.home_created:
        messages.append(_("Created {home}").format(home=result.home))
    if result.migrated:
        messages.append(
            _("Migrated the database {database} to revision {revision}").format(
                database=database, revision=result.revision
            )
        )
    if result.key_created:
        messages.append(
            _(
                "Created the master key {path} (mode 0600, id {key_id}). Back it up: "
                "without it nobody can read the data."
            ).format(path=result.key_file, key_id=result.key_id)
        )
    if result.session_secret_created:
        messages.append(_("Created the session secret"))
    if result.community_created:
        messages.append(_('Created the community "default"'))
    if result.log_key_created:
        messages.append(_("Created the usage log signing key (mode 0600)"))
    messages.append(_("Holoptic is ready in {home}.").format(home=result.home))
    return messages


def _document(result: InitResult, current: CliState, key: str | None) -> dict[str, Any]:
    document: dict[str, Any] = {
        "home": str(result.home),
        "database": database_label(current.settings.database_url),
        "changed": result.changed,
        "created": {
            "home": result.home_created,
            "master_key": result.key_created,
            "session_secret": result.session_secret_created,
            "default_community": result.community_created,
        },
        "migrated": result.migrated,
        "revision": result.revision,
        "key_file": str(result.key_file) if result.key_file else None,
        "key_id": result.key_id,
    }
    if key is not None:
        document["master_key"] = key
    return document
