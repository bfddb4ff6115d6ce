"""Vault store/re-store/read throughput against sqlite-utils (the dogsheep way).

The peer keeps records as plain JSON rows keyed by a content hash (``hash_id``), which
is how dogsheep's importers make re-imports idempotent. Holoptic additionally groups
records into daily items, encrypts them per member and deduplicates by keyed hash: the
ratios show what that protection costs.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from holoptic.bootstrap import Services
from holoptic.clock import FixedClock
from holoptic.db.engine import build_engine
from holoptic.db.migrate import upgrade
from holoptic.settings import Settings
from holoptic.vault.crypto import MasterKey

Record = dict[str, Any]


def location_points(seed: int, days: int, per_day: int) -> list[Record]:
    """A phone's location history: a point every few minutes around home and work."""
    rng = random.Random(seed)
    home = (45.0 + rng.uniform(-0.05, 0.05), 5.0 + rng.uniform(-0.05, 0.05))
    start = datetime(2026, 10, 1, tzinfo=UTC)
    step = timedelta(days=1) / per_day
    points = []
    for n in range(days * per_day):
        lat, lon = home[0] + rng.gauss(0, 0.01), home[1] + rng.gauss(0, 0.01)
        points.append(
            {
                "time": (start + n * step).isoformat().replace("+00:00", "Z"),
                "lat": round(lat, 6),
                "lon": round(lon, 6),
                "accuracy": rng.randint(3, 60),
                "source": rng.choice(["gps", "wifi", "cell"]),
            }
        )
    return points


def timed(action: Callable[[], object]) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def run_holoptic(home: Path, data: dict[int, list[Record]]) -> dict[str, float]:
    settings = Settings.from_env(
        {"HOLOPTIC_HOME": str(home), "HOLOPTIC_MASTER_KEY": MasterKey.generate().encode()}
    )
    engine = build_engine(f"sqlite:///{home / 'holoptic.db'}")
    upgrade(engine)
    services = Services(settings, FixedClock(), engine_override=engine)
    services.vault.ensure_community("default", "Default")
    ids = {n: services.vault.add_member(f"Member {n}").id for n in data}

    def store() -> None:
        for n, records in data.items():
            services.items.store(ids[n], "location.point", records)

    def read() -> None:
        for member_id in ids.values():
            for _item, _records in services.items.each_record_set(member_id):
                pass

    results = {"store": timed(store), "re-store": timed(store), "read": timed(read)}
    engine.dispose()
    results["size_mb"] = _size(home / "holoptic.db")
    return results


def run_peer(home: Path, data: dict[int, list[Record]]) -> dict[str, float]:
    path = home / "peer.db"
    db = sqlite_utils.Database(path)
    db.conn.execute("PRAGMA journal_mode=WAL")

    def rows() -> Iterator[Record]:
        for n, records in data.items():
            for record in records:
                yield {"member": n, **record}

    def store() -> None:
        with db.conn:
            db["points"].insert_all(rows(), hash_id="id", ignore=True, batch_size=1000)

    def read() -> None:
        for _row in db["points"].rows:
            pass

    results = {"store": timed(store), "re-store": timed(store), "read": timed(read)}
    db.close()
    results["size_mb"] = _size(path)
    return results


def _size(path: Path) -> float:
    files = [path, Path(f"{path}-wal")]
    return sum(p.stat().st_size for p in files if p.exists()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--per-day", type=int, default=288, help="points per day (288 = 5 min)")
    args = parser.parse_args()
    data = {n: location_points(n, args.days, args.per_day) for n in range(args.members)}
    total = sum(len(r) for r in data.values())
    with tempfile.TemporaryDirectory() as tmp:
        ours = run_holoptic(Path(tmp), data)
        peer = run_peer(Path(tmp), data)
    print(f"{total} location points, {args.members} members x {args.days} days\n")
    print(f"| {'step':<10} | {'holoptic':>10} | {'sqlite-utils':>12} | {'ratio':>6} |")
    print(f"|{'-' * 12}|{'-' * 12}|{'-' * 14}|{'-' * 8}|")
    for step in ("store", "re-store", "read", "size_mb"):
        unit = "MB" if step == "size_mb" else "s"
        print(
            f"| {step:<10} | {ours[step]:>8.2f}{unit:>2} | {peer[step]:>10.2f}{unit:>2} "
            f"| {ours[step] / peer[step]:>6.2f} |"
        )
    print(f"\nholoptic store rate: {total / ours['store']:,.0f} records/s")


if __name__ == "__main__":
    main()
