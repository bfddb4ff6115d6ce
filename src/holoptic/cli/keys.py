"""``holoptic keys``: master-key rotation."""

from __future__ import annotations

from typing import Any

import typer

from holoptic.cli.context import state
from holoptic.cli.output import JsonFlag, emit_json, line, note
from holoptic.cli.text import _
from holoptic.setup import discard_applied_next_key
from holoptic.vault.keystore import MASTER_FILE, NEXT_FILE
from holoptic.vault.rotation import RotationResult, rotate_master_key

app = typer.Typer(help="Manage the master key.", no_args_is_help=True)


@app.command("rotate")
def rotate(ctx: typer.Context, json_output: JsonFlag = False) -> None:
    """Re-wrap every member key under a new master key (blobs are not re-encrypted)."""
    current = state(ctx)
    services = current.services()
    keys_dir = current.settings.keys_dir
    discard_applied_next_key(keys_dir, services.keyring)
    result = rotate_master_key(services.uow, services.keyring, keys_dir)
    if result.from_env:
        note(
            _(
                "Update HOLOPTIC_MASTER_KEY to the new key printed on stdout and restart "
                "Holoptic; then delete {path}. The new key is shown only once."
            ).format(path=keys_dir / NEXT_FILE)
        )
    if json_output:
        emit_json(_document(result, str(keys_dir / MASTER_FILE)))
        return
    line(
        _("Master key {old} replaced by {new}; re-wrapped keys: {count}.").format(
            count=result.members_rewrapped, old=result.old_key_id, new=result.new_key_id
        )
    )
    if result.from_env:
        line(result.new_key.encode())
    else:
        line(_("The new key is in {path}: back it up.").format(path=keys_dir / MASTER_FILE))


def _document(result: RotationResult, key_file: str) -> dict[str, Any]:
    document: dict[str, Any] = {
        "old_key_id": result.old_key_id,
        "new_key_id": result.new_key_id,
        "members_rewrapped": result.members_rewrapped,
    }
    if result.from_env:
        document["master_key"] = result.new_key.encode()
    else:
        document["key_file"] = key_file
    return document
