"""The ledger's invariants, checked after every batch and by ``holoptic ledger check``.

TigerBeetle keeps its assertions on in production; so do we. ``check`` takes the whole
stored state (every transfer since the start) and answers every violation, each with a
stable code. Σ balances = 0 per currency is the double-entry rule; since the issuance
account's balance is −(issued − burned), it is the same statement as "Σ member and system
balances = issued − burned". Given ``issued``, the issuance accounts are also held to it
(0 for mutual credit: what members owe each other nets out, nothing is issued).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from holoptic.ledger.flows import FlowBatch, FlowKind
from holoptic.ledger.model import Account, AccountKind, Balance, PendingStatus, TransferState
from holoptic.ledger.state import BookState, Changes


class Invariant(StrEnum):
    SUM = "ledger.sum_not_zero"
    PENDING_SUM = "ledger.pending_not_balanced"
    ISSUANCE = "ledger.issuance_mismatch"
    BELOW_LIMIT = "ledger.balance_below_limit"
    ABOVE_LIMIT = "ledger.balance_above_limit"
    UNKNOWN_ACCOUNT = "ledger.unknown_account"
    REPLAY = "ledger.balance_differs_from_transfers"
    RESERVATION = "ledger.reservation_differs_from_pendings"
    RESOLVED_TWICE = "ledger.pending_resolved_twice"
    PENDING_STATUS = "ledger.pending_status_mismatch"
    DUPLICATE = "ledger.transfer_applied_twice"
    RESERVE = "ledger.reserve_insufficient"
    FLOW_UNBALANCED = "ledger.flow_unbalanced"
    FLOW_MISMATCH = "ledger.flow_mismatch"


@dataclass(frozen=True, slots=True)
class Violation:
    code: Invariant
    message: str
    subject: str | None = None  # the currency, account, transfer or flow concerned


@dataclass(frozen=True, slots=True)
class ReserveRule:
    """``reserve``'s balance must cover ``ratio`` × the positive balances of the
    ``redeemable`` accounts (already converted to the reserve's minor units).

    ``others`` is the positive balances of redeemable accounts not listed, summed by
    storage, so one batch can be checked without loading every account."""

    reserve: str
    redeemable: tuple[str, ...]
    ratio: Fraction = Fraction(1)
    others: int = 0

    def shortfall(self, posted: Callable[[str], int]) -> Fraction:
        """What the reserve lacks to cover the rule (zero or less when it is covered)."""
        redeemable = self.others + sum(max(posted(a), 0) for a in self.redeemable)
        return self.ratio * redeemable - posted(self.reserve)


def check(
    state: BookState,
    *,
    issued: Mapping[str, int] | None = None,
    reserves: Sequence[ReserveRule] = (),
    flows: Sequence[FlowBatch] | None = None,
) -> list[Violation]:
    """Every violation in ``state``; an empty list when the ledger is sound.

    ``issued`` maps a currency to its issued − burned (0 for mutual credit); ``reserves``
    and ``flows`` are the coverage rules and the daily flow records to hold it to (with
    ``flows=None`` the flow transfers are not checked).
    """
    return [
        *_conservation(state, issued or {}),
        *_limits(state),
        *_replay(state),
        *_pendings(state),
        *_duplicates(state),
        *_reserves(state, reserves),
        *(_flows(state, flows) if flows is not None else ()),
    ]


def check_changes(changes: Changes, accounts: Mapping[str, Account]) -> list[Violation]:
    """What one batch can break, checked on the batch alone, in O(batch) (cheap enough
    to run on every batch in production): its balance changes sum to zero per currency,
    are what its transfers move, and keep the touched accounts within their limits; no
    id and no pending resolution appears twice in it."""
    touched = tuple(accounts[a] for a in changes.balances if a in accounts)
    deltas = {a: _minus(b, changes.before.get(a, Balance())) for a, b in changes.balances.items()}
    moved: Counter[str] = Counter()
    for t in changes.transfers:
        moved[t.debit] -= t.posted_amount
        moved[t.credit] += t.posted_amount
    found = [
        *_conservation(BookState(touched, deltas), {}),
        *_limits(BookState(touched, changes.balances)),
        *_duplicates(BookState(transfers=changes.transfers)),
    ]
    for account_id in sorted(set(moved) | set(deltas)):
        delta = deltas.get(account_id, Balance()).posted
        if delta != moved[account_id]:
            message = f"changed by {delta}, its transfers move {moved[account_id]}"
            found.append(Violation(Invariant.REPLAY, message, account_id))
    resolved = Counter(t.pending_id for t in changes.transfers if t.pending_id is not None)
    for pending_id, n in sorted(resolved.items()):
        if n > 1:
            found.append(Violation(Invariant.RESOLVED_TWICE, f"resolved {n} times", pending_id))
    return found


def _minus(after: Balance, before: Balance) -> Balance:
    return Balance(
        after.posted - before.posted,
        after.debits_pending - before.debits_pending,
        after.credits_pending - before.credits_pending,
    )


def _conservation(state: BookState, issued: Mapping[str, int]) -> Iterator[Violation]:
    currency = {a.id: a.currency for a in state.accounts}
    posted: Counter[str] = Counter()
    pending: Counter[str] = Counter()
    for account_id, b in state.balances.items():
        if account_id not in currency:
            yield Violation(Invariant.UNKNOWN_ACCOUNT, "a balance has no account", account_id)
            continue
        posted[currency[account_id]] += b.posted
        pending[currency[account_id]] += b.debits_pending - b.credits_pending
    for code in sorted(set(posted) | set(issued)):
        if posted[code]:
            yield Violation(Invariant.SUM, f"Σ balances = {posted[code]}, not 0", code)
        if pending[code]:
            yield Violation(Invariant.PENDING_SUM, "pending debits ≠ pending credits", code)
    for code, amount in sorted(issued.items()):
        outside = -sum(
            state.balances[a.id].posted if a.id in state.balances else 0
            for a in state.accounts
            if a.currency == code and a.kind is AccountKind.ISSUANCE
        )
        if outside != amount:
            message = f"Σ member and system balances = {outside}, issued − burned = {amount}"
            yield Violation(Invariant.ISSUANCE, message, code)


def _limits(state: BookState) -> Iterator[Violation]:
    for account in state.accounts:
        b = state.balances.get(account.id)
        if b is None:
            continue
        if account.lower is not None and b.available < account.lower:
            message = f"available {b.available} below the limit {account.lower}"
            yield Violation(Invariant.BELOW_LIMIT, message, account.id)
        if account.upper is not None and b.posted + b.credits_pending > account.upper:
            message = f"{b.posted} (+{b.credits_pending} pending) above {account.upper}"
            yield Violation(Invariant.ABOVE_LIMIT, message, account.id)


def _replay(state: BookState) -> Iterator[Violation]:
    """Balances must be what the transfers make them, reservations what is still open."""
    posted: Counter[str] = Counter()
    reserved: defaultdict[str, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for t in state.transfers:
        posted[t.debit] -= t.posted_amount
        posted[t.credit] += t.posted_amount
    transfers = {t.id: t for t in state.transfers}
    for p in state.pendings:
        if p.status is PendingStatus.OPEN and (pending := transfers.get(p.transfer_id)):
            debits, credits = reserved[pending.debit]
            reserved[pending.debit] = (debits + pending.amount, credits)
            debits, credits = reserved[pending.credit]
            reserved[pending.credit] = (debits, credits + pending.amount)
    for account_id in sorted(set(posted) | set(reserved) | set(state.balances)):
        b = state.balances.get(account_id, Balance())
        if b.posted != posted[account_id]:
            message = f"balance {b.posted}, transfers make {posted[account_id]}"
            yield Violation(Invariant.REPLAY, message, account_id)
        if (b.debits_pending, b.credits_pending) != reserved[account_id]:
            message = f"reserved {b.debits_pending, b.credits_pending}, open {reserved[account_id]}"
            yield Violation(Invariant.RESERVATION, message, account_id)


def _pendings(state: BookState) -> Iterator[Violation]:
    resolutions = defaultdict(list)
    for t in state.transfers:
        if t.pending_id is not None:
            resolutions[t.pending_id].append(t)
    records = {p.transfer_id: p for p in state.pendings}
    for pending_id, found in sorted(resolutions.items()):
        if len(found) > 1:
            message = f"resolved by {', '.join(t.id for t in found)}"
            yield Violation(Invariant.RESOLVED_TWICE, message, pending_id)
        if pending_id not in records:
            yield Violation(Invariant.PENDING_STATUS, "resolved but never pending", pending_id)
    pending_ids = {t.id for t in state.transfers if t.state is TransferState.PENDING}
    for pending_id in sorted(pending_ids ^ set(records)):
        yield Violation(Invariant.PENDING_STATUS, "a pending without its record", pending_id)
    for p in state.pendings:
        found = resolutions.get(p.transfer_id, [])
        want = [] if p.resolved_by is None else [p.resolved_by]
        settled = p.status in (PendingStatus.POSTED, PendingStatus.VOIDED)
        if (
            [t.id for t in found] != want
            or settled != bool(want)
            or any(t.state.value != p.status.value for t in found)
        ):
            message = f"{p.status.value} by {p.resolved_by}, resolutions {[t.id for t in found]}"
            yield Violation(Invariant.PENDING_STATUS, message, p.transfer_id)


def _duplicates(state: BookState) -> Iterator[Violation]:
    counts = Counter(t.id for t in state.transfers)
    for transfer_id, n in sorted(counts.items()):
        if n > 1:
            yield Violation(Invariant.DUPLICATE, f"applied {n} times", transfer_id)


def check_reserve_batch(
    rule: ReserveRule, before: Mapping[str, Balance], after: Mapping[str, Balance]
) -> list[Violation]:
    """One batch's share of the reserve rule: it may leave the reserve short only if it
    was already short and the batch did not make it worse (a reserve broken outside the
    ledger must not stop the payments that do not touch it)."""
    lacking = rule.shortfall(_posted(after))
    if lacking > 0 and lacking > rule.shortfall(_posted(before)):
        return list(_reserves(BookState(balances=after), [rule]))
    return []


def check_reserves(state: BookState, rules: Iterable[ReserveRule]) -> list[Violation]:
    """The reserve rules alone, over the whole state."""
    return list(_reserves(state, rules))


def _posted(balances: Mapping[str, Balance]) -> Callable[[str], int]:
    def posted(account_id: str) -> int:
        b = balances.get(account_id)
        return b.posted if b else 0

    return posted


def _reserves(state: BookState, rules: Iterable[ReserveRule]) -> Iterator[Violation]:
    posted = _posted(state.balances)
    for rule in rules:
        if rule.shortfall(posted) > 0:
            redeemable = rule.others + sum(max(posted(a), 0) for a in rule.redeemable)
            message = f"{posted(rule.reserve)} held against {rule.ratio} × {redeemable}"
            yield Violation(Invariant.RESERVE, message, rule.reserve)


def _flows(state: BookState, batches: Sequence[FlowBatch]) -> Iterator[Violation]:
    """Each batch's legs sum to its system leg, and per account the flow transfers
    posted (found by category) move exactly what the batches record."""
    expected: Counter[tuple[str, str, str]] = Counter()
    for batch in batches:
        if not batch.balanced:
            subject = f"{batch.kind.value}:{batch.currency}:{batch.day.isoformat()}"
            yield Violation(Invariant.FLOW_UNBALANCED, "Σ legs ≠ the system leg", subject)
        sign = -1 if batch.kind is FlowKind.DEMURRAGE else 1
        for account_id, amount in batch.legs.items():
            expected[batch.currency, batch.kind.value, account_id] += sign * amount
        expected[batch.currency, batch.kind.value, batch.system] -= sign * batch.system_leg
    actual: Counter[tuple[str, str, str]] = Counter()
    kinds = {k.value for k in FlowKind}
    for t in state.transfers:
        if t.category in kinds and t.posted_amount:
            actual[t.currency, t.category, t.debit] -= t.posted_amount
            actual[t.currency, t.category, t.credit] += t.posted_amount
    for key in sorted(set(expected) | set(actual)):
        if expected[key] != actual[key]:
            message = f"{key[1]} in {key[0]}: recorded {expected[key]}, posted {actual[key]}"
            yield Violation(Invariant.FLOW_MISMATCH, message, key[2])
