"""The cashier of a euro-backed currency: purchases and redemptions, in double entry.

The reserve account counts the euros held, in the currency's minor units at par (one unit
is one euro), and the euro desk ``CODE:exchange:EUR`` is their other side, the euro world:
its balance is minus the euros the reserve took in, net. So every chain balances and
Σ balances stays 0 in the currency.

- A **purchase** of N (a steward records that the member paid N euros; no member
  signature): ``exchange:EUR → reserve`` N, then ``issuance → member`` N.
- A **redemption** of N (the member's signed order): ``member → issuance`` N − fee (those
  units leave circulation), ``member → treasury`` the fee (units the community keeps,
  still backed by the euros that stay in the reserve), ``reserve → exchange:EUR`` N − fee
  (the euros paid to the member). The fee is ``fee_of`` (rounded down).

Each is one linked chain whose first transfer carries the client's id (the others add
``:issue``, ``:fee``, ``:payout``): replaying it answers ``already_applied``, the same id with
other fields is refused, and a refused link keeps the whole chain out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from holoptic.clock import Clock
from holoptic.currency.flows import fee_of
from holoptic.currency.model import CurrencySpec, EuroBacked
from holoptic.errors import InvalidInput
from holoptic.ledger.accounts import EURO, account_id, holder_account, system_accounts
from holoptic.ledger.amounts import format_amount
from holoptic.ledger.model import AccountKind, Refusal, Result, Transfer
from holoptic.ledger.orders import PaymentOrder
from holoptic.ledger.payments import Payments, retried, verify_in
from holoptic.ledger.ports import LedgerUnitOfWork, LedgerUnitOfWorkFactory
from holoptic.trace.canonical import canonical

MAX_ID = 100  # the legs add a suffix to the client's id; stored ids hold 128 characters


class NotEuroBacked(InvalidInput):
    code = "ledger.not_euro_backed"


@dataclass(frozen=True, slots=True)
class RedemptionOrder(PaymentOrder):
    """A member's order to turn units back into euros (``payee`` and ``category`` unused).
    Its own type tag keeps a payment's signature from passing for a redemption."""

    @classmethod
    def of(cls, id: str, currency: str, member: str, amount: int, at: datetime) -> RedemptionOrder:
        return cls(id, currency, member, "", amount, None, at)

    def message(self) -> bytes:
        return canonical(
            {
                "type": "holoptic.redemption-order/v1",
                "id": self.id,
                "currency": self.currency,
                "member": self.payer,
                "amount": self.amount,
                "issued_at": self.issued_at.isoformat(timespec="microseconds"),
            }
        )


@dataclass(frozen=True, slots=True)
class Receipt:
    """The answer to a cashier's or exchange order: applied, already applied, or refused
    (and why), with the member's balance after it and what moved, in major units."""

    id: str
    refusal: Refusal | None
    detail: str | None
    balance: str | None = None
    amounts: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.refusal is None or self.refusal is Refusal.EXISTS

    @property
    def status(self) -> str:
        if self.refusal is None:
            return "applied"
        return "already_applied" if self.refusal is Refusal.EXISTS else "refused"

    def document(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "refusal": self.refusal.value if self.refusal else None,
            "detail": self.detail,
            "balance": self.balance,
            **self.amounts,
        }


def outcome(results: Sequence[Result]) -> tuple[Refusal | None, str | None]:
    """One answer for a chain: the refusal of the link that failed, ``EXISTS`` when every
    link was already applied, None when it applied."""
    for result in results:
        if not result.ok and result.refusal not in (Refusal.LINKED_FAILED, Refusal.LINKED_OPEN):
            return result.refusal, result.detail
    if results and all(r.refusal is Refusal.EXISTS for r in results):
        return Refusal.EXISTS, None
    return None, None


def chain(legs: Sequence[Transfer]) -> list[Transfer]:
    """Link every leg to the next: the last one closes the chain."""
    return [replace(t, linked=n < len(legs) - 1) for n, t in enumerate(legs)]


def purchase(spec: CurrencySpec, member: str, amount: int, transfer_id: str) -> list[Transfer]:
    code = spec.code
    desk, reserve = account_id(code, AccountKind.EXCHANGE, EURO), _reserve(code)
    holder = account_id(code, AccountKind.MEMBER, member)
    issuance = account_id(code, AccountKind.ISSUANCE)
    return chain(
        [
            Transfer(transfer_id, code, desk, reserve, amount, "purchase", memo="euros received"),
            Transfer(f"{transfer_id}:issue", code, issuance, holder, amount, "purchase"),
        ]
    )


