"""Usage log: appends, inclusion and consistency proofs against pymerkle 7.0 (SQLite).

Both logs get the same leaves in the same batches (one transaction per batch): for
Holoptic, use records as dicts (canonicalised with RFC 8785, hashed, one row per leaf
holding its hash and those of the subtrees it completes); for pymerkle, the same
canonical bytes (its ``SqliteTree`` stores leaves only and computes subtree roots when
asked, with a cache). Then both produce the same random inclusion proofs and consistency
proofs at the final size, and the script checks that both trees have the same root
(pymerkle hashes as RFC 9162 does). Last, both append a few thousand leaves one
transaction each, as the gate does. On a shared machine, ``--runs 3`` reports each
figure's median over three runs.

pymerkle is GPL-3.0: it is only called here, installed into a temporary folder for the
run (``pip install --target``), never imported by Holoptic.

    python3 -m uv run python benchmarks/usage_log.py --leaves 1000000 --runs 3
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from holoptic.bootstrap import bootstrap
from holoptic.clock import FixedClock
from holoptic.settings import Settings
from holoptic.setup import initialise
from holoptic.trace.canonical import canonical
from holoptic.trace.model import use_leaf
from holoptic.vault.crypto import MasterKey

PEER = "pymerkle==7.0.0"
PEERS = {"pymerkle": False, "pymerkle WAL": True}  # name: with Holoptic's pragmas
PURPOSES = ["ServiceProvision", "ScientificResearch", "PublicBenefit", "Marketing"]


def leaves(count: int, seed: int = 9162) -> Iterator[dict[str, Any]]:
    """Use records like the gate's: ids, time, consumer, purpose, decision, item hashes."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(count):
        yield use_leaf(
            f"{n:012x}-{rng.getrandbits(80):020x}",  # time-ordered, like a UUIDv7
            start + timedelta(seconds=n),
            consumer=f"consumer-{rng.randrange(40)}",
            purpose=f"https://w3id.org/dpv#{rng.choice(PURPOSES)}",
            decision="permit" if rng.random() < 0.8 else "deny",
            rules=[f"rule-{rng.randrange(500)}"],
            grant=None,
            items=[f"{rng.getrandbits(256):064x}" for _ in range(rng.randrange(1, 4))],
        )


