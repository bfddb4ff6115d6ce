"""GroupCommit: concurrent callers share batches, each gets its own answer."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest

from holoptic.batching import GroupCommit


class _Settler:
    """Doubles each request; a negative one is its caller's ValueError; 13 fails the
    batch. The first batch waits until ``hold`` is set, so callers pile up behind it."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.hold = threading.Event()
        self.hold.set()

    def __call__(self, requests: Sequence[int]) -> list[int | BaseException]:
        self.hold.wait(timeout=30)
        self.batches.append(list(requests))
        if 13 in requests:
            raise RuntimeError("the database went away")
        return [ValueError(f"{r} is negative") if r < 0 else 2 * r for r in requests]


def test_a_lone_caller_gets_its_answer_or_its_error() -> None:
    settler = _Settler()
    group: GroupCommit[int, int] = GroupCommit(settler, most=8)
    assert group.submit(21) == 42
    with pytest.raises(ValueError, match="-1 is negative"):
        group.submit(-1)
    assert settler.batches == [[21], [-1]] and group.waiting == 0


def test_callers_waiting_behind_a_batch_share_the_next_and_keep_their_answers() -> None:
    settler = _Settler()
    settler.hold.clear()
    group: GroupCommit[int, int] = GroupCommit(settler, most=4)
    answers: dict[int, int | str] = {}

    def call(n: int) -> None:
        try:
            answers[n] = group.submit(n)
        except ValueError as error:
            answers[n] = str(error)

    first = threading.Thread(target=call, args=(0,))
    first.start()
    while group.requests == 0:  # the first caller leads, and waits in settle
        threading.Event().wait(0.001)
    others = [threading.Thread(target=call, args=(n,)) for n in (1, -2, 3, 4, 5)]
    for thread in others:
        thread.start()
    while group.waiting < 5:
        threading.Event().wait(0.001)
    settler.hold.set()
    for thread in [first, *others]:
        thread.join(timeout=30)
    assert answers == {0: 0, 1: 2, -2: "-2 is negative", 3: 6, 4: 8, 5: 10}
    first_batch, *rest = settler.batches
    assert first_batch == [0]
    assert [len(batch) for batch in rest] == [4, 1]  # five queued: at most 4 at a time
    assert sorted(n for batch in rest for n in batch) == [-2, 1, 3, 4, 5]


def test_a_failed_batch_reaches_each_of_its_callers_and_the_next_batch_runs() -> None:
    settler = _Settler()
    group: GroupCommit[int, int] = GroupCommit(settler, most=8)
    with pytest.raises(RuntimeError, match="went away"):
        group.submit(13)
    assert group.waiting == 0
    assert group.submit(7) == 14  # the group is not stuck
