"""Apple Health export.xml import: wall time and peak memory on a generated export.

Writes an export.xml of the requested size the way iOS does (export version 12's broken
DTD, one element per line, heart-rate records with metadata, steps, distances, energy,
sleep, daily ActivitySummary rings and v14 workouts with WorkoutStatistics), then
measures, each in a fresh subprocess so that ``ru_maxrss`` is that run's own peak:

- ``parse``: the importer alone, iterating every event (what lxml + our code cost);
- ``import``: the full ``ImportService`` run — detect, hash, parse, group per day,
  encrypt, store in SQLite — as ``holoptic import`` does.

Peak memory must not grow with the file: compare ``--mb 200`` with the default 2 GB.

    python3 -m uv run python benchmarks/import_apple_health.py --mb 200
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

DTD = """<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 12 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord|Audiogram|VisionPrescription)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT VisionPrescription ((RightEye|LeftEye|Attachment|MetadataEntry)*)>
<!ATTLIST VisionPrescription
  type             CDATA #REQUIRED
  dateIssued       CDATA #REQUIRED
  expirationDate   CDATA #IMPLIED
  brand            CDATA #IMPLIED
<!ELEMENT RightEye EMPTY>
<!ATTLIST RightEye
  sphere           CDATA #IMPLIED
<!ELEMENT LeftEye EMPTY>
<!ATTLIST LeftEye
  sphere           CDATA #IMPLIED
<!ELEMENT MetadataEntry EMPTY>
<!ATTLIST MetadataEntry
  key   CDATA #REQUIRED
  value CDATA #REQUIRED
