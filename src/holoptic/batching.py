"""Group commit: requests that arrive together are settled in one transaction.

A web worker serves many people at once. Given a transaction each, concurrent requests
spend their time opening transactions, committing and waiting for locks. ``GroupCommit``
batches them, as TigerBeetle batches its clients' requests: the first caller to find it
idle becomes the leader, takes everything queued (up to ``most``) and hands it to
``settle``, which answers each request on its own, usually in one transaction. When the
batch is settled, the next waiting caller leads the next one. While callers overlap (the
last batch held several), a leader first yields the processor once (78 µs), so that the
callers just answered can queue their next requests: 8 payers in a process then share
batches of 7 instead of 4.5; a lone caller never waits for it. Each caller settles at
most one batch, and no thread of its own is needed. An answer that is an exception is
raised to its caller alone; an exception out of ``settle`` reaches every caller of the
batch.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

Q = TypeVar("Q")
A = TypeVar("A")


@dataclass(eq=False, slots=True)
class _Ticket(Generic[Q, A]):
    """One caller's request in the queue, and where its answer comes back."""

    request: Q
    done: threading.Event = field(default_factory=threading.Event)
    lead: bool = False  # set when this caller is to settle the next batch
    answer: A | BaseException | None = None
    error: BaseException | None = None  # the whole batch failed (the database, a bug)

    def result(self) -> A:
        if self.error is not None:
            raise self.error
        if isinstance(self.answer, BaseException):
            raise self.answer
        assert self.answer is not None, "a ticket is answered before it is released"
        return self.answer


class GroupCommit(Generic[Q, A]):
    """``submit`` answers a request once the batch holding it is settled."""

    def __init__(
        self, settle: Callable[[Sequence[Q]], Sequence[A | BaseException]], most: int
    ) -> None:
        self._settle = settle
        self._most = most
        self._lock = threading.Lock()
        self._queue: list[_Ticket[Q, A]] = []
        self._busy = False
        self._shared = False  # the last batch held several requests: callers overlap
        self.batches = 0  # settled so far, and the requests they held: the gauge
        self.requests = 0

    @property
    def waiting(self) -> int:
        """Requests queued for the next batch (not the one being settled)."""
        with self._lock:
            return len(self._queue)

    def submit(self, request: Q) -> A:
        ticket: _Ticket[Q, A] = _Ticket(request)
        with self._lock:
            self._queue.append(ticket)
            if not self._busy:
                self._busy = ticket.lead = True
        if not ticket.lead:
            ticket.done.wait()  # answered, or promoted to lead the next batch
        if ticket.lead:
            self._lead()
        return ticket.result()

    def _lead(self) -> None:
        if self._shared:  # callers just answered queue their next requests first
            time.sleep(0)
        with self._lock:
            batch = self._queue[: self._most]
            del self._queue[: self._most]
            self.batches += 1
            self.requests += len(batch)
            self._shared = len(batch) > 1
        try:
            answers = self._settle([t.request for t in batch])
            for ticket, answer in zip(batch, answers, strict=True):
                ticket.answer = answer
        except BaseException as error:  # every caller of the batch hears of it
            for ticket in batch:
                ticket.error = error
        finally:
            with self._lock:
                if self._queue:
                    self._queue[0].lead = True
                    self._queue[0].done.set()
                else:
                    self._busy = False
            for ticket in batch:
                ticket.done.set()
