"""Crossings: a member pays from currency A across A's exchange link into currency B.

The member's whole amount goes into A's link account ``A:exchange:B``, and the link's fee
(``fee_of``, rounded down) goes from there to A's treasury: both in A, one linked chain.

- When B is a Holoptic currency, B's link account ``B:exchange:A`` pays the payee in B
  ``convert(amount − fee)``: × the rate, scaled to B's decimals, rounded **down** (the
  payee never gets a fraction that did not cross). Both chains are applied in memory with
  each currency's rules (B's categories and perimeter apply to the payee) and saved in the
  same database transaction, or neither is. Currencies are locked in code order, so two
  crossings in opposite directions queue instead of deadlocking.
- Otherwise (``EUR``) the crossing is a cash-out: the community pays the member
  ``convert(amount − fee)`` euros outside the ledger.

The payee in A is an exchange account, never a member, so A's perimeter does not apply.
The link's ``daily_cap`` bounds what its account was credited on the UTC day, this
crossing included; past it the crossing is refused with ``exchange_daily_cap_exceeded``.
The ids are the order's (the chain in A), ``<id>:fee`` and ``<id>:<B>`` (the leg in B).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from fractions import Fraction
from math import floor

from holoptic.currency.flows import fee_of
from holoptic.currency.model import CurrencySpec, ExchangeLink
from holoptic.errors import InvalidInput
from holoptic.ledger.accounts import account_id, exchange_account, holder_account, system_accounts
from holoptic.ledger.amounts import format_amount
from holoptic.ledger.cashier import MAX_ID, Desk, Receipt, chain, outcome
from holoptic.ledger.model import AccountKind, Refusal, Transfer
from holoptic.ledger.orders import PaymentOrder
from holoptic.ledger.payments import Prepared, retried, verify_in
from holoptic.ledger.ports import LedgerUnitOfWork
from holoptic.trace.canonical import canonical

OUTSIDE_DECIMALS = 2  # a currency that is not in the ledger (the euro) counts cents


@dataclass(frozen=True, slots=True)
class CrossingOrder(PaymentOrder):
    """A member's order to pay ``amount`` of ``currency`` across its link into
    ``to_currency`` (``payee`` is a member of ``to_currency``; empty for a cash-out)."""

    to_currency: str

    def message(self) -> bytes:
        return canonical(
            {
                "type": "holoptic.crossing-order/v1",
                "id": self.id,
                "currency": self.currency,
                "to_currency": self.to_currency,
                "payer": self.payer,
                "payee": self.payee,
                "amount": self.amount,
                "category": self.category,
                "issued_at": self.issued_at.isoformat(timespec="microseconds"),
            }
        )


def convert(amount: int, rate: Fraction, from_decimals: int, to_decimals: int) -> int:
    """``amount`` minor units of one currency in the other's minor units, rounded down."""
    return floor(amount * rate * Fraction(10) ** (to_decimals - from_decimals))


def departure(spec: CurrencySpec, link: ExchangeLink, order: CrossingOrder) -> list[Transfer]:
    """The chain in A: the member pays the link account, the link pays the fee."""
    code, door = spec.code, account_id(spec.code, AccountKind.EXCHANGE, link.to)
    payer = account_id(code, AccountKind.MEMBER, order.payer)
    legs = [Transfer(order.id, code, payer, door, order.amount, order.category)]
    if fee := fee_of(order.amount, link.fee_bp):
        treasury = account_id(code, AccountKind.TREASURY)
        legs.append(Transfer(f"{order.id}:fee", code, door, treasury, fee, "exchange_fee"))
    return chain(legs)


def arrival(target: CurrencySpec, source: str, order: CrossingOrder, amount: int) -> Transfer:
    """The leg in B: B's account for the link to A pays the payee."""
    door = account_id(target.code, AccountKind.EXCHANGE, source)
    payee = account_id(target.code, AccountKind.MEMBER, order.payee)
    return Transfer(f"{order.id}:{target.code}", target.code, door, payee, amount, order.category)


