"""Records per second for each import format, on the largest real fixture of each.

Every file under ``../shared/fixtures`` that an importer recognises is imported once
into a fresh member of one SQLite vault (``ImportService.run``, what ``holoptic import``
does: detect, parse, group per day, encrypt, store); then, for each format, the largest
input holding it is imported ``--repeat`` more times, each time for a new member, and
the median wall time gives its records/s (an archive is timed whole, all its files'
records counted). There is no peer here: the table is the issue's per-format
report. The fixtures are small (the largest is a few MB), so a file's fixed costs (its
transaction, detection, hashing) weigh on the rate; ``import_google_records.py`` and
``import_apple_health.py`` measure the large files.

    python3 -m uv run python benchmarks/import_fixtures.py
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_google_records import vault  # the same fresh vault

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
FOLDERS = (
    "apple-health",
    "browser-history",
    "fit",
    "google-location-schemas",
    "google-takeout",
    "google-takeout-youtube",
    "google-timeline-device",
    "gpx",
    "greenbutton",
    "har",
    "instagram",
    "meta-structure-skeletons",
)


def candidates() -> list[Path]:
    return sorted(
        path
        for folder in FOLDERS
        for path in (FIXTURES / folder).rglob("*")
        if path.is_file() and path.name != "SOURCE.txt"
    )


def import_once(services: Any, path: Path) -> tuple[float, Any]:
    member = services.vault.add_member(f"Bench {time.perf_counter_ns()}")
    began = time.perf_counter()
    report = services.imports.run(member.id, [path])
    return time.perf_counter() - began, report


def survey(services: Any) -> dict[str, Path]:
    """For each format, the largest input holding a cleanly imported file of it with
    records (an archive counts as one input: it is timed whole)."""
    largest: dict[str, Path] = {}
    for path in candidates():
        _, report = import_once(services, path)
        for file in report.files:
            name = file.format
            if name is None or file.error is not None or not file.records_added:
                continue
            if name not in largest or path.stat().st_size > largest[name].stat().st_size:
                largest[name] = path
    return largest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not FIXTURES.is_dir():
        raise SystemExit(f"no fixtures at {FIXTURES}: clone ../shared beside the repository")
    with tempfile.TemporaryDirectory() as tmp:
        services, _ = vault(Path(tmp))
        largest = survey(services)
        print(f"{len(candidates())} fixture files, {len(largest)} formats\n")
        print("| format | largest fixture | KB | records | median s | records/s |")
        print("|---|---|---:|---:|---:|---:|")
        for name, path in sorted(largest.items()):
            runs = [import_once(services, path) for _ in range(args.repeat)]
            median = statistics.median(seconds for seconds, _ in runs)
            records = sum(file.records_added for file in runs[0][1].files)
            print(
                f"| {name} | {path.relative_to(FIXTURES)} | {path.stat().st_size / 1024:,.0f} | "
                f"{records:,} | {median:.3f} | {records / median:,.0f} |"
            )
        services.close()


if __name__ == "__main__":
    main()