>
>
]>
"""  # noqa: E501  (Apple's DTD, line for line)
WATCH = (
    'sourceName="Apple Watch de Camille" sourceVersion="9.4" device="&lt;&lt;HKDevice: '
    "0x283a3c640&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, "
    'hardware:Watch6,2, software:9.4&gt;&gt;"'
)
PHONE = 'sourceName="iPhone de Camille" sourceVersion="16.3"'
Q = "HKQuantityTypeIdentifier"


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S +0100")


def _records(rng: random.Random, now: datetime) -> tuple[str, int]:
    """One minute of a phone and a watch: the lines and how many records they hold."""
    start, end = _stamp(now), _stamp(now + timedelta(seconds=59))
    lines = [
        f' <Record type="{Q}HeartRate" {WATCH} unit="count/min" creationDate="{end}" '
        f'startDate="{start}" endDate="{start}" value="{rng.randint(52, 170)}">\n'
        '  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" '
        f'value="{rng.randint(0, 2)}"/>\n'
        " </Record>\n",
        f' <Record type="{Q}StepCount" {PHONE} unit="count" creationDate="{end}" '
        f'startDate="{start}" endDate="{end}" value="{rng.randint(0, 120)}"/>\n',
        f' <Record type="{Q}DistanceWalkingRunning" {PHONE} unit="km" creationDate="{end}" '
        f'startDate="{start}" endDate="{end}" value="{rng.random() / 10:.5f}"/>\n',
        f' <Record type="{Q}ActiveEnergyBurned" {WATCH} unit="kcal" creationDate="{end}" '
        f'startDate="{start}" endDate="{end}" value="{rng.random() * 5:.3f}"/>\n',
    ]
    return "".join(lines), 4


def _daily(rng: random.Random, day: datetime) -> tuple[str, int]:
    bed, wake = day - timedelta(hours=1, minutes=30), day + timedelta(hours=6, minutes=45)
    start, end = day + timedelta(hours=18), day + timedelta(hours=18, minutes=42)
    stats = "".join(
        f'  <WorkoutStatistics type="{Q}{kind}" startDate="{_stamp(start)}" '
        f'endDate="{_stamp(end)}" {values}/>\n'
        for kind, values in (
            ("ActiveEnergyBurned", f'sum="{rng.uniform(250, 600):.2f}" unit="kcal"'),
            ("DistanceWalkingRunning", f'sum="{rng.uniform(4, 12):.3f}" unit="km"'),
            ("HeartRate", 'average="151" minimum="118" maximum="176" unit="count/min"'),
        )
    )
    text = (
        f' <Record type="HKCategoryTypeIdentifierSleepAnalysis" {WATCH} '
        f'creationDate="{_stamp(wake)}" startDate="{_stamp(bed)}" endDate="{_stamp(wake)}" '
        'value="HKCategoryValueSleepAnalysisAsleepCore"/>\n'
        f' <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="42" '
        f'durationUnit="min" {WATCH} creationDate="{_stamp(end)}" startDate="{_stamp(start)}" '
        f'endDate="{_stamp(end)}">\n  <MetadataEntry key="HKIndoorWorkout" value="0"/>\n'
        f"{stats} </Workout>\n"
        f' <ActivitySummary dateComponents="{day:%Y-%m-%d}" activeEnergyBurned="512.3" '
        'activeEnergyBurnedGoal="500" activeEnergyBurnedUnit="kcal" appleMoveTime="0" '
        'appleMoveTimeGoal="0" appleExerciseTime="42" appleExerciseTimeGoal="30" '
        'appleStandHours="11" appleStandHoursGoal="12"/>\n'
    )
    return text, 3


def generate(path: Path, megabytes: int) -> int:
    """Write an export of about ``megabytes`` MB; return how many records it holds."""
    rng, target = random.Random(7), megabytes * 1_000_000
    now = datetime(2016, 1, 1, tzinfo=UTC)
    count, written, buffer = 0, 0, []
    with path.open("w", encoding="utf-8") as out:
        out.write(f'<?xml version="1.0" encoding="UTF-8"?>\n{DTD}<HealthData locale="fr_FR">\n')
        out.write(' <ExportDate value="2024-01-01 09:00:00 +0100"/>\n')
        while written < target:
            if now.hour == 0 and now.minute == 0:
                text, added = _daily(rng, now)
            else:
                text, added = _records(rng, now)
            buffer.append(text)
            count, written, now = count + added, written + len(text), now + timedelta(minutes=1)
            if len(buffer) >= 5000:
                out.write("".join(buffer))
                buffer.clear()
        out.write("".join(buffer) + "</HealthData>\n")
    return count


CHILD = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    mode, path, home = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    began = time.perf_counter()
    if mode == "parse":
        from holoptic.importers.formats.apple_health import AppleHealthImporter
        from holoptic.importers.sources import DiskFile
        count = sum(1 for _ in AppleHealthImporter().parse(DiskFile(path, path.name)))
    else:
        from holoptic.bootstrap import Services
        from holoptic.clock import SystemClock
        from holoptic.db.engine import build_engine
        from holoptic.db.migrate import upgrade
        from holoptic.settings import Settings
        from holoptic.vault.crypto import MasterKey
        env = {"HOLOPTIC_HOME": str(home), "HOLOPTIC_MASTER_KEY": MasterKey.generate().encode()}
        engine = build_engine(f"sqlite:///{home / 'holoptic.db'}")
        upgrade(engine)
        services = Services(Settings.from_env(env), SystemClock(), engine_override=engine)
        services.vault.ensure_community("default", "Default")
        member = services.vault.add_member("Camille")
        began = time.perf_counter()
        report = services.imports.run(member.id, [path])
        (file,) = report.files
        assert file.error is None, file.error
        count = file.records_added
    print(json.dumps({"seconds": time.perf_counter() - began, "count": count}))
    """
)


def measure(mode: str, path: Path, home: Path) -> dict[str, float]:
    """Run one measurement in a child; its peak RSS is the children's maximum so far."""
    root = Path(__file__).resolve().parents[1]
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(path), str(home)],
        check=True,
        capture_output=True,
        text=True,
        cwd=root,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - began
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=int, default=2048, help="size of the export (MB)")
    parser.add_argument("--dir", type=Path, default=None, help="where to write (default: tmp)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        path, home = Path(tmp) / "export.xml", Path(tmp) / "home"
        home.mkdir()
        began = time.perf_counter()
        records = generate(path, args.mb)
        size = path.stat().st_size / 1e6
        print(
            f"generated {size:,.0f} MB, {records:,} records in {time.perf_counter() - began:.0f} s"
        )
        parse = measure("parse", path, home)  # the smaller child runs first: maxrss is a max
        full = measure("import", path, home)
    print(f"\nApple Health export.xml, {size:,.0f} MB, {records:,} records\n")
    print("| step | wall time | records/s | peak RSS |")
    print("|---|---:|---:|---:|")
    for name, run in (("parse only", parse), ("full import (SQLite)", full)):
        print(
            f"| {name} | {run['wall']:.1f} s | {run['count'] / run['seconds']:,.0f} "
            f"| {run['peak_mb']:.0f} MB |"
        )


if __name__ == "__main__":
    main()
