"""The reserve rule of a euro-backed currency, on every transfer and after every batch.

The reserve account counts the euros held, in the currency's minor units at par, and must
cover ``reserve_ratio`` × what is redeemable: the positive balances of the members' and
consumers' accounts. A batch sees only the accounts it names, so storage sums the
redeemable balances of the others (``LedgerRepository.redeemable``) and ``Coverage``
follows the batch's own accounts as the engine applies it. A transfer is refused with
``Refusal.RESERVE`` when it would leave the reserve short *and* make it shorter: a reserve
broken outside the ledger does not stop the payments that do not touch it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from fractions import Fraction

from holoptic.currency.model import BP, CurrencySpec, EuroBacked
from holoptic.ledger.accounts import account_id, is_holder
from holoptic.ledger.book import Book
from holoptic.ledger.invariants import ReserveRule, Violation, check_reserve_batch
from holoptic.ledger.model import Account, AccountKind, Balance, Refusal, Transfer


def reserve_rule(
    spec: CurrencySpec, redeemable: Collection[str], others: int = 0
) -> ReserveRule | None:
    """The spec's reserve rule over the ``redeemable`` accounts; None if not euro-backed."""
    if not isinstance(spec.issuance, EuroBacked):
        return None
    ratio = Fraction(spec.issuance.reserve_ratio_bp, BP)
    reserve = account_id(spec.code, AccountKind.RESERVE)
    return ReserveRule(reserve, tuple(sorted(redeemable)), ratio, others)


def rules_for(spec: CurrencySpec, accounts: Collection[Account]) -> list[ReserveRule]:
    """The reserve rules ``holoptic ledger check`` holds a whole currency to."""
    holders = [a.id for a in accounts if not a.kind.system]
    rule = reserve_rule(spec, holders)
    return [rule] if rule is not None else []


def needs_coverage(spec: CurrencySpec, accounts: Collection[str]) -> bool:
    """Whether a batch on these accounts can move the reserve or what is redeemable.
    Holders of a euro-backed money cannot go below zero, so payments between them
    leave Σ positive balances as it is: only a system account can change it."""
    return isinstance(spec.issuance, EuroBacked) and not all(
        is_holder(spec.code, a) for a in accounts
    )


class Coverage:
    """One batch's view of the reserve rule, from the book it is applied to."""

    def __init__(self, rule: ReserveRule, book: Book) -> None:
        self.rule = rule
        self.before = self._balances(book)

    @classmethod
    def of(cls, spec: CurrencySpec, book: Book, redeemable: int) -> Coverage | None:
        """``redeemable`` is storage's Σ positive holder balances before the batch."""
        holders = [a.id for a in book.accounts.values() if not a.kind.system]
        listed = sum(max(book.balance(a), 0) for a in holders)
        rule = reserve_rule(spec, holders, redeemable - listed)
        if rule is None or rule.reserve not in book.accounts:
            return None
        return cls(rule, book)

    def refusal(self, t: Transfer, book: Book) -> Refusal | None:
        """``Refusal.RESERVE`` if ``t`` would leave the reserve shorter than it is, and
        short (the engine calls this before the transfer's effect)."""
        moved = t.posted_amount
        if not moved:
            return None
        now = {a: b.posted for a, b in self._balances(book).items()}
        after = dict(now)
        if t.debit in after:
            after[t.debit] -= moved
        if t.credit in after:
            after[t.credit] += moved
        lacking = self.rule.shortfall(_get(after))
        return Refusal.RESERVE if lacking > 0 and lacking > self.rule.shortfall(_get(now)) else None

    def violations(self, book: Book) -> list[Violation]:
        """The batch's share of the invariant, once the book holds its effects."""
        return check_reserve_batch(self.rule, self.before, self._balances(book))

    def _balances(self, book: Book) -> dict[str, Balance]:
        return {a: book.balance_of(a) for a in (*self.rule.redeemable, self.rule.reserve)}


def _get(posted: dict[str, int]) -> Callable[[str], int]:
    return lambda account: posted.get(account, 0)
