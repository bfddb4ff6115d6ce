"""Green Button ESPI feeds: real utility-shaped files, their golden renderings, and
hand-made feeds for the link rules, the scaling arithmetic and hostile XML."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial

import pytest
from hypothesis import given, settings

from holoptic.bootstrap import Services
from holoptic.importers.errors import MalformedFile, UnsafeContent
from holoptic.importers.formats.greenbutton import GreenButtonImporter
from holoptic.importers.model import Emit, Rejected
from holoptic.importers.sources import DiskFile
from tests.conftest import SHARED, shared_path
from tests.importers import kit

GB = GreenButtonImporter()
COUNTS = {
    "TestGBDataHourlyNineDaysBinnedDaily.xml": 216,
    "TestGBDataOneYearDailyBinnedMonthly.xml": 444,
    "electric_containerized.xml": 8,
    "gas_containerized.xml": 3,
    "gas_direct.xml": 5,
    "ngma_natural_gas_billing_billing_data_Service_1_1_2021-05-26_to_2024-04-25.xml": 35,
    "cmd/Multiple-Authorization-Feed-Anonymized.xml": 0,  # authorisations only
    "cmd/Usage-Subscription-Feed-Anonymized.xml": 0,  # a meter, no readings
    "openespi/test_usage_data_01.xml": 96,
}
GOLDEN_LINE = re.compile(
    r"^\s+(\S+ \S+), (?:(\d+) days?, )?(\d+):(\d\d):(\d\d): ([\d.]+) (\w+)(?:\(\$([\d.]+)\))?$"
)


parse = partial(kit.parse_path, GB)
parse_bytes = partial(kit.parse_bytes, GB, name="feed.xml")


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_fixture_counts(name: str) -> None:
    path = shared_path("fixtures", "greenbutton", *name.split("/"))
    assert GB.sniff(DiskFile(path, path.name))
    events = parse(path)
    assert not [e for e in events if isinstance(e, Rejected)]
    assert all(isinstance(e, Emit) and e.kind == "energy.interval" for e in events)
    assert len(events) == COUNTS[name]


def golden(name: str) -> list[tuple[str, str, Decimal, str, Decimal | None]]:
    """greenbutton_objects' rendering: start, end, value, unit, cost in dollars."""
    rows = []
    text = shared_path("fixtures", "greenbutton", "expected", name).read_text()
    for line in text.splitlines():
        match = GOLDEN_LINE.match(line)
        if not match:
            continue
        start = datetime.fromisoformat(match[1])
        days, hours, minutes, seconds = (int(match[i] or 0) for i in range(2, 6))
        end = start + timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        iso = [t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") for t in (start, end)]
        cost = Decimal(match[8]) if match[8] else None
        rows.append((iso[0], iso[1], Decimal(match[6]), match[7], cost))
    return rows


@pytest.mark.parametrize(
    "name",
    ["TestGBDataHourlyNineDaysBinnedDaily", "electric_containerized", "gas_direct"],
)
def test_values_and_costs_match_the_reference_parser(name: str) -> None:
    expected = golden(f"{name}.txt")
    ours = kit.records(parse(shared_path("fixtures", "greenbutton", f"{name}.xml")))
    assert len(ours) == len(expected) > 0
    for record, (start, end, value, unit, cost) in zip(ours, expected, strict=True):
        assert (record["time"], record["end"]) == (start, end)
        assert Decimal(str(record["value"])) == value and record["uom"] == unit
        assert (Decimal(str(record["cost"])) if "cost" in record else None) == cost


def test_one_reading_in_full() -> None:
    first = kit.records(parse(shared_path("fixtures", "greenbutton", "gas_direct.xml")))[0]
    assert first == {
        "time": "2021-05-26T00:00:00Z",
        "end": "2021-06-30T00:00:00Z",
        "value": 37,  # 37000 × 10^-3 therm, whole: an int
        "uom": "therm",
        "service": "gas",
        "cost": 51,  # 5100000 hundred-thousandths of a dollar
        "currency": "USD",
        "meter": "1 MAIN ST, ANYTOWN ME 12345",
    }
    quarter = kit.records(
        parse(shared_path("fixtures", "greenbutton", "openespi", "test_usage_data_01.xml"))
    )
    assert quarter[0] == {
        "time": "2012-03-01T05:00:00Z",
        "end": "2012-03-01T05:15:00Z",
        "value": 282,
        "uom": "Wh",
        "service": "electricity",
        "cost": 0.00974,
        "currency": "USD",
        "quality": "estimated_reference_day",
        "meter": "Front Electric Meter",
        "reading_type": {
            "kind": "energy",
            "flow": "forward",
            "accumulation": "delta",
            "commodity": "electricity",
        },
    }


def test_known_invalid_variants_are_tolerated() -> None:
    """Empty <kind/>, an empty ReadingType after its blocks, fractional epoch seconds."""
    gas = kit.records(parse(shared_path("fixtures", "greenbutton", "gas_containerized.xml")))
    assert gas[0] == {
        "time": "2024-07-16T18:26:24.661360Z",
        "end": "2024-08-14T18:26:24.661360Z",
        "value": 12000,  # no unit, no multiplier in the file: the raw reading
        "cost": 28.06,
        "quality": "valid",
        "meter": "101 DOG ST BOBTOWN MA US 12345-9032",
    }


def feed(multiplier: int, values: list[int], reading_type_first: bool = False) -> bytes:
    """Two meters (relative and absolute hrefs); the ReadingType after or before blocks."""
    reading_type = f"""<entry><link rel="self" href="https://u.example/espi/ReadingType/9"/>
      <content><ReadingType xmlns="http://naesb.org/espi"><uom>42</uom><currency>978</currency>
      <powerOfTenMultiplier>{multiplier}</powerOfTenMultiplier><flowDirection>19</flowDirection>
      </ReadingType></content></entry>"""
    readings = "".join(
        f"<IntervalReading><cost>{v * 10}</cost><timePeriod><duration>3600</duration>"
        f"<start>{1700000000 + 3600 * i}</start></timePeriod><value>{v}</value></IntervalReading>"
        for i, v in enumerate(values)
    )
    meters = """
    <entry><link rel="self" href="/espi/UsagePoint/1"/>
      <link rel="related" href="/espi/UsagePoint/1/MeterReading"/><title>Water A</title>
      <content><UsagePoint xmlns="http://naesb.org/espi"><ServiceCategory><kind>2</kind>
      </ServiceCategory></UsagePoint></content></entry>
    <entry><link rel="self" href="/espi/UsagePoint/2"/><title>Gas B</title>
      <content><UsagePoint xmlns="http://naesb.org/espi"><ServiceCategory><kind>1</kind>
      </ServiceCategory></UsagePoint></content></entry>
    <entry><link rel="self" href="/espi/UsagePoint/1/MeterReading/1"/>
      <link rel="up" href="/espi/UsagePoint/1/MeterReading"/>
      <link rel="related" href="/espi/UsagePoint/1/MeterReading/1/IntervalBlock"/>
      <link rel="related" href="ReadingType/9"/>
      <content><MeterReading xmlns="http://naesb.org/espi"/></content></entry>"""
    block = f"""<entry><link rel="self" href="/espi/UsagePoint/1/MeterReading/1/IntervalBlock/5"/>
      <link rel="up" href="/espi/UsagePoint/1/MeterReading/1/IntervalBlock"/>
      <content><IntervalBlock xmlns="http://naesb.org/espi">{readings}</IntervalBlock></content>
      </entry>"""
    body = (
        (reading_type + meters + block) if reading_type_first else (meters + block + reading_type)
    )
    return f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">{body}</feed>'.encode()


@pytest.mark.parametrize("first", [False, True])
def test_links_scaling_and_cost_arithmetic(first: bool) -> None:
    small = kit.records(parse_bytes(feed(-3, [12345, 2000], reading_type_first=first)))
    assert [r["value"] for r in small] == [12.345, 2]
    assert [r["cost"] for r in small] == [1.2345, 0.2]
    assert {(r["uom"], r["service"], r["meter"], r["currency"]) for r in small} == {
        ("m3", "water", "Water A", "EUR")
    }
    assert small[0]["reading_type"] == {"flow": "reverse"}
    large = kit.records(parse_bytes(feed(3, [7])))
    assert large[0]["value"] == 7000 and isinstance(large[0]["value"], int)


def test_unreadable_readings_are_rejected_not_fatal() -> None:
    data = feed(0, [1, 2]).replace(b"<value>2</value>", b"<value>two</value>")
    events = parse_bytes(data)
    assert [type(e).__name__ for e in events] == ["Emit", "Rejected"]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE feed [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:espi="http://naesb.org/espi"><title>&c;</title></feed>
"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:espi="http://naesb.org/espi"/>
"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, XXE], ids=["laughs", "xxe"])
def test_entities_are_refused(data: bytes) -> None:
    with kit.written(data, "feed.xml") as source:
        assert GB.sniff(source)  # recognised, then refused
        with pytest.raises(UnsafeContent):
            parse(source.path)


def test_truncated_feed_is_malformed() -> None:
    data = shared_path("fixtures", "greenbutton", "gas_direct.xml").read_bytes()
    with pytest.raises(MalformedFile, match=r"line \d+"):
        parse_bytes(data[:-200])


def test_import_end_to_end_and_reimport_adds_nothing(services: Services) -> None:
    member = services.vault.add_member("Irène")
    path = shared_path("fixtures", "greenbutton", "TestGBDataOneYearDailyBinnedMonthly.xml")
    (report,) = kit.import_files(services, member, [path]).files
    assert (report.format, report.error, report.records_added) == ("greenbutton", None, 444)
    (again,) = kit.import_files(services, member, [path]).files
    assert again.records_added == 0 and again.records_duplicate == 444
    assert kit.stored(services, member) == {"energy.interval": 444}


_REAL = SHARED / "fixtures" / "greenbutton" / "gas_containerized.xml"
SEED = _REAL.read_bytes() if _REAL.exists() else feed(-3, [1, 2, 3])


@settings(max_examples=50, deadline=None)
@given(kit.edited(SEED))
def test_mutated_feeds_fail_only_with_typed_errors(data: bytes) -> None:
    kit.assert_only_typed_errors(lambda: parse_bytes(data))
