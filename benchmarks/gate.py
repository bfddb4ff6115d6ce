"""The gate: decisions per second and latency on SQLite, against plain SQLite commits.

A decision is one ``Gate.request``: verify the consumer's token, read the member's
rules and grants, decide, create or reuse the grant, decrypt and release a small item,
append one log leaf and record the use, all in one write transaction. Two runs: one
client asking one request after another (each request has the transaction to itself),
then ``--clients`` clients asking at once, as a web worker's threads do under load
(requests that arrive together share a transaction: ``Gate.settle``). There is no peer
to run beside it, so the baseline is the floor any durable decision pays: the same
number of plain ``sqlite3`` transactions (same pragmas: WAL, ``synchronous=NORMAL``),
each inserting one row the size of an average leaf and committing. The issue's goal is
2,000 decisions/s.

    python3 -m uv run python benchmarks/gate.py --decisions 5000 --clients 16
"""

from __future__ import annotations

import argparse
import platform
import random
import sqlite3
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from holoptic.bootstrap import Services, bootstrap
from holoptic.gate.model import UseOutcome, UseQuery
from holoptic.rules.model import DPV, PD, ConsumerType, Effect, Rule
from holoptic.settings import Settings
from holoptic.setup import initialise
from holoptic.vault.crypto import MasterKey

GOAL = 2_000  # decisions/s, from the issue
PLANNING = DPV + "PublicPolicyMaking"
PUBLIC_BENEFIT = DPV + "PublicBenefit"
LOCATION = PD + "Location"
GPS = PD + "GPSCoordinate"


@dataclass(frozen=True, slots=True)
class Commons:
    services: Services
    members: list[str]
    secret: str
    prohibited: frozenset[str]


@dataclass(frozen=True, slots=True)
class Run:
    seconds: float
    latencies: list[float]  # seconds, one per operation

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, p: int) -> float:
        """The p-th percentile latency in milliseconds."""
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1] * 1000


def day_of_points(rng: random.Random, day: int, per_day: int) -> list[dict[str, Any]]:
    """A phone's location for one day around home: one small daily item."""
    home = (45.18 + rng.uniform(-0.05, 0.05), 5.72 + rng.uniform(-0.05, 0.05))
    start = datetime(2026, 3, 1, tzinfo=UTC) + timedelta(days=day)
    step = timedelta(days=1) / per_day
    return [
        {
            "time": (start + n * step).isoformat().replace("+00:00", "Z"),
            "lat": round(home[0] + rng.gauss(0, 0.01), 6),
            "lon": round(home[1] + rng.gauss(0, 0.01), 6),
            "accuracy": rng.randint(3, 60),
        }
        for n in range(per_day)
    ]


def build_commons(home: Path, args: argparse.Namespace, rng: random.Random) -> Commons:
    """Members with a day or two of points and a permit rule (some with a prohibition too),
    and an approved public body holding a token."""
    settings = Settings.from_env(
        {"HOLOPTIC_HOME": str(home), "HOLOPTIC_MASTER_KEY": MasterKey.generate().encode()}
    )
    initialise(settings)
    services = bootstrap(settings)
    members, prohibited = [], set()
    for n in range(args.members):
        member = services.vault.add_member(f"Member {n}", f"m{n}@valmont.example")
        records = [
            p for d in range(rng.choice((1, 2))) for p in day_of_points(rng, d, args.per_day)
        ]
        services.items.store(member.id, "location.point", records)
        services.rules.add(
            Rule(
                id="",
                member_id=member.id,
                effect=Effect.PERMIT,
                categories=frozenset({LOCATION}),
                purposes=frozenset({PUBLIC_BENEFIT}),
            )
        )
        if rng.random() < args.deny_share:
            services.rules.add(
                Rule(
                    id="",
                    member_id=member.id,
                    effect=Effect.PROHIBIT,
                    consumer_types=frozenset({ConsumerType.PUBLIC_BODY}),
                )
            )
            prohibited.add(member.id)
        members.append(member.id)
    consumer = services.consumers.register("Mairie de Valmont", "public_body", "m@valmont.example")
    services.consumers.approve(consumer.id)
    _, secret = services.consumers.issue_token(consumer.id)
    return Commons(services, members, secret, frozenset(prohibited))


