"""Setting up a deployment (``holoptic init``) and checking it is ready before use.

Initialisation is idempotent: each step first looks at what exists and only creates what
is missing, so running it twice changes nothing the second time. The order matters: the
database is migrated and inspected *before* a master key is created, so an existing
database whose key file went missing is reported instead of being paired with a fresh,
useless key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from holoptic.bootstrap import Services, bootstrap
from holoptic.clock import Clock
from holoptic.db.migrate import current_revision, head_revision, upgrade
from holoptic.errors import ConfigurationError
from holoptic.settings import Settings
from holoptic.trace.checkpoint import Signer
from holoptic.trace.keys import create_log_key
from holoptic.vault.crypto import MasterKey
from holoptic.vault.errors import CommunityNotFound, MasterKeyMissing, WrongMasterKey
from holoptic.vault.keystore import (
    MASTER_FILE,
    NEXT_FILE,
    SESSION_FILE,
    Keyring,
    create_master_key,
    session_secret,
)
from holoptic.vault.service import DEFAULT_COMMUNITY

DEFAULT_COMMUNITY_NAME = "Default"


class NotInitialised(ConfigurationError):
    """The database has no Holoptic tables yet (or does not exist)."""

    code = "setup.not_initialised"


class NeedsMigration(NotInitialised):
    """The database is at another revision than this code's migrations."""

    code = "setup.needs_migration"


class MasterKeyLost(MasterKeyMissing):
    """Member keys exist, but the master key that wraps them is nowhere to be found."""

    code = "setup.master_key_lost"


@dataclass(frozen=True, slots=True)
class InitResult:
    """What ``initialise`` found and what it created."""

    home: Path
    home_created: bool
    key_file: Path | None  # None when the master key comes from HOLOPTIC_MASTER_KEY
    key_created: bool
    key_id: str
    session_secret_created: bool
    revision_before: str | None
    revision: str | None
    community_created: bool
    log_key_created: bool = False

    @property
    def migrated(self) -> bool:
        return self.revision_before != self.revision

    @property
    def changed(self) -> bool:
        return any(
            (
                self.home_created,
                self.key_created,
                self.session_secret_created,
                self.migrated,
                self.community_created,
                self.log_key_created,
            )
        )


def initialise(settings: Settings, clock: Clock | None = None) -> InitResult:
    """Create whatever the deployment lacks: home, database schema, keys, default community."""
    home_created = not settings.home.exists()
    settings.home.mkdir(parents=True, exist_ok=True, mode=0o700)
    services = bootstrap(settings, clock)
    try:
        before = current_revision(services.engine)
        if before != head_revision():
            upgrade(services.engine)
        key, key_created = _master_key(settings, services)
        session_created = _session_secret(settings)
        check_master_key(services)
        community_created = _default_community(services)
        log_key_created = _log_key(settings)
        return InitResult(
            home=settings.home,
            home_created=home_created,
            key_file=None if settings.master_key else settings.keys_dir / MASTER_FILE,
            key_created=key_created,
            key_id=key.key_id,
            session_secret_created=session_created,
            revision_before=before,
            revision=current_revision(services.engine),
            community_created=community_created,
            log_key_created=log_key_created,
        )
    finally:
        services.close()


def _master_key(settings: Settings, services: Services) -> tuple[MasterKey, bool]:
    """The configured master key, created only for a database that holds no member keys."""
    if settings.master_key:
        return MasterKey.parse(settings.master_key), False
    path = settings.keys_dir / MASTER_FILE
    if not path.exists():
        with services.uow() as uow:
            in_use = uow.vault.list_wrapped_keys()
        if in_use:
            raise MasterKeyLost(
                f"the database holds member keys but there is no master key at {path}: "
                "restore the key file or set HOLOPTIC_MASTER_KEY (a new key could not open them)",
                path=str(path),
            )
    return create_master_key(settings.keys_dir)


def _session_secret(settings: Settings) -> bool:
    if settings.secret_key:
        return False
    existed = (settings.keys_dir / SESSION_FILE).exists()
    session_secret(settings.keys_dir, None)
    return not existed


def _log_key(settings: Settings) -> bool:
    """The usage log's signing key: checked when given, else created once (0600)."""
    if settings.log_key:
        Signer.parse(settings.log_key)
        return False
    return create_log_key(settings.keys_dir)[1]


def _default_community(services: Services) -> bool:
    try:
        services.vault.community(DEFAULT_COMMUNITY)
    except CommunityNotFound:
        services.vault.create_community(DEFAULT_COMMUNITY, DEFAULT_COMMUNITY_NAME)
        return True
    return False


def check_master_key(services: Services) -> None:
    """Refuse a master key that cannot open the member keys already stored.

    Without this check, a wrong ``HOLOPTIC_MASTER_KEY`` would let new members be added
    under a key that the rest of the deployment does not share.
    """
    known = {key.key_id for key in services.keyring.keys}
    with services.uow() as uow:
        used = {wrapped.master_key_id for wrapped in uow.vault.list_wrapped_keys()}
    missing = sorted(used - known)
    if missing:
        raise WrongMasterKey(
            f"member keys are wrapped by master key {', '.join(missing)}, but the key given has "
            f"id {services.keyring.current.key_id}: check HOLOPTIC_MASTER_KEY or the key file",
            expected=", ".join(missing),
            given=services.keyring.current.key_id,
        )


def check_ready(services: Services) -> None:
    """Fail early, with a clear message, when ``holoptic init`` has not been run."""
    revision = current_revision(services.engine)
    head = head_revision()
    if revision is None:
        raise NotInitialised("the database is not initialised: run `holoptic init`")
    if revision != head:
        raise NeedsMigration(
            f"the database is at revision {revision}, this version needs {head}: "
            "run `holoptic init` to migrate it",
            revision=revision,
            head=head or "",
        )
    check_master_key(services)


def discard_applied_next_key(keys_dir: Path, keyring: Keyring) -> bool:
    """Remove ``master.key.next`` once HOLOPTIC_MASTER_KEY already holds that key.

    A rotation under an environment key leaves the new key in ``master.key.next`` until
    the operator updates the variable. Once they have, the file is redundant, and left in
    place it would make the *next* rotation "rotate" to the very same key.
    """
    pending = keys_dir / NEXT_FILE
    if not keyring.from_env or not pending.exists():
        return False
    if MasterKey.parse(pending.read_text()).key_id != keyring.current.key_id:
        return False  # a rotation not yet applied: rotating again resumes it
    pending.unlink()
    return True
