"""Importing a large Google ``Records.json`` against google_takeout_parser merely parsing it.

Generates a Location History ``Records.json`` of N points (default 1,000,000, about
186 MB), then, each in a fresh subprocess that reports its own wall time and CPU:

- **holoptic**: ``ImportService.run`` on SQLite, what ``holoptic import`` does: hash the
  file, detect it, parse it (in worker processes, one per core, on a multi-core machine),
  group per day, encrypt and store, all in one transaction;
- **holoptic, one process**: the same with workers turned off;
- **google_takeout_parser 0.1.13**: iterate its ``_parse_location_history`` over the file
  (parsing only: nothing is stored). It is installed with pip into a temporary folder for
  this run only (its own dependencies bring orjson, which it uses when present).

With ``--bounds``, two more: ijson alone reading every entry (the parser every holoptic
run pays), and sealing and storing alone: the file's day blobs, prepared beforehand, only
compressed, encrypted and written (what the storing side costs whoever parses).

CPU counts every process of a run (workers included). Peak memory is the largest of the
run's own peak RSS and the sum of the RSS of it and its workers, sampled every 20 ms (a
sum that counts shared pages once per process: an upper bound).

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


def children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def vault(home: Path) -> Any:
    """Services on a fresh SQLite vault with one member (not timed)."""
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
    return services, services.vault.add_member("Bench")


def child_holoptic(records: Path, home: Path, workers: bool) -> dict[str, Any]:
    """Runs in a subprocess: set up a vault (not timed), then time the import alone."""
    from holoptic.importers.line_store import Parallel
    from holoptic.importers.registry import default_importers
    from holoptic.importers.service import ImportService

    services, member = vault(home)
    imports = (
        services.imports
        if workers
        else ImportService(
            services.uow,
            services.vault,
            services.items,
            default_importers(),
            services.clock,
            Parallel(workers=1),
        )
    )
    began, cpu, others = time.perf_counter(), time.process_time(), children_cpu()
    report = imports.run(member.id, [records])
    wall = time.perf_counter() - began
    cpu = time.process_time() - cpu + children_cpu() - others
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


def child_parse(records: Path) -> dict[str, Any]:
    """ijson alone, as holoptic drives it, building every entry and dropping it."""
    import ijson

    began, cpu, count = time.perf_counter(), time.process_time(), 0
    with records.open("rb") as stream:
        for _entry in ijson.items(stream, "locations.item", use_float=True):
            count += 1
    wall, cpu = time.perf_counter() - began, time.process_time() - cpu
    return {"wall": wall, "cpu": cpu, "records": count, "error": None}


def child_store(records: Path, home: Path) -> dict[str, Any]:
    """Sealing and storing alone: the file's days are read first (not timed), then only
    compressed, encrypted and written, in one transaction."""
    from holoptic.importers.formats.google_location import KIND, LocationRecords
    from holoptic.importers.lines import read_lines
    from holoptic.importers.sources import DiskFile
    from holoptic.vault.records import BucketCache

    services, member = vault(home)
    days = [
        day
        for chunk in read_lines(LocationRecords(), DiskFile(records, "Records.json"))
        for day in chunk.days
    ]
    began, cpu = time.perf_counter(), time.process_time()
    with services.uow() as uow:
        result = services.items.store_lines_in(
            uow.vault, member.id, KIND, days, None, BucketCache()
        )
    wall, cpu = time.perf_counter() - began, time.process_time() - cpu
    return {"wall": wall, "cpu": cpu, "records": result.records_added, "error": None}


def measure(args: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter, sampling the memory of it and its
    workers; it prints its figures as JSON."""
    command = [sys.executable, __file__, *args]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as process:
        tree = 0.0
        while process.poll() is None:
            tree = max(tree, tree_rss_mb(process.pid))
            time.sleep(0.02)
        out, err = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{err[-3000:]}")
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    result["peak_mb"] = max(result["peak_mb"], tree)
    return result


def tree_rss_mb(pid: int, parent: bytes = b"") -> float:
    """The resident memory of a process and its descendants, in MB (0 once it is gone).

    A child that has not yet replaced its image (between fork and exec, it still runs the
    parent's command line) shares the parent's pages: it is not counted."""
    total = 0.0
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
        status = Path(f"/proc/{pid}/status").read_text()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    if command == parent:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            total += int(line.split()[1]) / 1024
    return total + sum(tree_rss_mb(int(child), command) for child in children)


def install_peer(target: Path) -> None:
    """The peer goes into a temporary folder, never into the project's environment."""
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--target", str(target), PEER]
    if subprocess.run(pip, check=False, capture_output=True).returncode != 0:
        uv = ["uv", "pip", "install", "--quiet", "--target", str(target), PEER]
        subprocess.run(uv, check=True)


def table(points: int, size: int, runs: dict[str, dict[str, Any]]) -> str:
    ours, peer = runs["holoptic"], runs.get("peer")
    rows = [
        f"{points:,} points, Records.json of {size / 1e6:.0f} MB, {os.cpu_count()} cores\n",
        "| step | wall s | CPU s | peak MB | records |",
        "|---|---:|---:|---:|---:|",
    ]
    for key, label in LABELS.items():
        if key in runs:
            rows.append(_row(label, runs[key]))
    if peer is not None:
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


LABELS = {
    "holoptic": "holoptic import (parse, group, encrypt, store)",
    "alone": "holoptic import in one process (no workers)",
    "peer": "google_takeout_parser 0.1.13 parse only",
    "parse": "bound: ijson alone, every entry built",
    "store": "bound: sealing and storing alone (days prepared)",
}


def _row(label: str, result: dict[str, Any]) -> str:
    return (
        f"| {label} | {result['wall']:.2f} | {result['cpu']:.2f} | "
        f"{result['peak_mb']:.0f} | {result['records']:,} |"
    )


def run_child(kind: str, paths: list[str]) -> dict[str, Any]:
    if kind == "peer":
        return child_peer(Path(paths[0]))
    if kind == "parse":
        return child_parse(Path(paths[0]))
    if kind == "store":
        return child_store(Path(paths[0]), Path(paths[1]))
    return child_holoptic(Path(paths[0]), Path(paths[1]), workers=kind == "holoptic")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--skip-peer", action="store_true", help="measure holoptic only")
    parser.add_argument("--bounds", action="store_true", help="also parse alone, store alone")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # inside a measuring subprocess
        kind, *paths = args.child
        print(json.dumps({**run_child(kind, paths), "peak_mb": peak_mb()}))
        return
    with tempfile.TemporaryDirectory(prefix="holoptic-bench-") as tmp:
        folder = Path(tmp)
        records = folder / "Records.json"
        generate(records, args.points)
        load = os.getloadavg()[0]
        runs: dict[str, dict[str, Any]] = {}
        kinds = ["holoptic", "alone"] + (["parse", "store"] if args.bounds else [])
        for kind in kinds:
            home = folder / f"home-{kind}"
            home.mkdir()
            runs[kind] = measure(["--child", kind, str(records), str(home)])
        if not args.skip_peer:
            install_peer(folder / "peer")
            env = {**os.environ, "PYTHONPATH": str(folder / "peer")}
            runs["peer"] = measure(["--child", "peer", str(records)], env)
        print(table(args.points, records.stat().st_size, runs))
        print(f"load average (1 min) before: {load:.2f}, after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
