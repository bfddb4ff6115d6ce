"""GPX 1.0/1.1: real files from gpxpy and Reitti, hand-made edge cases, hostile XML."""

from __future__ import annotations

from collections import Counter
from functools import partial
from pathlib import Path

import pytest
from hypothesis import given, settings

from holoptic.bootstrap import Services
from holoptic.importers.errors import MalformedFile, UnsafeContent
from holoptic.importers.formats.gpx import GpxImporter
from holoptic.importers.model import Emit, ParseEvent, Rejected
from holoptic.importers.sources import DiskFile
from tests.conftest import SHARED, shared_path
from tests.importers import kit

GPX = GpxImporter()
# file → (track points, waypoints kept, rejected)
COUNTS = {
    "Mojstrovka.gpx": (0, 0, 184),  # every time is 1901-12-13, GPSBabel's "no time"
    "around-visnjan-with-car.gpx": (104, 0, 0),
    "cerknicko-jezero.gpx": (296, 1, 6),
    "cerknicko-without-times.gpx": (5, 0, 298),
    "gpx1.0_with_all_fields.gpx": (1, 1, 3),
    "gpx1.1_with_all_fields.gpx": (1, 1, 3),
    "gpx1.1_with_extensions.gpx": (0, 0, 1),
    "gpx_with_garmin_extension.gpx": (0, 1, 0),
    "korita-zbevnica.gpx": (513, 0, 360),
    "reitti_20250531.gpx": (2567, 0, 0),
    "reitti_location_data_2026-07-26_to_2026-07-26.gpx": (2201, 0, 0),
    "reitti_track_2_2025-12-06_081704.gpx": (151, 0, 0),
    "route.gpx": (0, 0, 1),
    "track-with-empty-segment.gpx": (9, 0, 0),
    "track-with-small-floats.gpx": (0, 0, 3),
    "track_with_speed.gpx": (3, 0, 0),
    "unicode_with_bom.gpx": (0, 1, 0),
}
GARMIN = """<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"
 xmlns:tp2="http://www.garmin.com/xmlschemas/TrackPointExtension/v2">
 <trk><name>Morning run</name><trkseg>
  <trkpt lat="4.5e1" lon="-7.25E-1"><ele>1.5e2</ele><time>2024-03-01T08:00:00+01:00</time>
   <extensions><tp2:TrackPointExtension><tp2:hr>142</tp2:hr><tp2:cad>88</tp2:cad>
   <tp2:atemp>12.5</tp2:atemp><tp2:speed>3.1</tp2:speed></tp2:TrackPointExtension></extensions>
  </trkpt>
  <trkpt lat="45.0001" lon="-0.7251"><time>2024-03-01T07:00:05.250</time></trkpt>
  <trkpt lat="95" lon="0"><time>2024-03-01T07:00:06Z</time></trkpt>
 </trkseg><trkseg/></trk>
</gpx>
"""


parse = partial(kit.parse_path, GPX)
parse_bytes = partial(kit.parse_bytes, GPX, name="test.gpx")


def tally(events: list[ParseEvent]) -> tuple[int, int, int]:
    kinds = Counter(e.kind if isinstance(e, Emit) else "rejected" for e in events)
    return kinds["location.track"], kinds["location.point"], kinds["rejected"]


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_fixture_counts(name: str) -> None:
    path = shared_path("fixtures", "gpx", name)
    assert GPX.sniff(DiskFile(path, name))
    assert tally(parse(path)) == COUNTS[name]


def test_exact_values_of_real_files() -> None:
    speed = parse(shared_path("fixtures", "gpx", "track_with_speed.gpx"))
    assert isinstance(speed[0], Emit)
    assert speed[0].record == {
        "time": "2009-03-02T14:05:52Z",
        "lat": 52.330848,
        "lon": 5.541371,
        "ele": 48.962041,
        "speed": 1.2,
    }
    logger = parse(shared_path("fixtures", "gpx", "reitti_20250531.gpx"))
    assert isinstance(logger[0], Emit)
    assert logger[0].record == {
        "time": "2025-05-30T22:00:24.674Z",
        "lat": 53.8633265,
        "lon": 10.7011025,
        "ele": 54.5,
        "track": "20250531",
    }
    garmin = parse(shared_path("fixtures", "gpx", "gpx_with_garmin_extension.gpx"))
    assert garmin == [
        Emit(
            "location.point",
            {"time": "2016-06-17T23:41:03Z", "lat": 37.778259, "lon": -122.391386, "ele": 3.4}
            | {"hr": 171},
        )
    ]
    bom = parse(shared_path("fixtures", "gpx", "unicode_with_bom.gpx"))
    assert isinstance(bom[0], Emit) and bom[0].record["time"] == "2016-05-27T10:08:47.800Z"


def test_routes_are_reported_not_imported() -> None:
    (event,) = parse(shared_path("fixtures", "gpx", "route.gpx"))
    assert isinstance(event, Rejected) and "55 points" in event.reason