def batches(count: int, size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for leaf in leaves(count):
        batch.append(leaf)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def timed(action: Callable[[], object]) -> tuple[float, Any]:
    began = time.perf_counter()
    result = action()
    return time.perf_counter() - began, result


@dataclass
class Side:
    """One log under test: what each step calls, and how long each step took."""

    append: Callable[[list[dict[str, Any]]], object]
    single: Callable[[dict[str, Any]], object]
    inclusion: Callable[[], object]
    consistency: Callable[[], object]
    root: Callable[[], bytes]
    close: Callable[[], None]
    database: Path
    figures: dict[str, Any] = field(default_factory=dict)

    def warm(self) -> None:
        """Read the database once, untimed, so its proofs find it in the page cache."""
        for path in self.database.parent.glob(self.database.name + "*"):  # with -wal
            with path.open("rb") as file:
                while file.read(1 << 20):
                    pass

    def measure(self, step: str, action: Callable[[], object]) -> None:
        self.figures[step] = self.figures.get(step, 0.0) + timed(action)[0]


def holoptic(home: Path, args: argparse.Namespace, picks: dict[str, Any]) -> Side:
    settings = Settings.from_env(
        {"HOLOPTIC_HOME": str(home), "HOLOPTIC_MASTER_KEY": MasterKey.generate().encode()}
    )
    initialise(settings)
    services = bootstrap(settings, FixedClock())
    log = services.log

    def inclusion() -> list[bytes]:
        return [h for i in picks["inclusion"] for h in log.inclusion_proof(i, args.leaves).hashes]

    def consistency() -> list[bytes]:
        return [
            h for m in picks["consistency"] for h in log.consistency_proof(m, args.leaves).hashes
        ]

    def checkpoint_then_close() -> None:
        side.measure("checkpoint", log.checkpoint)
        services.close()

    side = Side(
        log.append_many,
        log.append,
        inclusion,
        consistency,
        log.root,
        checkpoint_then_close,
        settings.home / "holoptic.db",
    )
    return side


def pymerkle(home: Path, args: argparse.Namespace, picks: dict[str, Any], wal: bool) -> Side:
    from pymerkle import SqliteTree

    tree = SqliteTree(str(home / "pymerkle.db"))
    if wal:  # the pragmas Holoptic's engine sets, for a like-for-like row
        tree.con.execute("PRAGMA journal_mode=WAL")
        tree.con.execute("PRAGMA synchronous=NORMAL")

    def append(batch: list[dict[str, Any]]) -> None:
        tree.append_entries([canonical(leaf) for leaf in batch])  # the same leaf bytes

    def inclusion() -> list[Any]:
        return [tree.prove_inclusion(i + 1, args.leaves) for i in picks["inclusion"]]

    def consistency() -> list[Any]:
        return [tree.prove_consistency(m, args.leaves) for m in picks["consistency"]]

    return Side(
        append,
        lambda leaf: tree.append_entry(canonical(leaf)),
        inclusion,
        consistency,
        lambda: bytes(tree.get_root()),
        tree.close,
        home / "pymerkle.db",
    )


def run(side: Side, args: argparse.Namespace) -> None:
    """Time each step; generating the leaves is not part of any of them. The logs run one
    after the other, not interleaved: pymerkle as shipped syncs the disk at each commit,
    and would then also pay for the other logs' pending writes. The proofs run after the
    log's database was read once (untimed): the development VM keeps about 1 GB of page
    cache, and a proof's few random reads would otherwise time the disk."""
    for batch in batches(args.leaves, args.batch):
        side.measure("append", partial(side.append, batch))
    side.figures["root"] = side.root()
    side.warm()
    for step in ("inclusion", "consistency"):
        side.measure(step, getattr(side, step))
    for leaf in leaves(args.single, seed=1):
        side.measure("single", partial(side.single, leaf))


def install_peer(target: Path) -> None:
    """The peer goes into a temporary folder, never into the project's environment."""
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--target", str(target), PEER]
    if subprocess.run(pip, check=False, capture_output=True).returncode != 0:
        uv = ["uv", "pip", "install", "--quiet", "--target", str(target), PEER]
        subprocess.run(uv, check=True)
    sys.path.insert(0, str(target))


def seconds(value: float) -> str:
    return f"{value:.2f}" if value >= 1 else f"{value:.3f}"


def table(args: argparse.Namespace, ours: dict[str, Any], peers: dict[str, dict[str, Any]]) -> str:
    rows = [
        f"{args.leaves:,} leaves appended in batches of {args.batch:,}; "
        f"{args.inclusion:,} inclusion and {args.consistency:,} consistency proofs "
        f"at size {args.leaves:,}"
        + (f"; medians of {args.runs} runs" if args.runs > 1 else "")
        + "\n",
        "| step | Holoptic s | " + " | ".join(f"{name} s | ratio" for name in peers) + " |",
        "|---|---:|" + "---:|---:|" * len(peers),
    ]
    for step in ("append", "inclusion", "consistency", "single"):
        cells = [seconds(ours[step])]
        for peer in peers.values():
            cells += [seconds(peer[step]), f"{peer[step] / ours[step]:.1f}×"]
        rows.append(f"| {step} | " + " | ".join(cells) + " |")
    rows[-1] = rows[-1].replace("| single |", f"| {args.single:,} single appends |")
    rate = args.leaves / ours["append"]
    rows.append(
        f"\nratio = peer time / Holoptic time (above 1: Holoptic is faster). "
        f"Holoptic appends {rate:,.0f} leaves/s; signing a checkpoint took "
        f"{ours['checkpoint'] * 1000:.1f} ms. Single appends (one transaction each, as the "
        f"gate appends): {args.single / ours['single']:,.0f} leaves/s."
    )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--inclusion", type=int, default=1_000)
    parser.add_argument("--consistency", type=int, default=100)
    parser.add_argument("--single", type=int, default=2_000, help="one-leaf transactions")
    parser.add_argument("--seed", type=int, default=6962)
    parser.add_argument("--runs", type=int, default=1, help="report each figure's median")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    picks = {
        "inclusion": [rng.randrange(args.leaves) for _ in range(args.inclusion)],
        "consistency": [rng.randrange(1, args.leaves) for _ in range(args.consistency)],
    }
    with tempfile.TemporaryDirectory() as tmp:
        install_peer(Path(tmp) / "peer")
        runs = []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory(dir=tmp) as work:
                runs.append(one_run(Path(work), args, picks))
    medians = {
        name: {step: statistics.median(run[name][step] for run in runs) for step in figures}
        for name, figures in runs[0].items()
    }
    ours = medians.pop("Holoptic")
    print(table(args, ours, medians))


def one_run(work: Path, args: argparse.Namespace, picks: dict[str, Any]) -> dict[str, Any]:
    """Every log in turn, in fresh databases; the figures of each."""
    sides = {"Holoptic": holoptic(work / "holoptic", args, picks)}
    for name, wal in PEERS.items():
        (work / name).mkdir()
        sides[name] = pymerkle(work / name, args, picks, wal)
    for side in sides.values():
        run(side, args)
        side.close()
    if len({side.figures.pop("root") for side in sides.values()}) != 1:
        raise SystemExit("the logs computed different roots: the comparison is void")
    return {name: side.figures for name, side in sides.items()}


if __name__ == "__main__":
    main()