def run_threads(work: Callable[[int], None], count: int, threads: int) -> Run:
    """``work(0)`` … ``work(count - 1)`` shared among ``threads`` threads, each call timed."""
    latencies: list[list[float]] = [[] for _ in range(threads)]
    errors: list[BaseException] = []

    def worker(t: int) -> None:
        try:
            for n in range(t, count, threads):
                began = time.perf_counter()
                work(n)
                latencies[t].append(time.perf_counter() - began)
        except BaseException as exc:  # reported after the join, never swallowed
            errors.append(exc)

    began = time.perf_counter()
    if threads == 1:
        worker(0)  # in the calling thread: no switching, and cProfile sees it
    else:
        pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
    seconds = time.perf_counter() - began
    if errors:
        raise errors[0]
    return Run(seconds, [s for per_thread in latencies for s in per_thread])


def run_gate(commons: Commons, picks: Sequence[str], threads: int) -> tuple[Run, list[UseOutcome]]:
    gate = commons.services.gate
    outcomes: list[UseOutcome | None] = [None] * len(picks)

    def decide(n: int) -> None:
        query = UseQuery(PLANNING, (GPS,), members=(picks[n],))
        outcomes[n] = gate.request(query, token=commons.secret)

    run = run_threads(decide, len(picks), threads)
    return run, [o for o in outcomes if o is not None]


def run_batches(commons: Commons, groups: Sequence[Sequence[str]]) -> tuple[Run, int, int]:
    """Requests naming several members each: every member's decision is still its own
    rule evaluation, grant, release and log leaf, in the request's one transaction."""
    gate = commons.services.gate
    size_before = commons.services.log.state().size
    decided = 0

    def decide(n: int) -> None:
        nonlocal decided
        outcome = gate.request(
            UseQuery(PLANNING, (GPS,), members=tuple(groups[n])), token=commons.secret
        )
        decided += len(outcome.members)

    run = run_threads(decide, len(groups), 1)
    added = commons.services.log.state().size - size_before
    if added != decided or decided != sum(len(set(g)) for g in groups):
        raise SystemExit(f"{decided} member decisions but {added} new leaves")
    return run, decided, added


def run_baseline(path: Path, count: int, row_bytes: int, threads: int) -> Run:
    """One plain transaction per operation: insert a row of ``row_bytes`` and commit."""
    setup = sqlite3.connect(path)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE leaves (idx INTEGER PRIMARY KEY, use_id TEXT, body BLOB)")
    setup.close()
    local = threading.local()
    body = random.Random(0).randbytes(row_bytes)
    opened: list[sqlite3.Connection] = []

    def insert(n: int) -> None:
        db = getattr(local, "db", None)
        if db is None:
            db = local.db = sqlite3.connect(
                path, timeout=30, isolation_level=None, check_same_thread=False
            )
            db.execute("PRAGMA synchronous=NORMAL")
            opened.append(db)
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO leaves (use_id, body) VALUES (?, ?)", (f"use-{n}", body))
        db.execute("COMMIT")

    run = run_threads(insert, count, threads)
    for db in opened:
        db.close()
    return run


def check(commons: Commons, outcomes: list[UseOutcome], size_before: int) -> dict[str, Any]:
    """The run counts only if every decision left exactly one leaf and the log audits."""
    services = commons.services
    size = services.log.state().size
    leaves = sum(len(o.log_indexes) for o in outcomes)
    if size - size_before != len(outcomes) or leaves != len(outcomes):
        raise SystemExit(f"{len(outcomes)} decisions but {size - size_before} new leaves")
    for outcome in outcomes:
        member = outcome.members[0].member_id
        if outcome.permitted == (member in commons.prohibited) or (
            outcome.permitted and not outcome.released
        ):
            raise SystemExit(f"use {outcome.use_id}: unexpected {outcome.outcome.value}")
    began = time.perf_counter()
    report = services.log.audit()
    audit_seconds = time.perf_counter() - began
    if not report.ok:
        raise SystemExit(f"the log audit failed: {report}")
    first = services.log.leaves(size_before, min(size, size_before + 1000))
    return {
        "size": size,
        "audit": audit_seconds,
        "leaf_bytes": round(statistics.mean(len(leaf.leaf_bytes) for leaf in first)),
        "permits": sum(1 for o in outcomes if o.permitted),
    }


