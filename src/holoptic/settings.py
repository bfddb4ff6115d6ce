"""Deployment settings, read once from the environment and passed down.

Nothing here runs at import time: ``Settings.from_env`` is called by the entry points.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from holoptic.errors import ConfigurationError


@dataclass(frozen=True, slots=True)
class Setting:
    """One documented environment variable."""

    name: str
    default: str
    help: str


DEFAULT_MAX_UPLOAD_BYTES = 4 * 1024**3
DEFAULT_CONTACT = "dpo@holoptic.example"  # a placeholder: deployments set their own

SETTINGS: tuple[Setting, ...] = (
    Setting("HOLOPTIC_HOME", "./var", "Directory for the SQLite database, keys and uploads."),
    Setting(
        "HOLOPTIC_DATABASE_URL",
        "sqlite:///$HOLOPTIC_HOME/holoptic.db",
        "SQLAlchemy URL; postgresql+psycopg://user@host/db selects PostgreSQL.",
    ),
    Setting(
        "HOLOPTIC_MASTER_KEY",
        "(unset: read $HOLOPTIC_HOME/keys/master.key)",
        "Master key as printed by `holoptic init --print-key`, instead of the key file.",
    ),
    Setting(
        "HOLOPTIC_SECRET_KEY",
        "(unset: read $HOLOPTIC_HOME/keys/session.key)",
        "Secret that signs session cookies.",
    ),
    Setting("HOLOPTIC_LANG", "(from LANG)", "Language of CLI messages: fr or en."),
    Setting(
        "HOLOPTIC_SESSION_MAX_AGE",
        "43200",
        "Seconds a web session stays valid without activity (default 12 hours).",
    ),
    Setting(
        "HOLOPTIC_LOGIN_ATTEMPTS",
        "5",
        "Failed logins allowed per address and per account in 15 minutes.",
    ),
    Setting("HOLOPTIC_HOST", "127.0.0.1", "Address `holoptic serve` and scripts/run listen on."),
    Setting("HOLOPTIC_PORT", "8000", "Port `holoptic serve` and scripts/run listen on."),
    Setting(
        "HOLOPTIC_MAX_UPLOAD_BYTES",
        str(DEFAULT_MAX_UPLOAD_BYTES),
        "Largest upload the web import page accepts, in bytes (default 4 GiB).",
    ),
    Setting(
        "HOLOPTIC_SECURE_COOKIES",
        "0",
        "Set to 1 behind HTTPS so cookies carry the Secure flag.",
    ),
    Setting(
        "HOLOPTIC_LOG_KEY",
        "(unset: read $HOLOPTIC_HOME/keys/log.key)",
        "The usage log's Ed25519 signing key (PRIVATE+KEY+name+hash+key), instead of the file.",
    ),
    Setting(
        "HOLOPTIC_DPV",
        "(unset: the DPV terms Holoptic ships)",
        "Directory of DPV 2.3 CSV files (purposes, pd) that extends the rule taxonomy.",
    ),
    Setting(
        "HOLOPTIC_DP_EPSILON",
        "1.0",
        "Privacy budget (epsilon) of each differentially-private release of the gate.",
    ),
    Setting(
        "HOLOPTIC_CONTACT_EMAIL",
        DEFAULT_CONTACT,
        "The community's data-protection contact, named in consent records and receipts.",
    ),
)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a Holoptic process needs to know about its deployment."""

    home: Path
    database_url: str
    master_key: str | None
    secret_key: str | None
    lang: str
    session_max_age: int
    login_attempts: int
    secure_cookies: bool
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    log_key: str | None = None
    dpv_dir: Path | None = None
    dp_epsilon: float = 1.0
    contact_email: str = DEFAULT_CONTACT

    @property
    def keys_dir(self) -> Path:
        return self.home / "keys"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        home = Path(env.get("HOLOPTIC_HOME") or "./var").expanduser().absolute()
        url = env.get("HOLOPTIC_DATABASE_URL") or f"sqlite:///{home / 'holoptic.db'}"
        return cls(
            home=home,
            database_url=url,
            master_key=env.get("HOLOPTIC_MASTER_KEY") or None,
            secret_key=env.get("HOLOPTIC_SECRET_KEY") or None,
            lang=_language(env),
            session_max_age=_int(env, "HOLOPTIC_SESSION_MAX_AGE", 43200),
            login_attempts=_int(env, "HOLOPTIC_LOGIN_ATTEMPTS", 5),
            secure_cookies=env.get("HOLOPTIC_SECURE_COOKIES", "0") == "1",
            max_upload_bytes=_positive(env, "HOLOPTIC_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES),
            log_key=env.get("HOLOPTIC_LOG_KEY") or None,
            dpv_dir=Path(env["HOLOPTIC_DPV"]).expanduser() if env.get("HOLOPTIC_DPV") else None,
            dp_epsilon=_epsilon(env),
            contact_email=_contact(env),
        )


def _contact(env: Mapping[str, str]) -> str:
    raw = (env.get("HOLOPTIC_CONTACT_EMAIL") or DEFAULT_CONTACT).strip()
    local, at, domain = raw.partition("@")
    if not (local and at and "." in domain) or any(c.isspace() for c in raw):
        raise ConfigurationError(f"HOLOPTIC_CONTACT_EMAIL must be an e-mail address, not {raw!r}")
    return raw


def _epsilon(env: Mapping[str, str]) -> float:
    raw = env.get("HOLOPTIC_DP_EPSILON") or "1.0"
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= 10:
        raise ConfigurationError(f"HOLOPTIC_DP_EPSILON must be between 0 and 10, not {raw!r}")
    return value


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}") from None


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    value = _int(env, name, default)
    if value < 1:
        raise ConfigurationError(f"{name} must be a positive number of bytes, not {value}")
    return value


def _language(env: Mapping[str, str]) -> str:
    for name in ("HOLOPTIC_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value.lower().startswith("fr"):
            return "fr"
        if value and value not in ("C", "POSIX", "C.UTF-8"):
            return "en"
    return "en"
