"""How long a member's reveal report takes, for a browsing history of N visits.

The report is computed at each request from the member's sealed items (nothing about
holders is stored), so its cost is: decrypt every item of the kinds that name holders,
read each record, look its host up in the tracker list, sum, and match the holders to the
company directory. The history spreads N visits over a year on 300 ordinary sites and a
few dozen tracker hosts; a tenth of the visits go to trackers.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from holoptic.bootstrap import Services
from holoptic.clock import FixedClock
from holoptic.db.engine import build_engine
from holoptic.db.migrate import upgrade
from holoptic.reveal.report import report_document
from holoptic.reveal.trackers import package_dump
from holoptic.settings import Settings
from holoptic.vault.crypto import MasterKey

DIRECTORY = Path(__file__).resolve().parents[2] / "shared" / "data" / "datenanfragen"


def visits(count: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    sites = [f"www.site{n}.fr" for n in range(300)]
    trackers = [row.domain for row in package_dump().rows][::40]
    start = datetime(2025, 1, 1, tzinfo=UTC)
    records = []
    for n in range(count):
        host = rng.choice(trackers) if rng.random() < 0.1 else rng.choice(sites)
        moment = start + timedelta(seconds=rng.randrange(365 * 86400))
        url = f"https://{host}/page/{n}?q={rng.randrange(10**6)}"
        records.append({"time": moment.isoformat(), "url": url, "browser": "chromium"})
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--visits", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp())
    settings = Settings.from_env(
        {"HOLOPTIC_HOME": str(home), "HOLOPTIC_MASTER_KEY": MasterKey.generate().encode()}
    )
    engine = build_engine(f"sqlite:///{home / 'holoptic.db'}")
    upgrade(engine)
    services = Services(settings, FixedClock(), engine_override=engine)
    services.vault.ensure_community("default", "Default")
    member = services.vault.add_member("Bench")
    started = time.perf_counter()
    services.items.store(member.id, "browsing.visit", visits(args.visits, args.seed))
    stored = time.perf_counter() - started
    if DIRECTORY.exists():
        services.reveal.sync_directory(str(DIRECTORY))
    services.reveal.trackers()
    fresh = Services(settings, FixedClock(), engine_override=engine)  # cold indexes
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        report = fresh.reveal.report(member.id)
        timings.append(time.perf_counter() - started)
    size = len(json.dumps(report_document(report)))
    print(f"visits                 {args.visits:>10,}")
    print(f"store (s)              {stored:>10.2f}")
    print(f"report, cold (s)       {timings[0]:>10.2f}")
    print(f"report, warm (s)       {min(timings[1:]):>10.2f}")
    print(f"holders                {len(report.holders):>10}")
    print(f"JSON document (bytes)  {size:>10,}")
    engine.dispose()


if __name__ == "__main__":
    main()
