# ruff: noqa: E501  (the export below keeps Apple's one-element-per-line layout)
"""Apple Health export.xml: the genuine 2016 excerpt, and exports built here for the
variants real ones show (v12's broken DTD, v14's WorkoutStatistics, stray \\x0b)."""

from __future__ import annotations

from collections import Counter
from functools import partial
from pathlib import Path

import pytest
from hypothesis import given, settings

from holoptic.bootstrap import Services
from holoptic.importers.errors import MalformedFile, UnsafeContent
from holoptic.importers.formats.apple_health import AppleHealthImporter, apple_date
from holoptic.importers.model import Emit, ParseEvent, Record, Rejected
from holoptic.importers.sources import DiskFile
from tests.conftest import SHARED, shared_path
from tests.importers import kit
from tests.importkit import make_zip

APPLE = AppleHealthImporter()
SAMPLE = ("fixtures", "apple-health", "applehealthdata_export6s3sample.xml")
# Export version 12 (iOS 16): the VisionPrescription ATTLIST is never closed, RightEye and
# LeftEye land inside it, and a stray ">" precedes the final "]>".
V12_DTD = """<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 12 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord|Audiogram|VisionPrescription)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  startDate     CDATA #REQUIRED
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
  sphereUnit       CDATA #IMPLIED
<!ELEMENT LeftEye EMPTY>
<!ATTLIST LeftEye
  sphere           CDATA #IMPLIED
<!ELEMENT MetadataEntry EMPTY>
<!ATTLIST MetadataEntry
  key   CDATA #REQUIRED
  value CDATA #REQUIRED
>
>
]>"""
BODY = """<HealthData locale="fr_FR">
 <ExportDate value="2023-05-02 09:00:00 +0200"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1980-01-01"/>
 <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Montre\x0bd'Anne" unit="count/min" creationDate="2023-05-01 07:00:10 +0200" startDate="2023-05-01 07:00:00 +0200" endDate="2023-05-01 07:00:00 +0200" value="62">
  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="1"/>
 </Record>
 <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="iPhone" startDate="2023-04-30 23:30:00 -0400" endDate="2023-05-01 06:45:00 -0400" value="HKCategoryValueSleepAnalysisAsleepCore"/>
 <Correlation type="HKCorrelationTypeIdentifierBloodPressure" sourceName="Tensio" startDate="2023-05-01 08:00:00 +0200" endDate="2023-05-01 08:00:00 +0200">
  <Record type="HKQuantityTypeIdentifierBloodPressureSystolic" sourceName="Tensio" unit="mmHg" startDate="2023-05-01 08:00:00 +0200" endDate="2023-05-01 08:00:00 +0200" value="121"/>
 </Correlation>
 <Record type="HKQuantityTypeIdentifierBloodPressureSystolic" sourceName="Tensio" unit="mmHg" startDate="2023-05-01 08:00:00 +0200" endDate="2023-05-01 08:00:00 +0200" value="121"/>
 <Record type="HKQuantityTypeIdentifierStepCount" sourceName="iPhone" unit="count" startDate="sometime" endDate="later" value="5"/>
 <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="31.5" durationUnit="min" sourceName="Montre" startDate="2023-05-01 18:00:00 +0200" endDate="2023-05-01 18:31:30 +0200">
  <MetadataEntry key="HKIndoorWorkout" value="0"/>
  <WorkoutEvent type="HKWorkoutEventTypeSegment" date="2023-05-01 18:10:00 +0200" duration="10" durationUnit="min"/>
  <WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned" startDate="2023-05-01 18:00:00 +0200" endDate="2023-05-01 18:31:30 +0200" sum="321.5" unit="kcal"/>
  <WorkoutStatistics type="HKQuantityTypeIdentifierDistanceWalkingRunning" startDate="2023-05-01 18:00:00 +0200" endDate="2023-05-01 18:31:30 +0200" sum="5.2" unit="km"/>
  <WorkoutStatistics type="HKQuantityTypeIdentifierHeartRate" startDate="2023-05-01 18:00:00 +0200" endDate="2023-05-01 18:31:30 +0200" average="151" minimum="118" maximum="176" unit="count/min"/>
  <WorkoutRoute sourceName="Montre" startDate="2023-05-01 18:00:00 +0200" endDate="2023-05-01 18:31:30 +0200">
   <FileReference path="/workout-routes/route_2023-05-01_6.31pm.gpx"/>
  </WorkoutRoute>
 </Workout>
 <ActivitySummary dateComponents="2023-05-01" activeEnergyBurned="512.25" activeEnergyBurnedGoal="500" activeEnergyBurnedUnit="kcal" appleMoveTime="0" appleMoveTimeGoal="0" appleExerciseTime="42" appleExerciseTimeGoal="30" appleStandHours="11" appleStandHoursGoal="12"/>
 <ClinicalRecord type="HKClinicalTypeIdentifierLabResultRecord" identifier="x" sourceName="Hôpital" fhirVersion="4.0.1" receivedDate="2023-05-01 09:00:00 +0200" resourceFilePath="/clinical-records/x.json"/>
 <VisionPrescription type="glasses" dateIssued="2023-01-01 00:00:00 +0100"><RightEye sphere="-1.25"/></VisionPrescription>
</HealthData>
"""
V12 = f'<?xml version="1.0" encoding="UTF-8"?>\n{V12_DTD}\n{BODY}'.encode()


