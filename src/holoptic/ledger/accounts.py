"""Account ids and the accounts a currency's spec gives each kind of holder."""

from __future__ import annotations

from datetime import datetime

from holoptic.currency.model import CurrencySpec, IssuanceKind, MutualCredit
from holoptic.ledger.model import Account, AccountKind

EURO = "EUR"  # the currency a euro-backed money is bought with and redeemed for
SYSTEM_KINDS = (
    AccountKind.ISSUANCE,
    AccountKind.TREASURY,
    AccountKind.DEMURRAGE,
    AccountKind.RESERVE,
)


def account_id(code: str, kind: AccountKind, owner: str | None = None) -> str:
    return holder_prefix(code, kind) + owner if owner else f"{code}:{kind.value}"


def holder_prefix(code: str, kind: AccountKind) -> str:
    """What every holder account id of ``kind`` in ``code`` starts with: the owner follows."""
    return f"{code}:{kind.value}:"


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
    except exchange links, which hold the other side of crossings. A euro-backed
    currency also has its euro desk, ``CODE:exchange:EUR`` (docs/ledger.md)."""
    accounts = []
    for kind in SYSTEM_KINDS:
        if kind is AccountKind.RESERVE and spec.issuance_kind is not IssuanceKind.EURO_BACKED:
            continue
        lower = None if kind is AccountKind.ISSUANCE else 0
        accounts.append(
            Account(account_id(spec.code, kind), spec.code, kind, None, lower, None, None, at)
        )
    links = [link.to for link in spec.exchange]
    if spec.issuance_kind is IssuanceKind.EURO_BACKED:
        links.append(EURO)
    accounts.extend(exchange_account(spec.code, to, at) for to in links)
    return accounts


def exchange_account(code: str, to: str, at: datetime | None) -> Account:
    """The account that holds ``code``'s side of the crossings to and from ``to``: no
    floor, since money comes out of it as well as in."""
    return Account(
        account_id(code, AccountKind.EXCHANGE, to),
        code,
        AccountKind.EXCHANGE,
        to,
        None,
        None,
        None,
        at,
    )


def is_holder(code: str, account: str) -> bool:
    """Whether an account id is a member's or a consumer's in ``code`` (before loading)."""
    return account.startswith((f"{code}:member:", f"{code}:consumer:"))
