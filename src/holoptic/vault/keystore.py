"""Where the master key lives: a 0600 file under ``$HOLOPTIC_HOME/keys`` or the environment.

Rotation writes the next key to ``master.key.next`` before re-wrapping member keys, and
promotes it only after the database commit; a crash in between leaves both files, and the
keyring tries both, so no member key is ever stranded.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from holoptic.vault.crypto import MasterKey
from holoptic.vault.errors import MasterKeyMissing, WrongMasterKey

MASTER_FILE = "master.key"
NEXT_FILE = "master.key.next"
SESSION_FILE = "session.key"


@dataclass(frozen=True, slots=True)
class Keyring:
    """The master keys this process can use, current first."""

    keys: tuple[MasterKey, ...]
    from_env: bool

    @property
    def current(self) -> MasterKey:
        return self.keys[0]

    def get(self, key_id: str) -> MasterKey:
        for key in self.keys:
            if key.key_id == key_id:
                return key
        raise WrongMasterKey(
            f"member keys are wrapped by master key {key_id}, which this deployment does not "
            "have: check HOLOPTIC_MASTER_KEY or the key file",
            key_id=key_id,
        )


def write_secret_file(path: Path, text: str) -> None:
    """Create ``path`` with mode 0600 from the start (never world-readable, even briefly)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def create_master_key(keys_dir: Path) -> tuple[MasterKey, bool]:
    """Return the existing master key, or create one. The flag says whether it is new."""
    path = keys_dir / MASTER_FILE
    if path.exists():
        return MasterKey.parse(path.read_text()), False
    key = MasterKey.generate()
    write_secret_file(path, key.encode())
    return key, True


def load_keyring(keys_dir: Path, env_value: str | None) -> Keyring:
    """Load the master key from the environment, else from the key files."""
    if env_value:
        keys = [MasterKey.parse(env_value)]
        pending = keys_dir / NEXT_FILE
        if pending.exists():
            keys.append(MasterKey.parse(pending.read_text()))
        return Keyring(tuple(keys), from_env=True)
    path = keys_dir / MASTER_FILE
    if not path.exists():
        raise MasterKeyMissing(
            f"no master key at {path}: run `holoptic init` or set HOLOPTIC_MASTER_KEY"
        )
    keys = [MasterKey.parse(path.read_text())]
    pending = keys_dir / NEXT_FILE
    if pending.exists():
        keys.append(MasterKey.parse(pending.read_text()))
    return Keyring(tuple(keys), from_env=False)


def stage_next_key(keys_dir: Path) -> MasterKey:
    key = MasterKey.generate()
    write_secret_file(keys_dir / NEXT_FILE, key.encode())
    return key


def promote_next_key(keys_dir: Path) -> None:
    """After the re-wrap committed: the next key becomes the master key."""
    os.replace(keys_dir / NEXT_FILE, keys_dir / MASTER_FILE)


def session_secret(keys_dir: Path, env_value: str | None) -> str:
    """The secret that signs cookies; created on first use when not given."""
    if env_value:
        return env_value
    path = keys_dir / SESSION_FILE
    if path.exists():
        return path.read_text().strip()
    value = secrets.token_urlsafe(48)
    write_secret_file(path, value)
    return value
