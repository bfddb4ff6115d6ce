"""Account ids and the accounts a currency's spec gives each kind of holder."""

from __future__ import annotations

from datetime import datetime

from holoptic.currency.model import CurrencySpec, IssuanceKind, MutualCredit
from holoptic.ledger.model import Account, AccountKind

SYSTEM_KINDS = (
    AccountKind.ISSUANCE,
    AccountKind.TREASURY,
    AccountKind.DEMURRAGE,
    AccountKind.RESERVE,
)


def account_id(code: str, kind: AccountKind, owner: str | None = None) -> str:
    return f"{code}:{kind.value}:{owner}" if owner else f"{code}:{kind.value}"


def holder_account(spec: CurrencySpec, kind: AccountKind, owner: str, at: datetime) -> Account:
    """A member's or consumer's account with the spec's default limits."""
    lower, soft = 0, None
    if isinstance(spec.issuance, MutualCredit):
        limit = spec.issuance.limit_for(kind.value)
        lower, soft = -limit.hard, -limit.soft
    return Account(
        account_id(spec.code, kind, owner), spec.code, kind, owner, lower, soft, None, at
    )


def system_accounts(spec: CurrencySpec, at: datetime) -> list[Account]:
    """Issuance may go below zero (it is minus what was issued); the others may not,
    except exchange links, which hold the other side of crossings."""
    accounts = []
    for kind in SYSTEM_KINDS:
        if kind is AccountKind.RESERVE and spec.issuance_kind is not IssuanceKind.EURO_BACKED:
            continue
        lower = None if kind is AccountKind.ISSUANCE else 0
        accounts.append(
            Account(account_id(spec.code, kind), spec.code, kind, None, lower, None, None, at)
        )
    for link in spec.exchange:
        accounts.append(
            Account(
                account_id(spec.code, AccountKind.EXCHANGE, link.to),
                spec.code,
                AccountKind.EXCHANGE,
                link.to,
                None,
                None,
                None,
                at,
            )
        )
    return accounts
