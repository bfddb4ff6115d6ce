"""Importing a large Google ``Records.json`` against google_takeout_parser merely parsing it.

Generates a Location History ``Records.json`` of N points (default 1,000,000, about
180 MB), then, each in a fresh subprocess that reports its own wall time and peak RSS:

- **holoptic**: ``ImportService.run`` on SQLite, what ``holoptic import`` does: hash the
  file, detect it, stream it with ijson, group per day, encrypt and store;
- **google_takeout_parser 0.1.13**: iterate its ``_parse_location_history`` over the file
  (parsing only: nothing is stored). It is installed with pip into a temporary folder for
  this run only (its own dependencies bring orjson, which it uses when present).

The issue's goal: holoptic's full import in no more wall time than the peer's parse, with
a peak memory of at most 150 MB.

    python3 -m uv run python benchmarks/import_google_records.py --points 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

PEER = "google_takeout_parser==0.1.13"
GOAL_MB = 150


def generate(path: Path, points: int, seed: int = 7) -> None:
    """A phone's history as Google writes it: ISO times, E7 degrees, some activity readings."""
    rng = random.Random(seed)
    moment = datetime(2019, 1, 1, tzinfo=UTC)
    lat, lon = 48.8566, 2.3522
    with path.open("w") as out:
        out.write('{\n  "locations": [')
        for n in range(points):
            moment += timedelta(milliseconds=rng.randint(10_000, 230_000))
            lat += rng.gauss(0, 0.0005)
            lon += rng.gauss(0, 0.0005)
            stamp = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
            activity = ""
            if rng.random() < 0.05:
                activity = (
                    ',\n    "activity": [{\n      "activity": [{\n        "type": "STILL",\n'
                    '        "confidence": 100\n      }],\n'
                    f'      "timestamp": "{stamp}"\n    }}]'
                )
            out.write(
                f'{"{" if n == 0 else ", {"}\n    "latitudeE7": {round(lat * 1e7)},\n'
                f'    "longitudeE7": {round(lon * 1e7)},\n    "accuracy": {rng.randint(3, 60)},\n'
                f'    "source": "{rng.choice(("WIFI", "GPS", "CELL"))}",\n'
                f'    "deviceTag": 335552189{activity},\n    "timestamp": "{stamp}"\n  }}'
            )
        out.write("]\n}\n")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def child_holoptic(records: Path, home: Path) -> dict[str, Any]:
    """Runs in a subprocess: set up a vault (not timed), then time the import alone."""
    from holoptic.bootstrap import Services
    from holoptic.clock import SystemClock
    from holoptic.db.engine import build_engine
    from holoptic.db.migrate import upgrade
    from holoptic.settings import Settings
    from holoptic.vault.crypto import MasterKey

    settings = Settings.from_env(
        {"HOLOPTIC_HOME": str(home), "HOLOPTIC_MASTER_KEY": MasterKey.generate().encode()}
    )
    engine = build_engine(f"sqlite:///{home / 'holoptic.db'}")
    upgrade(engine)
    services = Services(settings, SystemClock(), engine_override=engine)
    services.vault.ensure_community("default", "Default")
    member = services.vault.add_member("Bench")
    services.imports  # noqa: B018 - builds the importer registry before the clock starts
    began, cpu = time.perf_counter(), time.process_time()
    report = services.imports.run(member.id, [records])
    wall, cpu = time.perf_counter() - began, time.process_time() - cpu
    (file,) = report.files
    error = None if file.error is None else file.error.message
    return {"wall": wall, "cpu": cpu, "records": file.records_added, "error": error}


def child_peer(records: Path) -> dict[str, Any]:
    """Runs in a subprocess with the peer on ``sys.path``: time its parse alone."""
    from google_takeout_parser.parse_json import _parse_location_history

    began, cpu = time.perf_counter(), time.process_time()
    count = errors = 0
    for item in _parse_location_history(records):
        if isinstance(item, Exception):
            errors += 1
        else:
            count += 1
    wall, cpu = time.perf_counter() - began, time.process_time() - cpu
    return {"wall": wall, "cpu": cpu, "records": count, "error": errors or None}


def measure(args: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter; it prints its figures as JSON."""
    command = [sys.executable, __file__, *args]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def install_peer(target: Path) -> None:
    """The peer goes into a temporary folder, never into the project's environment."""
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--target", str(target), PEER]
    if subprocess.run(pip, check=False, capture_output=True).returncode != 0:
        uv = ["uv", "pip", "install", "--quiet", "--target", str(target), PEER]
        subprocess.run(uv, check=True)


def table(points: int, size: int, ours: dict[str, Any], peer: dict[str, Any] | None) -> str:
    rows = [
        f"{points:,} points, Records.json of {size / 1e6:.0f} MB\n",
        "| step | wall s | CPU s | peak MB | records |",
        "|---|---:|---:|---:|---:|",
        _row("holoptic import (parse, group, encrypt, store)", ours),
    ]
    if peer is not None:
        rows.append(_row("google_takeout_parser 0.1.13 parse only", peer))
        rows.append(
            f"| ratio holoptic / peer | {ours['wall'] / peer['wall']:.2f} | "
            f"{ours['cpu'] / peer['cpu']:.2f} | {ours['peak_mb'] / peer['peak_mb']:.2f} | |"
        )
    rows.append(
        f"\nholoptic: {ours['records'] / ours['wall']:,.0f} records/s; peak "
        f"{ours['peak_mb']:.0f} MB against a goal of {GOAL_MB} MB"
        + (
            ""
            if peer is None
            else f"; wall time goal {'met' if ours['wall'] <= peer['wall'] else 'missed'}"
        )
    )
    return "\n".join(rows)


def _row(label: str, result: dict[str, Any]) -> str:
    return (
        f"| {label} | {result['wall']:.2f} | {result['cpu']:.2f} | "
        f"{result['peak_mb']:.0f} | {result['records']:,} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--skip-peer", action="store_true", help="measure holoptic only")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # inside a measuring subprocess
        kind, *paths = args.child
        result = (
            child_holoptic(*map(Path, paths)) if kind == "holoptic" else child_peer(Path(paths[0]))
        )
        print(json.dumps({**result, "peak_mb": peak_mb()}))
        return
    with tempfile.TemporaryDirectory(prefix="holoptic-bench-") as tmp:
        folder = Path(tmp)
        records = folder / "Records.json"
        generate(records, args.points)
        (folder / "home").mkdir()
        ours = measure(["--child", "holoptic", str(records), str(folder / "home")])
        peer = None
        if not args.skip_peer:
            install_peer(folder / "peer")
            env = {**os.environ, "PYTHONPATH": str(folder / "peer")}
            peer = measure(["--child", "peer", str(records)], env)
        print(table(args.points, records.stat().st_size, ours, peer))


if __name__ == "__main__":
    main()
