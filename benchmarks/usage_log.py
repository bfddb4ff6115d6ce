"""Usage log: appends, inclusion and consistency proofs against pymerkle 7.0 (SQLite).

Both logs get the same leaves in the same batches (one transaction per batch): for
Holoptic, use records as dicts (canonicalised with RFC 8785, hashed, stored with their
complete-subtree nodes); for pymerkle, the same canonical bytes (its ``SqliteTree``
stores leaves only and computes subtree roots when asked, with a cache). Then both
produce the same random inclusion proofs and consistency proofs at the final size, and
the script checks that both trees have the same root (pymerkle hashes as RFC 9162 does).
Last, both append a few thousand leaves one transaction each, as the gate does.

pymerkle is GPL-3.0: it is only called here, installed into a temporary folder for the
run (``pip install --target``), never imported by Holoptic.

    python3 -m uv run python benchmarks/usage_log.py --leaves 1000000
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
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


def run_holoptic(home: Path, args: argparse.Namespace, picks: dict[str, Any]) -> dict[str, Any]:
    settings = Settings.from_env(
        {"HOLOPTIC_HOME": str(home), "HOLOPTIC_MASTER_KEY": MasterKey.generate().encode()}
    )
    initialise(settings)
    services = bootstrap(settings, FixedClock())
    log = services.log

    def append(batch: list[dict[str, Any]]) -> None:
        log.append_many(batch)

    def inclusion() -> list[bytes]:
        return [h for i in picks["inclusion"] for h in log.inclusion_proof(i, args.leaves).hashes]

    def consistency() -> list[bytes]:
        return [
            h for m in picks["consistency"] for h in log.consistency_proof(m, args.leaves).hashes
        ]

    figures = _run(args, append, inclusion, consistency)
    figures["root"] = log.root()
    figures["checkpoint"] = timed(log.checkpoint)[0]
    singles = list(leaves(args.single, seed=1))
    figures["single"] = timed(lambda: [log.append(leaf) for leaf in singles])[0]
    services.close()
    return figures


def run_pymerkle(
    home: Path, args: argparse.Namespace, picks: dict[str, Any], wal: bool
) -> dict[str, Any]:
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

    figures = _run(args, append, inclusion, consistency)
    figures["root"] = tree.get_root(args.leaves)
    singles = [canonical(leaf) for leaf in leaves(args.single, seed=1)]
    figures["single"] = timed(lambda: [tree.append_entry(leaf) for leaf in singles])[0]
    tree.close()
    return figures


def _run(
    args: argparse.Namespace,
    append: Callable[[list[dict[str, Any]]], None],
    inclusion: Callable[[], Any],
    consistency: Callable[[], Any],
) -> dict[str, Any]:
    """Time each step; generating the leaves is not part of any of them."""
    appending = 0.0
    for batch in batches(args.leaves, args.batch):
        appending += timed(lambda batch=batch: append(batch))[0]
    return {
        "append": appending,
        "inclusion": timed(inclusion)[0],
        "consistency": timed(consistency)[0],
    }


def install_peer(target: Path) -> None:
    """The peer goes into a temporary folder, never into the project's environment."""
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--target", str(target), PEER]
    if subprocess.run(pip, check=False, capture_output=True).returncode != 0:
        uv = ["uv", "pip", "install", "--quiet", "--target", str(target), PEER]
        subprocess.run(uv, check=True)
    sys.path.insert(0, str(target))


def table(args: argparse.Namespace, ours: dict[str, Any], peers: dict[str, dict[str, Any]]) -> str:
    rows = [
        f"{args.leaves:,} leaves appended in batches of {args.batch:,}; "
        f"{args.inclusion:,} inclusion and {args.consistency:,} consistency proofs "
        f"at size {args.leaves:,}\n",
        "| step | Holoptic s | " + " | ".join(f"{name} s | ratio" for name in peers) + " |",
        "|---|---:|" + "---:|---:|" * len(peers),
    ]
    for step in ("append", "inclusion", "consistency", "single"):
        cells = [f"{ours[step]:.2f}"]
        for peer in peers.values():
            cells += [f"{peer[step]:.2f}", f"{peer[step] / ours[step]:.1f}×"]
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
    args = parser.parse_args()
    rng = random.Random(args.seed)
    picks = {
        "inclusion": [rng.randrange(args.leaves) for _ in range(args.inclusion)],
        "consistency": [rng.randrange(1, args.leaves) for _ in range(args.consistency)],
    }
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        install_peer(work / "peer")
        ours = run_holoptic(work / "holoptic", args, picks)
        peers: dict[str, dict[str, Any]] = {}
        for name, wal in (("pymerkle", False), ("pymerkle WAL", True)):
            (work / name).mkdir()
            peers[name] = run_pymerkle(work / name, args, picks, wal)
            if peers[name]["root"] != ours["root"]:
                raise SystemExit(f"{name} computed another root: the comparison is void")
    print(table(args, ours, peers))


if __name__ == "__main__":
    main()