class Exchange(Desk):
    def cross(self, order: CrossingOrder, signature: bytes) -> Receipt:
        """Verify the member's signed order, then cross (both currencies, or neither)."""
        spec = self._specs(order.currency)
        if len(order.id) > MAX_ID:
            raise InvalidInput(f"a transfer id has at most {MAX_ID} characters")

        def work(uow: LedgerUnitOfWork) -> Receipt:
            now = self._clock.now()
            verify_in(uow, order, signature, now)
            return self._cross(uow, spec, order, signature, now)

        return retried(self._uow, work)

    def _cross(
        self,
        uow: LedgerUnitOfWork,
        spec: CurrencySpec,
        order: CrossingOrder,
        signature: bytes,
        now: datetime,
    ) -> Receipt:
        link = next((x for x in spec.exchange if x.to == order.to_currency), None)
        if link is None:
            why = f"{spec.code} has no exchange link to {order.to_currency}"
            return Receipt(order.id, Refusal.NO_EXCHANGE_LINK, why)
        target = self._specs(link.to) if uow.ledger.currency(link.to) is not None else None
        if target is not None and not order.payee:
            raise InvalidInput(f"a crossing into {target.code} names the member it pays")
        received, amounts = _quote(spec, link, target, order.amount)
        if received <= 0:
            return Receipt(order.id, Refusal.AMOUNT, "too small to cross", None, amounts)
        sides = _sides(uow, spec, link, target, order, received, now)
        prepared = {
            s.code: self._payments.prepare(uow, s, legs, now)
            for s, legs in sorted(sides, key=lambda side: side[0].code)  # the lock order
        }
        refusal, detail = outcome([r for s, _ in sides for r in prepared[s.code].results])
        if refusal is None and link.daily_cap is not None:
            refusal, detail = _over_cap(uow, spec, link, order.amount, now)
        if refusal is None:  # both currencies, in this transaction
            for code, done in prepared.items():
                if done.changes is not None:
                    signatures = {order.id: signature} if code == spec.code else None
                    uow.ledger.save(done.changes, signatures)
        balance = _balance(uow, spec, order.payer, prepared[spec.code], refusal)
        return Receipt(order.id, refusal, detail, balance, amounts)


def _quote(
    spec: CurrencySpec, link: ExchangeLink, target: CurrencySpec | None, amount: int
) -> tuple[int, dict[str, str]]:
    """What the payee receives (in B's minor units), and the receipt's amounts."""
    fee = fee_of(amount, link.fee_bp)
    decimals = target.decimals if target else OUTSIDE_DECIMALS
    received = convert(amount - fee, link.rate, spec.decimals, decimals)
    return received, {
        "amount": format_amount(amount, spec.decimals),
        "fee": format_amount(fee, spec.decimals),
        "to_currency": link.to,
        "received": format_amount(received, decimals),
    }


def _sides(
    uow: LedgerUnitOfWork,
    spec: CurrencySpec,
    link: ExchangeLink,
    target: CurrencySpec | None,
    order: CrossingOrder,
    received: int,
    now: datetime,
) -> list[tuple[CurrencySpec, list[Transfer]]]:
    """Each currency's batch, with the accounts it needs opened (first use)."""
    payer = holder_account(spec, AccountKind.MEMBER, order.payer, now)
    uow.ledger.open_accounts([*system_accounts(spec, now), payer])
    sides = [(spec, departure(spec, link, order))]
    if target is not None:
        payee = holder_account(target, AccountKind.MEMBER, order.payee, now)
        uow.ledger.open_accounts([exchange_account(target.code, spec.code, now), payee])
        sides.append((target, [arrival(target, spec.code, order, received)]))
    return sides


def _over_cap(
    uow: LedgerUnitOfWork, spec: CurrencySpec, link: ExchangeLink, amount: int, now: datetime
) -> tuple[Refusal | None, str | None]:
    """The daily cap, read once the link's account is locked (so crossings queue)."""
    assert link.daily_cap is not None
    day = datetime.combine(now.astimezone(UTC).date(), time.min, tzinfo=UTC)
    door = account_id(spec.code, AccountKind.EXCHANGE, link.to)
    crossed = uow.ledger.credited_between(door, day, day + timedelta(days=1))
    if crossed + amount <= link.daily_cap:
        return None, None
    cap = format_amount(link.daily_cap, spec.decimals)
    done = format_amount(crossed, spec.decimals)
    detail = f"the link {spec.code}→{link.to} lets {cap} cross a day; {done} crossed today"
    return Refusal.EXCHANGE_CAP, detail


def _balance(
    uow: LedgerUnitOfWork,
    spec: CurrencySpec,
    member: str,
    prepared: Prepared,
    refusal: Refusal | None,
) -> str:
    """The payer's balance as the transaction leaves it."""
    holder = account_id(spec.code, AccountKind.MEMBER, member)
    if refusal is None or refusal is Refusal.EXISTS:
        posted = prepared.book.balance(holder)
    else:
        stored = uow.ledger.state([holder], []).balances.get(holder)
        posted = stored.posted if stored else 0
    return format_amount(posted, spec.decimals)
