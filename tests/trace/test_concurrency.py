"""Concurrent appenders never share an index or fork the tree (SQLite and PostgreSQL).

Each thread works through its own connection: on PostgreSQL these are separate server
sessions queueing on the state row's lock; on SQLite, writers queue on the database's
write lock (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

from holoptic.bootstrap import Services
from holoptic.trace import merkle
from holoptic.trace.checkpoint import verify_checkpoint
from holoptic.trace.log import UsageLog

THREADS = 4
APPENDS = 15


def run_all(workers: list[Callable[[], None]]) -> None:
    errors: list[BaseException] = []

    def guarded(work: Callable[[], None]) -> None:
        try:
            work()
        except BaseException as error:  # surfaced below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors


def test_concurrent_appends_keep_one_leaf_per_index(services: Services, log: UsageLog) -> None:
    def own_transactions(worker: int) -> Callable[[], None]:
        def work() -> None:
            for n in range(APPENDS):
                log.append({"use_id": f"w{worker}-{n}", "n": n})

        return work

    def callers_transaction(worker: int) -> Callable[[], None]:
        def work() -> None:  # the gate's shape: read, then append in the same transaction
            for n in range(APPENDS):
                with services.uow(write=True) as uow:
                    uow.trace.state()
                    log.append_in(uow.trace, {"use_id": f"c{worker}-{n}", "n": n})

        return work

    def publisher() -> None:
        for _ in range(APPENDS):
            log.checkpoint()

    workers = [own_transactions(w) for w in range(THREADS)]
    workers += [callers_transaction(w) for w in range(2)]
    run_all([*workers, publisher])

    total = (THREADS + 2) * APPENDS
    leaves = [leaf for start in range(0, total, 50) for leaf in log.leaves(start, start + 50)]
    assert [leaf.index for leaf in leaves] == list(range(total))
    assert len({json.loads(leaf.leaf_bytes)["use_id"] for leaf in leaves}) == total
    assert log.root() == merkle.root_of(merkle.leaf_hash(leaf.leaf_bytes) for leaf in leaves)
    assert log.audit().ok
    head = verify_checkpoint(log.checkpoint(), log.verifier())
    assert (head.size, head.root_hash) == (total, log.root())
