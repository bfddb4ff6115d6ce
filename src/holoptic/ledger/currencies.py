"""Create currencies from their TOML spec, record new versions, read them back.

A spec is never edited: a change is a new version that must follow the previous one
(``check_successor``); every version is kept as written. Creating a currency opens its
system accounts and, for a fixed supply, issues the supply in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from holoptic.clock import Clock
from holoptic.currency.model import CurrencySpec, FixedSupply
from holoptic.currency.toml import dump_spec, parse_spec
from holoptic.errors import Conflict, NotFound
from holoptic.ledger.accounts import account_id, holder_account, system_accounts
from holoptic.ledger.book import Book
from holoptic.ledger.model import AccountKind, Transfer
from holoptic.ledger.ports import CurrencyRow, LedgerUnitOfWork, LedgerUnitOfWorkFactory
from holoptic.vault.errors import CommunityNotFound


class CurrencyNotFound(NotFound):
    code = "currency.not_found"


class CurrencyExists(Conflict):
    code = "currency.exists"


@lru_cache(maxsize=64)
def _parsed(text: str) -> CurrencySpec:
    return parse_spec(text)


class CurrencyService:
    def __init__(self, uow: LedgerUnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def create(self, text: str) -> CurrencySpec:
        """Parse, validate and create a currency (all or nothing)."""
        spec = parse_spec(text)
        now = self._clock.now()
        with self._uow(write=True) as uow:
            community = uow.vault.get_community_by_slug(spec.community)
            if community is None:
                raise CommunityNotFound(f"no community {spec.community!r}")
            if uow.ledger.currency(spec.code) is not None:
                raise CurrencyExists(f"currency {spec.code} exists: give a new version instead")
            row = CurrencyRow(spec.code, community.id, spec.name, spec.decimals, spec.version, now)
            uow.ledger.add_currency(row, dump_spec(spec), spec.effective_from)
            uow.ledger.open_accounts(system_accounts(spec, now))
            if isinstance(spec.issuance, FixedSupply):
                _issue_supply(uow, spec, spec.issuance, now)
        return spec

    def revise(self, text: str) -> CurrencySpec:
        """Record a new version of an existing currency's spec."""
        with self._uow(write=True) as uow:
            row = _row(uow, _code_of(text))
            previous = self._spec_in(uow, row.code)
            spec = parse_spec(text, previous=previous)
            now = self._clock.now()
            uow.ledger.add_spec(spec.code, spec.version, spec.effective_from, dump_spec(spec), now)
            uow.ledger.open_accounts(system_accounts(spec, now))
        return spec

    def spec(self, code: str) -> CurrencySpec:
        with self._uow() as uow:
            return self._spec_in(uow, code)

    def _spec_in(self, uow: LedgerUnitOfWork, code: str) -> CurrencySpec:
        return spec_in(uow, code)

    def toml(self, code: str) -> str:
        with self._uow() as uow:
            found = uow.ledger.spec(code)
        if found is None:
            raise CurrencyNotFound(f"no currency {code!r}", code=code)
        return found[1]

    def list(self) -> list[CurrencyRow]:
        with self._uow() as uow:
            return uow.ledger.currencies()

    def document(self, code: str) -> dict[str, Any]:
        """What ``holoptic currency show --json`` prints."""
        spec = self.spec(code)
        with self._uow() as uow:
            accounts = uow.ledger.accounts(code)
            mass = uow.ledger.state([account_id(code, AccountKind.ISSUANCE)], [])
        issued = -sum(b.posted for b in mass.balances.values())
        return {
            "code": spec.code,
            "name": spec.name,
            "decimals": spec.decimals,
            "version": spec.version,
            "effective_from": spec.effective_from.isoformat(),
            "community": spec.community,
            "issuance": spec.issuance_kind.value,
            "demurrage": None
            if spec.demurrage is None
            else {
                "rate_bp": spec.demurrage.rate_bp,
                "period_days": spec.demurrage.period_days,
                "exempt_base": spec.demurrage.exempt_base,
                "grace_days": spec.demurrage.grace_days,
            },
            "perimeter": [z.name for z in spec.perimeter.zones] if spec.perimeter else [],
            "refused_categories": list(spec.refused_categories),
            "exchange": [
                {
                    "to": link.to,
                    "rate": str(link.rate),
                    "daily_cap": link.daily_cap,
                    "fee_bp": link.fee_bp,
                }
                for link in spec.exchange
            ],
            "accounts": len(accounts),
            "issued": issued,
            "spec": dump_spec(spec),
        }


def _code_of(text: str) -> str:
    return parse_spec(text).code  # a broken spec raises here, with every problem


def _row(uow: LedgerUnitOfWork, code: str) -> CurrencyRow:
    row = uow.ledger.currency(code)
    if row is None:
        raise CurrencyNotFound(f"no currency {code!r}", code=code)
    return row


def _issue_supply(uow: LedgerUnitOfWork, spec: CurrencySpec, supply: FixedSupply, now: Any) -> None:
    target = account_id(spec.code, AccountKind.TREASURY)
    if supply.to != "treasury":
        member = holder_account(spec, AccountKind.MEMBER, supply.to, now)
        uow.ledger.open_accounts([member])
        target = member.id
    issuance = account_id(spec.code, AccountKind.ISSUANCE)
    state = uow.ledger.state([issuance, target], [])
    book = Book.from_state(state)
    transfer = Transfer(f"issue:{spec.code}", spec.code, issuance, target, supply.total, "issuance")
    applied = book.apply([transfer], now)
    uow.ledger.save(applied.changes)


SpecLoader = Callable[[str], CurrencySpec]


def spec_in(uow: LedgerUnitOfWork, code: str) -> CurrencySpec:
    """The currency's latest spec, read in the caller's transaction (parsed once per text)."""
    found = uow.ledger.spec(code)
    if found is None:
        raise CurrencyNotFound(f"no currency {code!r}", code=code)
    return _parsed(found[1])