parse = partial(kit.parse_path, APPLE)
parse_bytes = partial(kit.parse_bytes, APPLE, name="export.xml")


def emitted(events: list[ParseEvent]) -> list[tuple[str, Record]]:
    return [(e.kind, e.record) for e in events if isinstance(e, Emit)]


def test_genuine_excerpt_counts_and_values() -> None:
    path = shared_path(*SAMPLE)
    assert APPLE.sniff(DiskFile(path, path.name))
    events = parse(path)
    assert not [e for e in events if isinstance(e, Rejected)]
    kinds = Counter(kind for kind, _ in emitted(events))
    assert kinds == {"health.record": 17, "health.workout": 1}  # 15 Records, 2 summaries
    records = emitted(events)
    assert records[0] == (
        "health.record",
        {
            "time": "2014-09-13T09:27:54Z",
            "type": "HKQuantityTypeIdentifierStepCount",
            "end": "2014-09-13T09:27:59Z",
            "value": 329,
            "unit": "count",
            "source": "Health",
        },
    )
    assert records[10][1]["value"] == 0.00288
    summary = records[15][1]
    assert summary["time"] == "2016-04-14T00:00:00Z" and summary["activeEnergyBurned"] == 700.698
    workout = records[17][1]
    assert workout["time"] == "2016-04-02T09:40:38Z" and workout["end"] == "2016-04-02T10:12:22Z"
    assert (workout["activity"], workout["energy"], workout["energy_unit"]) == (
        "HKWorkoutActivityTypeOther",
        139.3170000000021,
        "kcal",
    )


def test_version_12_broken_dtd_v14_statistics_and_stray_controls() -> None:
    events = parse_bytes(V12)
    records = emitted(events)
    heart = records[0][1]
    assert heart == {
        "time": "2023-05-01T05:00:00Z",
        "type": "HKQuantityTypeIdentifierHeartRate",
        "value": 62,
        "unit": "count/min",
        "source": "Montre d'Anne",  # \x0b became a space
        "metadata": {"HKMetadataKeyHeartRateMotionContext": "1"},
    }
    sleep = records[1][1]
    assert sleep["end"] == "2023-05-01T10:45:00Z" and sleep["value"].endswith("AsleepCore")
    # The Correlation is skipped: its record also appears at the top level, once.
    assert [r.get("type") for _, r in records].count(
        "HKQuantityTypeIdentifierBloodPressureSystolic"
    ) == 1
    workout = next(r for kind, r in records if kind == "health.workout")
    assert workout["distance"] == 5.2 and workout["energy"] == 321.5
    assert workout["statistics"]["HKQuantityTypeIdentifierHeartRate"] == {
        "average": 151,
        "minimum": 118,
        "maximum": 176,
        "unit": "count/min",
    }
    assert workout["route"] == "/workout-routes/route_2023-05-01_6.31pm.gpx"
    rejected = [e for e in events if isinstance(e, Rejected)]
    assert [r.location for r in rejected] == ["line 44", "ClinicalRecord", "VisionPrescription"]
    assert "startDate" in rejected[0].reason


