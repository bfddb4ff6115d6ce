"""Master-key rotation: re-wrap every member key, never touch a blob.

The next key is written to disk first, the re-wrap commits in one transaction, and only
then does the next key replace the current one. Interrupted anywhere, the keyring still
holds every key some row refers to, and running the rotation again finishes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from holoptic.vault.crypto import MasterKey, MemberCipher
from holoptic.vault.keystore import (
    NEXT_FILE,
    Keyring,
    promote_next_key,
    stage_next_key,
)
from holoptic.vault.model import WrappedKey
from holoptic.vault.ports import VaultUnitOfWork


@dataclass(frozen=True, slots=True)
class RotationResult:
    old_key_id: str
    new_key_id: str
    members_rewrapped: int
    new_key: MasterKey
    from_env: bool


def rotate_master_key(
    uow: Callable[[], VaultUnitOfWork], keyring: Keyring, keys_dir: Path
) -> RotationResult:
    pending = keys_dir / NEXT_FILE
    target = MasterKey.parse(pending.read_text()) if pending.exists() else stage_next_key(keys_dir)
    extended = Keyring((*keyring.keys, target), keyring.from_env)
    count = 0
    with uow() as unit:
        repo = unit.vault
        for wrapped in repo.list_wrapped_keys():
            data_key = extended.get(wrapped.master_key_id).unwrap(
                wrapped.member_id, wrapped.wrapped
            )
            repo.put_wrapped_key(
                WrappedKey(
                    wrapped.member_id, target.key_id, target.wrap(wrapped.member_id, data_key)
                )
            )
            sealed = repo.get_member(wrapped.member_id)
            if sealed is not None and sealed.email_blob is not None:
                email = MemberCipher(data_key).open_text("email", sealed.email_blob)
                repo.set_email_index(wrapped.member_id, target.email_index(email))
            count += 1
    if not keyring.from_env:
        promote_next_key(keys_dir)
    return RotationResult(keyring.current.key_id, target.key_id, count, target, keyring.from_env)