def test_points_without_time_are_rejected_with_their_line() -> None:
    events = parse(shared_path("fixtures", "gpx", "track-with-small-floats.gpx"))
    assert all(isinstance(e, Rejected) and "without a <time>" in e.reason for e in events)
    assert [e.location for e in events if isinstance(e, Rejected)] == [
        "line 12",
        "line 15",
        "line 18",
    ]


def test_garmin_v2_extensions_exponent_floats_and_time_zones() -> None:
    events = parse_bytes(GARMIN.encode())
    first, second, third = events
    assert first == Emit(
        "location.track",
        {
            "time": "2024-03-01T07:00:00Z",
            "lat": 45.0,
            "lon": -0.725,
            "ele": 150.0,
            "hr": 142,
            "cad": 88,
            "atemp": 12.5,
            "speed": 3.1,
            "track": "Morning run",
        },
    )
    # A time without an offset is UTC (the GPX schema says so).
    assert isinstance(second, Emit) and second.record["time"] == "2024-03-01T07:00:05.250Z"
    assert isinstance(third, Rejected) and "lat/lon" in third.reason


def test_gpx_1_0_with_every_field() -> None:
    events = parse(shared_path("fixtures", "gpx", "gpx1.0_with_all_fields.gpx"))
    point = next(e for e in events if isinstance(e, Emit) and e.kind == "location.point")
    assert point.record == {
        "time": "2013-01-02T02:03:00Z",
        "lat": 12.3,
        "lon": 45.6,
        "ele": 75.1,
        "name": "example name",
    }


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE gpx [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<gpx><trk><name>&lol3;</name></trk></gpx>
"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE gpx [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<gpx><wpt lat="1" lon="1"><name>&secret;</name><time>2020-01-01T00:00:00Z</time></wpt></gpx>
"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE gpx SYSTEM "http://127.0.0.1:9/evil.dtd">
<gpx/>
"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, XXE, EXTERNAL_DTD], ids=["laughs", "xxe", "dtd"])
def test_entities_and_external_dtds_are_refused(data: bytes) -> None:
    with pytest.raises(UnsafeContent) as caught:
        parse_bytes(data)
    assert caught.value.code == "import.unsafe_content"


def test_undeclared_entity_and_truncation_are_malformed_with_a_line() -> None:
    with pytest.raises(MalformedFile):
        parse_bytes(b"<gpx><trk><name>&nope;</name></trk></gpx>")
    data = shared_path("fixtures", "gpx", "track_with_speed.gpx").read_bytes()
    with pytest.raises(MalformedFile, match=r"line \d+"):
        parse_bytes(data[: len(data) // 2])


def test_other_xml_is_not_sniffed_as_gpx() -> None:
    path = shared_path("fixtures", "apple-health", "applehealthdata_export6s3sample.xml")
    assert not GPX.sniff(DiskFile(path, path.name))


def test_import_end_to_end_and_reimport_adds_nothing(services: Services) -> None:
    member = services.vault.add_member("Gaspard")
    path = shared_path("fixtures", "gpx", "reitti_20250531.gpx")
    first = kit.import_files(services, member, [path])
    (report,) = first.files
    assert report.format == "gpx" and report.error is None
    assert report.records_added == 2567
    again = kit.import_files(services, member, [path])
    assert again.records_added == 0 and again.files[0].records_duplicate == 2567
    assert kit.stored(services, member) == {"location.track": 2567}


def test_a_later_export_overlapping_an_earlier_one_adds_only_the_new_points(
    services: Services, tmp_path: Path
) -> None:
    member = services.vault.add_member("Gilles")
    data = shared_path("fixtures", "gpx", "track-with-empty-segment.gpx").read_bytes()
    last = data.split(b"<trkpt ")[-1]  # the earlier export lacks the last point
    earlier = tmp_path / "earlier.gpx"
    earlier.write_bytes(data.replace(b"<trkpt " + last, b"</trkseg></trk></gpx>"))
    assert kit.import_files(services, member, [earlier]).records_added == 8
    later = tmp_path / "later.gpx"
    later.write_bytes(data.replace(b'creator="TC2', b'creator="Another TC2'))
    (report,) = kit.import_files(services, member, [later]).files
    assert (report.records_added, report.records_duplicate) == (1, 8)


def test_hostile_file_leaves_nothing(services: Services, tmp_path: Path) -> None:
    member = services.vault.add_member("Hélène")
    path = tmp_path / "laughs.gpx"
    path.write_bytes(BILLION_LAUGHS)
    (report,) = kit.import_files(services, member, [path]).files
    assert report.error is not None and report.error.code == "import.unsafe_content"
    assert kit.stored(services, member) == {}


_REAL = SHARED / "fixtures" / "gpx" / "gpx1.1_with_all_fields.gpx"
SEED = _REAL.read_bytes() if _REAL.exists() else GARMIN.encode()  # real when ../shared is there


@settings(max_examples=50, deadline=None)
@given(kit.edited(SEED))
def test_mutated_files_fail_only_with_typed_errors(data: bytes) -> None:
    kit.assert_only_typed_errors(lambda: parse_bytes(data))
