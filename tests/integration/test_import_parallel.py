"""A ``Records.json`` imported through canonical lines, in this process or in workers,
stores what the record-by-record path stores, and reports the same rejections."""

from __future__ import annotations

import json
import logging
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from holoptic.bootstrap import Services
from holoptic.importers.formats.google_location import LocationRecords
from holoptic.importers.line_store import Parallel
from holoptic.importers.model import FileReport, ParseEvent, SourceFile
from holoptic.importers.service import ImportService
from holoptic.importers.workers import plan
from holoptic.vault.model import Member
from tests.importkit import make_zip

WORKERS = Parallel(min_bytes=0, workers=3)
ALONE = Parallel(min_bytes=0, workers=1)


class RecordByRecord:
    """The same format without ``line``: the import service stores its records."""

    format, version = LocationRecords.format, LocationRecords.version

    def sniff(self, source: SourceFile) -> bool:
        return LocationRecords().sniff(source)

    def parse(self, source: SourceFile) -> Iterator[ParseEvent]:
        return LocationRecords().parse(source)


def entries(count: int, seed: int = 3, gap: int = 900_000) -> list[object]:
    """A phone's fixes over some days: activities, odd values, duplicates, bad entries."""
    rng = random.Random(seed)
    moment = 1_560_000_000_000
    found: list[object] = []
    for n in range(count):
        moment += rng.randint(20_000, gap)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(moment // 1000))
        entry: dict[str, object] = {
            "latitudeE7": 480_000_000 + rng.randint(-9999, 9999),
            "longitudeE7": 23_000_000 + rng.randint(-9999, 9999),
            "accuracy": rng.randint(3, 60),
            "source": rng.choice(["WIFI", "GPS", "CELL"]),
            "deviceTag": 335552189,
            "timestamp": f"{stamp}.{moment % 1000:03d}Z",
        }
        if n % 17 == 0:  # two readings: a "}, {" inside the entry
            guesses = [{"type": "STILL", "confidence": 90}, {"type": "WALKING", "confidence": 9}]
            entry["activity"] = [{"activity": guesses}, {"activity": guesses[::-1]}]
        if n % 23 == 0:
            entry["timestampMs"] = str(moment)
            del entry["timestamp"]  # an old export's time: the ordinary path
        if n % 29 == 0:
            entry["altitude"] = "high"  # dropped by ``point``: the ordinary path
        found.append(entry)
        if n % 97 == 0:
            found.append(dict(entry))  # the same fix twice
        if n % 301 == 0:
            found.append({"latitudeE7": 1, "timestamp": entry.get("timestamp")})
        if n % 503 == 0:
            found.append("not an object")
    return found


def records_file(path: Path, items: list[object], indent: int | None = 2) -> Path:
    path.write_text(json.dumps({"locations": items}, indent=indent))
    return path


def service(services: Services, importer: object, parallel: Parallel) -> ImportService:
    return ImportService(
        services.uow, services.vault, services.items, [importer], services.clock, parallel
    )


def stored(services: Services, member: Member) -> list[str]:
    lines = []
    for _item, records in services.items.each_record_set(member.id):
        assert isinstance(records, list)
        lines += [json.dumps(record, sort_keys=True) for record in records]
    return sorted(lines)


def outcome(report: FileReport) -> tuple[object, ...]:
    rejected = [(r.location, r.reason) for r in report.rejected]
    error = None if report.error is None else (report.error.code, report.error.message)
    return report.records_added, report.records_duplicate, rejected, report.rejected_total, error


def imported(
    services: Services, name: str, importer: object, parallel: Parallel, path: Path
) -> tuple[tuple[object, ...], list[str]]:
    member = services.vault.add_member(name)
    (report,) = service(services, importer, parallel).run(member.id, [path]).files
    return outcome(report), stored(services, member)


@pytest.mark.parametrize("indent", [2, None])
def test_workers_store_and_report_what_the_record_path_does(
    services: Services, tmp_path: Path, caplog: pytest.LogCaptureFixture, indent: int | None
) -> None:
    path = records_file(tmp_path / "Records.json", entries(4000), indent)
    parts = plan(path, "locations", 3)
    assert len(parts) == 3 and all(path.read_bytes()[p.start] == ord("{") for p in parts)
    expected = imported(services, "Ana", RecordByRecord(), ALONE, path)
    assert expected[0][0] > 3900 and expected[0][3] > 10  # records added, rejected
    assert imported(services, "Ben", LocationRecords(), ALONE, path) == expected
    with caplog.at_level(logging.INFO, logger="holoptic.importers.service"):
        assert imported(services, "Cy", LocationRecords(), WORKERS, path) == expected
    assert "in this process" not in caplog.text  # the cuts fell between entries


def test_a_reimport_through_workers_adds_nothing(services: Services, tmp_path: Path) -> None:
    member = services.vault.add_member("Dee")
    items = entries(3000)
    first = records_file(tmp_path / "Records.json", items)
    importer = service(services, LocationRecords(), WORKERS)
    added = importer.run(member.id, [first]).files[0].records_added
    again = tmp_path / "again" / "Records.json"
    again.parent.mkdir()
    records_file(again, items[::-1])  # other bytes, the same fixes: merged by content
    (report,) = importer.run(member.id, [again]).files
    assert (report.records_added, report.records_duplicate) == (0, added)


def test_an_overlapping_export_adds_what_the_record_path_adds(
    services: Services, tmp_path: Path
) -> None:
    """Over a hundred days, some already stored: the days the vault already holds are
    found however the file is read (past the first days, empty ones are not looked up)."""
    items = entries(5000, gap=3_600_000)
    earlier = records_file(tmp_path / "earlier.json", items[1500:2500])
    later = records_file(tmp_path / "Records.json", items)
    outcomes = []
    for name, importer, parallel in [
        ("Ann", RecordByRecord(), ALONE),
        ("Bob", LocationRecords(), ALONE),
        ("Cat", LocationRecords(), WORKERS),
    ]:
        member = services.vault.add_member(name)
        service(services, importer, parallel).run(member.id, [earlier])
        (report,) = service(services, importer, parallel).run(member.id, [later]).files
        outcomes.append((outcome(report), stored(services, member)))
    assert outcomes[0][0][1] > 900  # records already there: duplicates
    assert outcomes[1] == outcomes[0] and outcomes[2] == outcomes[0]


def test_an_archive_member_is_read_by_workers(services: Services, tmp_path: Path) -> None:
    data = json.dumps({"locations": entries(2000)}, indent=2).encode()
    archive = make_zip(tmp_path / "takeout.zip", {"Takeout/Location History/Records.json": data})
    plain = records_file(tmp_path / "Records.json", entries(2000))
    expected = imported(services, "Eve", LocationRecords(), ALONE, plain)
    assert imported(services, "Fay", LocationRecords(), WORKERS, archive) == expected


@pytest.mark.parametrize(
    "trap",
    [
        {"placeId": "x},{" * 800_000},  # a cut guessed inside a string
        {"activity": [{"activity": [{"type": "STILL"}]}] * 90_000},  # inside an array
    ],
)
def test_a_cut_in_the_wrong_place_is_read_again_in_one_process(
    services: Services, tmp_path: Path, caplog: pytest.LogCaptureFixture, trap: dict[str, object]
) -> None:
    """In a file without line breaks, an entry larger than the window searched for a cut
    (1 MiB) holds the middle of the file: the cut falls inside it."""
    items = entries(300)
    items[150] = {**items[150], **trap}
    path = records_file(tmp_path / "Records.json", items, indent=None)
    expected = imported(services, "Gus", LocationRecords(), ALONE, path)
    with caplog.at_level(logging.INFO, logger="holoptic.importers.service"):
        assert imported(services, "Hal", LocationRecords(), Parallel(0, 2), path) == expected
    assert "reading Records.json in this process: worker" in caplog.text


def test_a_broken_file_fails_as_it_does_in_one_process(services: Services, tmp_path: Path) -> None:
    path = records_file(tmp_path / "Records.json", entries(3000))
    path.write_bytes(path.read_bytes()[: path.stat().st_size * 3 // 4])
    expected = imported(services, "Ida", LocationRecords(), ALONE, path)
    assert expected == ((0, 0, [], 0, expected[0][4]), [])
    assert expected[0][4] is not None and expected[0][4][0] == "import.malformed"
    assert imported(services, "Jo", LocationRecords(), WORKERS, path) == expected


def test_a_utf16_file_is_not_cut(services: Services, tmp_path: Path) -> None:
    text = json.dumps({"locations": entries(500)}, indent=2)
    path = tmp_path / "Records.json"
    path.write_bytes(text.encode("utf-16"))
    assert plan(path, "locations", 2) == []
    utf8 = records_file(tmp_path / "utf8.json", entries(500))
    expected = imported(services, "Kim", LocationRecords(), ALONE, utf8)
    assert imported(services, "Lu", LocationRecords(), WORKERS, path) == expected


SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from holoptic.bootstrap import Services
    from holoptic.clock import SystemClock
    from holoptic.db.engine import build_engine
    from holoptic.importers.formats.google_location import LocationRecords
    from holoptic.importers.line_store import Parallel
    from holoptic.importers.service import ImportService, Progress
    from holoptic.settings import Settings

    url, options, key, member, signal_file, path = sys.argv[1:]
    kwargs = {"connect_args": {"options": options}} if options else {}
    settings = Settings.from_env({"HOLOPTIC_HOME": "/nonexistent", "HOLOPTIC_MASTER_KEY": key})
    services = Services(settings, SystemClock(), engine_override=build_engine(url, **kwargs))

    class Pause(Progress):
        def records(self, name, count):
            Path(signal_file).write_text("paused")
            time.sleep(60)

    service = ImportService(
        services.uow, services.vault, services.items, [LocationRecords()], services.clock,
        Parallel(0, 2),
    )
    service.run(member, [Path(path)], progress=Pause())
    """
)


def _children(pid: int) -> list[int]:
    task = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in task.read_text().split()] if task.exists() else []


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")
def test_sigkill_during_a_parallel_import_leaves_nothing_and_no_worker(
    services: Services, engine: Engine, tmp_path: Path
) -> None:
    member = services.vault.add_member("Max")
    path = records_file(tmp_path / "Records.json", entries(60_000))
    url = engine.url.render_as_string(hide_password=False)
    options = ""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
        options = f"-csearch_path={schema}"
    root = Path(__file__).resolve().parents[2]
    signal_file = tmp_path / "paused"
    key = services.settings.master_key or ""
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, url, options, key, member.id, str(signal_file), str(path)],
        cwd=root,
        env={**os.environ, "PYTHONPATH": f"{root}:{root / 'src'}"},
    )
    deadline = time.monotonic() + 60
    while not signal_file.exists():
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    workers = _children(process.pid)
    assert len(workers) == 2
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    while any(Path(f"/proc/{pid}").exists() and _alive(pid) for pid in workers):
        assert time.monotonic() < deadline, "a worker outlived its parent"
        time.sleep(0.05)
    assert services.items.summary(member.id) == []
    (report,) = service(services, LocationRecords(), WORKERS).run(member.id, [path]).files
    assert report.records_added > 59_000 and report.error is None


def _alive(pid: int) -> bool:
    """Not yet reaped is not alive: a zombie has stopped running."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False
