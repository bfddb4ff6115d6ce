"""The composition root: settings in, wired services out. Entry points call ``bootstrap``."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from holoptic.clock import Clock, SystemClock
from holoptic.consent.model import Party
from holoptic.consumers.service import ConsumerService
from holoptic.db.engine import build_engine
from holoptic.db.uow import SqlUnitOfWork
from holoptic.gate.consents import ConsentService
from holoptic.gate.history import UseHistory
from holoptic.gate.service import Gate
from holoptic.identity.service import IdentityService
from holoptic.importers.registry import default_importers
from holoptic.importers.service import ImportService
from holoptic.ledger.cashier import Cashier
from holoptic.ledger.currencies import CurrencyService
from holoptic.ledger.daily import DailyFlows
from holoptic.ledger.desk import PaymentDesk
from holoptic.ledger.exchange import Exchange
from holoptic.ledger.keys import SigningKeys
from holoptic.ledger.payments import Payments
from holoptic.reveal.requests import LetterService
from holoptic.rules.service import RuleService
from holoptic.rules.taxonomy import Taxonomy, load_taxonomy
from holoptic.settings import Settings
from holoptic.trace.keys import load_signer
from holoptic.trace.log import UsageLog
from holoptic.vault.documents import MemberDocuments
from holoptic.vault.keystore import Keyring, load_keyring
from holoptic.vault.service import VaultService
from holoptic.vault.store import ItemStore

if TYPE_CHECKING:  # imported where they are built: numpy, prov and rapidfuzz stay unloaded
    from holoptic.ledger.books import Books
    from holoptic.lineage.service import LineageService
    from holoptic.reveal.service import RevealService


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
        from holoptic.reveal.service import RevealService  # rapidfuzz: only when revealing

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

    @cached_property
    def taxonomy(self) -> Taxonomy:
        return load_taxonomy(self.settings.dpv_dir)

    @cached_property
    def consumers(self) -> ConsumerService:
        return ConsumerService(self.uow, self.clock)

    @cached_property
    def rules(self) -> RuleService:
        return RuleService(self.uow, self.taxonomy, self.clock)

    @cached_property
    def gate(self) -> Gate:
        return Gate(
            self.uow,
            self.vault,
            self.log,
            self.taxonomy,
            self.clock,
            lambda: self.keyring.current.derive("holoptic/gate-pseudonyms/v1"),
            self.settings.dp_epsilon,
        )

    @cached_property
    def grants(self) -> ConsentService:
        return ConsentService(
            self.uow,
            self.taxonomy,
            self.clock,
            self._intermediary,
            lambda: self.keyring.current.derive("holoptic/consent-subjects/v1"),
        )

    def _intermediary(self) -> Party:
        """The community running Holoptic, as consent records name it."""
        communities = self.vault.communities()
        name = communities[0].name if communities else "Holoptic"
        return Party(name=name, contact_email=self.settings.contact_email)

    @cached_property
    def uses(self) -> UseHistory:
        return UseHistory(self.uow, self.log, self.clock)

    @cached_property
    def lineage(self) -> LineageService:
        from holoptic.lineage.service import LineageService  # prov: only for lineage

        return LineageService(self.uow, self.clock)

    @cached_property
    def currencies(self) -> CurrencyService:
        return CurrencyService(self.uow, self.clock)

    @cached_property
    def payments(self) -> Payments:
        return Payments(self.uow, self.currencies.spec, self.clock)

    @cached_property
    def payment_desk(self) -> PaymentDesk:
        """Concurrent payments (the web's threads) batched into shared transactions."""
        return PaymentDesk(self.uow, self.payments, self.clock)

    @cached_property
    def daily(self) -> DailyFlows:
        # PostgreSQL posts a day's batches side by side; SQLite has one writer
        workers = min(4, os.cpu_count() or 1) if self.engine.dialect.name == "postgresql" else 1
        return DailyFlows(self.uow, self.currencies.spec, self.clock, workers=workers)

    @cached_property
    def cashier(self) -> Cashier:
        return Cashier(self.uow, self.currencies.spec, self.clock, self.payments)

    @cached_property
    def exchange(self) -> Exchange:
        return Exchange(self.uow, self.currencies.spec, self.clock, self.payments)

    @cached_property
    def books(self) -> Books:
        from holoptic.ledger.books import Books  # numpy: only for the books

        return Books(self.uow, self.currencies.spec)

    @cached_property
    def signing_keys(self) -> SigningKeys:
        return SigningKeys(self.uow, self.documents, self.clock)

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()


def bootstrap(settings: Settings | None = None, clock: Clock | None = None) -> Services:
    return Services(settings or Settings.from_env(), clock or SystemClock())
