"""Where the log's signing key lives: ``$HOLOPTIC_HOME/keys/log.key`` (0600) or the
environment (``HOLOPTIC_LOG_KEY``), in the signed-note signer form ``PRIVATE+KEY+…``.

The key's name is the log's origin: every checkpoint starts with it. ``holoptic init``
creates a key named ``holoptic/log/<8 random hex digits>``; a deployment that wants a
meaningful origin (``village.example/log``) sets ``HOLOPTIC_LOG_KEY`` to a key made with
that name (any signed-note tool makes one, e.g. Go's ``note.GenerateKey``).
"""

from __future__ import annotations

import secrets
from pathlib import Path

from holoptic.trace.checkpoint import Signer
from holoptic.trace.errors import LogKeyMissing
from holoptic.vault.keystore import write_secret_file

LOG_KEY_FILE = "log.key"


def default_name() -> str:
    return f"holoptic/log/{secrets.token_hex(4)}"


def create_log_key(keys_dir: Path, name: str | None = None) -> tuple[Signer, bool]:
    """Return the existing log key, or create one. The flag says whether it is new."""
    path = keys_dir / LOG_KEY_FILE
    if path.exists():
        return Signer.parse(path.read_text()), False
    signer = Signer.generate(name or default_name())
    write_secret_file(path, signer.encode())
    return signer, True


def load_signer(keys_dir: Path, env_value: str | None) -> Signer:
    """The log's signing key, from the environment first, else from its file."""
    if env_value:
        return Signer.parse(env_value)
    path = keys_dir / LOG_KEY_FILE
    if not path.exists():
        raise LogKeyMissing(
            f"no usage log key at {path}: run `holoptic init` or set HOLOPTIC_LOG_KEY",
            path=str(path),
        )
    return Signer.parse(path.read_text())