def test_python_standard_library_chokes_on_the_v12_fixture() -> None:
    """Keeps the fixture honest: it reproduces the real defect."""
    import xml.etree.ElementTree as ET

    with pytest.raises(ET.ParseError):
        ET.fromstring(V12)


def test_dates() -> None:
    assert apple_date("2016-04-15 07:27:26 +0100") == "2016-04-15T06:27:26Z"
    assert apple_date("2016-04-15 07:27:26 -0930") == "2016-04-15T16:57:26Z"
    assert apple_date("2016-04-15T07:27:26+01:00") == "2016-04-15T06:27:26Z"
    assert apple_date("2016-04-15 07:27:26") is None  # no zone: unusable
    assert apple_date("garbage") is None


def test_detected_by_content_whatever_the_localised_name() -> None:
    with kit.written(V12, "导出.xml") as source:
        assert APPLE.sniff(source)
    cda = b'<?xml version="1.0"?><ClinicalDocument xmlns="urn:hl7-org:v3"/>'
    with kit.written(cda, "export_cda.xml") as source:
        assert not APPLE.sniff(source)


LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE HealthData [\n<!-- HealthKit Export Version: 12 -->\n'
    b'<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;">\n'
    b']>\n<HealthData locale="en"><Record type="&c;" startDate="2020-01-01 00:00:00 +0000"/>'
    b"</HealthData>"
)
XXE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE HealthData [\n<!ENTITY x SYSTEM "file:///etc/passwd">\n]>'
    b'\n<HealthData><Record type="&x;" startDate="2020-01-01 00:00:00 +0000"/></HealthData>'
)
# The entity hides behind a quoted "]>" that would end a naive scan of the subset early.
HIDDEN = (
    b'<?xml version="1.0"?>\n<!DOCTYPE HealthData [\n<!ATTLIST HealthData x CDATA "]>">\n'
    b'<!ENTITY x SYSTEM "file:///etc/passwd">\n]>\n<HealthData>&x;</HealthData>'
)


@pytest.mark.parametrize("data", [LAUGHS, XXE, HIDDEN], ids=["laughs", "xxe", "hidden"])
def test_entity_declarations_are_refused(data: bytes) -> None:
    with pytest.raises(UnsafeContent):
        parse_bytes(data)


def test_truncated_export_is_malformed_with_its_line() -> None:
    with pytest.raises(MalformedFile, match=r"line \d+"):
        parse_bytes(V12[: len(V12) - 300])


def test_import_end_to_end_from_a_zip_and_reimport_adds_nothing(
    services: Services, tmp_path: Path
) -> None:
    member = services.vault.add_member("Kenza")
    archive = make_zip(
        tmp_path / "export.zip",
        {
            "apple_health_export/导出.xml": V12,
            "__MACOSX/apple_health_export/._导出.xml": b"\x00\x05\x16\x07",
        },
    )
    report = kit.import_files(services, member, [archive])
    (health,) = [f for f in report.files if f.format == "apple.health"]
    assert health.error is None and health.records_added == 5 and health.rejected_total == 3
    again = kit.import_files(services, member, [archive])
    (health,) = [f for f in again.files if f.format == "apple.health"]
    assert health.records_added == 0 and health.records_duplicate == 5
    summary = kit.stored(services, member)
    assert summary == {"health.record": 4, "health.workout": 1}


_REAL = SHARED.joinpath(*SAMPLE)
SEED = _REAL.read_bytes() if _REAL.exists() else V12


@settings(max_examples=50, deadline=None)
@given(kit.edited(SEED, ("flip", "nul", "cut", "vt")))
def test_mutated_exports_fail_only_with_typed_errors(data: bytes) -> None:
    kit.assert_only_typed_errors(lambda: parse_bytes(data))