def table(
    args: argparse.Namespace, alone: Run, ours: Run, floor: Run, facts: dict[str, Any]
) -> str:
    count = len(ours.latencies)
    rows = [
        f"{count:,} single-member requests per run; {args.members} members, "
        f"{args.deny_share:.0%} with a prohibition; SQLite {sqlite3.sqlite_version}, "
        f"Python {platform.python_version()}\n",
        "| run | operations | s | per s | mean ms | p50 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, run in (
        ("Holoptic gate decisions, 1 client", alone),
        (
            f"Holoptic gate decisions, {args.clients} clients at once "
            f"({facts['per_batch']:.1f} requests per transaction)",
            ours,
        ),
        (f"plain SQLite insert + commit ({facts['leaf_bytes']} B row)", floor),
    ):
        rows.append(
            f"| {name} | {len(run.latencies):,} | {run.seconds:.2f} | {run.rate:,.0f} | "
            f"{statistics.mean(run.latencies) * 1000:.2f} | "
            f"{run.percentile(50):.2f} | {run.percentile(99):.2f} | "
            f"{max(run.latencies) * 1000:.1f} |"
        )
    permits = facts["permits"]
    rows.append(
        f"\nGoal {GOAL:,} decisions/s: {ours.rate / GOAL:.2f}× with {args.clients} clients "
        f"({'met' if ours.rate >= GOAL else 'not met'}), {alone.rate / GOAL:.2f}× with one. "
        f"A decision costs "
        f"{floor.rate / ours.rate:.1f}× a plain durable commit. {permits:,} permits, "
        f"{count - permits:,} denies; the log holds {facts['size']:,} leaves "
        f"(one per decision, warm-up included), audited in {facts['audit']:.2f} s."
    )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--decisions", type=int, default=5_000)
    parser.add_argument("--clients", type=int, default=16, help="clients asking at once")
    parser.add_argument("--per-day", type=int, default=48, help="points per day in an item")
    parser.add_argument("--deny-share", type=float, default=0.1, help="members who prohibit")
    parser.add_argument("--warm-up", type=int, default=50, help="requests before timing")
    parser.add_argument("--seed", type=int, default=2000)
    parser.add_argument(
        "--batch", type=int, default=20, help="members named per request in the batched run"
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        commons = build_commons(Path(tmp) / "holoptic", args, rng)
        warm = [rng.choice(commons.members) for _ in range(args.warm_up)]
        picks = [rng.choice(commons.members) for _ in range(args.decisions)]
        run_gate(commons, warm, 1)  # lazy services, caches, first grants
        size_before = commons.services.log.state().size
        alone, outcomes = run_gate(commons, picks, 1)
        check(commons, outcomes, size_before)
        group = commons.services.gate.group
        size_before, batches, requests = (
            commons.services.log.state().size,
            group.batches,
            group.requests,
        )
        ours, outcomes = run_gate(commons, picks, args.clients)
        per_batch = (group.requests - requests) / (group.batches - batches)
        facts = check(commons, outcomes, size_before) | {"per_batch": per_batch}
        groups = [
            rng.sample(commons.members, args.batch)
            for _ in range(max(1, args.decisions // args.batch))
        ]
        batched, decided, _ = run_batches(commons, groups)
        if not commons.services.log.audit().ok:
            raise SystemExit("the log audit failed after the batched run")
        commons.services.close()
        floor = run_baseline(Path(tmp) / "plain.db", args.decisions, facts["leaf_bytes"], 1)
    print(table(args, alone, ours, floor, facts))
    rate = decided / batched.seconds
    print(
        f"\nBatched: {len(groups):,} requests naming {args.batch} members each, "
        f"{decided:,} member decisions (one leaf each) in {batched.seconds:.2f} s: "
        f"**{rate:,.0f} decisions/s** ({rate / GOAL:.2f}× the goal); per request "
        f"p50 {batched.percentile(50):.1f} ms, p99 {batched.percentile(99):.1f} ms."
    )


if __name__ == "__main__":
    main()
