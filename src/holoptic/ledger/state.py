"""What a book holds and what a batch changes, in the shape storage persists.

``BookState`` is the whole book as rows; ``Changes`` is what one batch (or one expiry
pass) wrote: the new transfers, the final balances of the accounts it touched and the
pendings it created or resolved. Writing ``Changes`` in one database transaction moves the
stored state exactly as ``merge`` does here, which the tests hold the engine to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from holoptic.ledger.model import Account, Balance, Pending, Result, Transfer


@dataclass(frozen=True, slots=True)
class BookState:
    """Everything a book holds, as storage keeps it (balances absent are zero)."""

    accounts: tuple[Account, ...] = ()
    balances: Mapping[str, Balance] = field(default_factory=dict)
    transfers: tuple[Transfer, ...] = ()  # applied, as stored (resolutions filled in)
    pendings: tuple[Pending, ...] = ()
    # where located accounts are (longitude, latitude), for perimeter rules; not part of
    # the book itself (``Book.from_state`` ignores it)
    locations: Mapping[str, tuple[float, float]] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class Changes:
    """Insert ``transfers`` (in order), upsert ``balances`` (by account id, the final
    value after the batch) and ``pendings`` (by transfer id, the final value).

    ``before`` holds the same accounts' balances before the batch: storage may update
    each row only where it still holds that value (compare-and-set), so a batch computed
    on a stale book is detected rather than written over a concurrent one."""

    transfers: tuple[Transfer, ...] = ()
    balances: Mapping[str, Balance] = field(default_factory=dict)
    pendings: tuple[Pending, ...] = ()
    before: Mapping[str, Balance] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.transfers or self.balances or self.pendings)


@dataclass(frozen=True, slots=True)
class Applied:
    """One result per transfer of the batch, in order, and what the batch changed."""

    results: tuple[Result, ...]
    changes: Changes

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)


def merge(state: BookState, changes: Changes) -> BookState:
    """The state after ``changes``: what storage holds once it has written them."""
    pendings = {p.transfer_id: p for p in state.pendings}
    pendings.update((p.transfer_id, p) for p in changes.pendings)
    return BookState(
        accounts=state.accounts,
        balances={**state.balances, **changes.balances},
        transfers=state.transfers + changes.transfers,
        pendings=tuple(pendings.values()),
    )
