"""The composition root: settings in, wired services out. Entry points call ``bootstrap``."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import Engine

from holoptic.clock import Clock, SystemClock
from holoptic.db.engine import build_engine
from holoptic.db.uow import SqlUnitOfWork
from holoptic.identity.service import IdentityService
from holoptic.importers.registry import default_importers
from holoptic.importers.service import ImportService
from holoptic.reveal.requests import LetterService
from holoptic.reveal.service import RevealService
from holoptic.settings import Settings
from holoptic.trace.keys import load_signer
from holoptic.trace.log import UsageLog
from holoptic.vault.documents import MemberDocuments
from holoptic.vault.keystore import Keyring, load_keyring
from holoptic.vault.service import VaultService
from holoptic.vault.store import ItemStore


@dataclass
class Services:
    """Every service of one deployment, built lazily so commands pay only for what they use."""

    settings: Settings
    clock: Clock = field(default_factory=SystemClock)
    engine_override: Engine | None = None

    @cached_property
    def engine(self) -> Engine:
        return self.engine_override or build_engine(self.settings.database_url)

    def uow(self, write: bool = False) -> SqlUnitOfWork:
        """A unit of work; ``write=True`` when it will write after reading (SQLite)."""
        return SqlUnitOfWork(self.engine, write)

    @cached_property
    def keyring(self) -> Keyring:
        return load_keyring(self.settings.keys_dir, self.settings.master_key)

    @cached_property
    def vault(self) -> VaultService:
        return VaultService(self.uow, self.keyring, self.clock)

    @cached_property
    def items(self) -> ItemStore:
        return ItemStore(self.uow, self.vault, self.clock)

    @cached_property
    def identity(self) -> IdentityService:
        return IdentityService(self.uow, self.vault, self.clock)

    @cached_property
    def documents(self) -> MemberDocuments:
        return MemberDocuments(self.uow, self.vault, self.clock)

    @cached_property
    def imports(self) -> ImportService:
        return ImportService(self.uow, self.vault, self.items, default_importers(), self.clock)

    @cached_property
    def reveal(self) -> RevealService:
        return RevealService(self.uow, self.items, self.documents, self.clock)

    @cached_property
    def letters(self) -> LetterService:
        return LetterService(self.reveal, self.vault, self.documents, self.clock)

    @cached_property
    def log(self) -> UsageLog:
        settings = self.settings
        return UsageLog(
            self.uow,
            lambda: load_signer(settings.keys_dir, settings.log_key),
            self.clock,
        )

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()


def bootstrap(settings: Settings | None = None, clock: Clock | None = None) -> Services:
    return Services(settings or Settings.from_env(), clock or SystemClock())