def redemption(
    spec: CurrencySpec, member: str, amount: int, transfer_id: str
) -> tuple[list[Transfer], int]:
    """The chain of a redemption of ``amount`` and its fee."""
    code = spec.code
    fee = fee_of(amount, _backing(spec).redemption_fee_bp)
    holder = account_id(code, AccountKind.MEMBER, member)
    issuance, treasury = account_id(code, AccountKind.ISSUANCE), _treasury(code)
    desk = account_id(code, AccountKind.EXCHANGE, EURO)
    legs = [Transfer(transfer_id, code, holder, issuance, amount - fee, "redemption")]
    if fee:
        legs.append(Transfer(f"{transfer_id}:fee", code, holder, treasury, fee, "redemption_fee"))
    legs.append(
        Transfer(f"{transfer_id}:payout", code, _reserve(code), desk, amount - fee, "redemption")
    )
    return chain(legs), fee


class Desk:
    """What the cashier and the exchange share: storage, specs, the clock, and the
    payments service whose ``prepare`` applies their chains with the currency's rules."""

    def __init__(
        self,
        uow: LedgerUnitOfWorkFactory,
        specs: Callable[[str], CurrencySpec],
        clock: Clock,
        payments: Payments,
    ) -> None:
        self._uow = uow
        self._specs = specs
        self._clock = clock
        self._payments = payments


class Cashier(Desk):
    def buy(self, code: str, member: str, amount: int, transfer_id: str) -> Receipt:
        """Record that ``member`` paid ``amount`` euros (minor units): as many units are
        issued to them. A steward's record: no member signature."""
        spec = self._spec(code, transfer_id)
        legs = purchase(spec, member, amount, transfer_id)
        money = format_amount(amount, spec.decimals)
        return self._run(spec, member, legs, None, {"amount": money, "euros_received": money})

    def redeem(self, order: RedemptionOrder, signature: bytes) -> Receipt:
        """Verify the member's signed order, then redeem: burn, fee, euros paid out."""
        spec = self._spec(order.currency, order.id)
        legs, fee = redemption(spec, order.payer, order.amount, order.id)
        amounts = {
            "amount": format_amount(order.amount, spec.decimals),
            "fee": format_amount(fee, spec.decimals),
            "euros_paid": format_amount(order.amount - fee, spec.decimals),
        }

        def verify(uow: LedgerUnitOfWork, now: datetime) -> None:
            verify_in(uow, order, signature, now)

        return self._run(spec, order.payer, legs, verify, amounts)

    def _spec(self, code: str, transfer_id: str) -> CurrencySpec:
        spec = self._specs(code)
        _backing(spec)
        if len(transfer_id) > MAX_ID:
            raise InvalidInput(f"a transfer id has at most {MAX_ID} characters")
        return spec

    def _run(
        self,
        spec: CurrencySpec,
        member: str,
        legs: list[Transfer],
        verify: Callable[[LedgerUnitOfWork, datetime], None] | None,
        amounts: dict[str, str],
    ) -> Receipt:

        def work(uow: LedgerUnitOfWork) -> Receipt:
            now = self._clock.now()
            if verify is not None:
                verify(uow, now)
            holder = holder_account(spec, AccountKind.MEMBER, member, now)
            uow.ledger.open_accounts([*system_accounts(spec, now), holder])
            results, book = self._payments.apply_in(uow, spec, legs, now)
            refusal, detail = outcome(results)
            amounts["reserve"] = format_amount(book.balance(_reserve(spec.code)), spec.decimals)
            balance = format_amount(book.balance(holder.id), spec.decimals)
            return Receipt(legs[0].id, refusal, detail, balance, amounts)

        return retried(self._uow, work)


def _backing(spec: CurrencySpec) -> EuroBacked:
    if not isinstance(spec.issuance, EuroBacked):
        raise NotEuroBacked(
            f"{spec.code} is not bought with euros: its issuance is {spec.issuance_kind.value}",
            code=spec.code,
        )
    return spec.issuance


def _reserve(code: str) -> str:
    return account_id(code, AccountKind.RESERVE)


def _treasury(code: str) -> str:
    return account_id(code, AccountKind.TREASURY)
