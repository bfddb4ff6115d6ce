"""A household's electricity as a Green Button (NAESB ESPI) "Download My Data" file.

The village is served by an invented local utility, the *Régie d'électricité de la
Lize* (France still has such municipal utilities), whose customer site offers Green
Button downloads. The feed is the usual Atom list of entries tied together by their
links: a UsagePoint (the meter, electricity), its LocalTimeParameters (Paris), one
MeterReading, its ReadingType (energy delivered, Wh, 15-minute intervals, euros) and one
IntervalBlock per UTC day of 96 IntervalReadings with their cost at the off-peak or peak
price.

The readings are the household's generated ones, watt-hour for watt-hour, and the
UsagePoint's title is the meter's id: imported or stored directly, a home adds the same
energy to the village load curve.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from datetime import date
from xml.sax.saxutils import escape

from holoptic.demo.days import local_clock
from holoptic.demo.energy import OFF_PEAK_START
from holoptic.demo.exportkit import epoch, instant
from holoptic.demo.people import Resident
from holoptic.vault.model import Record

BASE = "https://mesdonnees.regie-lize.example/DataCustodian/espi/1_1/resource"
STAMP = "2026-11-01T05:00:00Z"
PEAK_EUR_PER_KWH, OFF_PEAK_EUR_PER_KWH = 0.2516, 0.1828
OFF_PEAK_END = 6.5  # heures creuses: 22:30 to 06:30, local time
READING_TYPE = {  # ESPI codes: energy (12), forward (1), delta (4), electricity (1), Wh (72)
    "accumulationBehaviour": 4,
    "commodity": 1,
    "currency": 978,
    "dataQualifier": 12,
    "flowDirection": 1,
    "intervalLength": 900,
    "kind": 12,
    "phase": 769,
    "powerOfTenMultiplier": 0,
    "timeAttribute": 0,
    "uom": 72,
}
LOCAL_TIME = {  # Europe/Paris: summer time from the last Sunday of March to October's
    "dstEndRule": "B40E2000",
    "dstOffset": 3600,
    "dstStartRule": "360E2000",
    "tzOffset": 3600,
}


def feed(person: Resident, readings: list[Record]) -> bytes:
    """The whole feed for one household's readings (``{"time", "wh", "meter"}``)."""
    meter = str(readings[0]["meter"]) if readings else "PDL"
    point = f"{BASE}/Subscription/{person.index + 1}/UsagePoint/1"
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:espi="http://naesb.org/espi">',
        f"  <id>urn:uuid:{_uuid(person.index, 0)}</id>",
        "  <title>Régie d'électricité de la Lize – Green Button</title>",
        f"  <updated>{STAMP}</updated>",
        f'  <link rel="self" href="{BASE}/Subscription/{person.index + 1}"/>',
        _entry(
            person.index, 1, point, [f"{point}/MeterReading", f"{BASE}/LocalTimeParameters/1"],
            escape(meter), _usage_point(),
        ),
        _entry(
            person.index, 2, f"{BASE}/LocalTimeParameters/1", [], "Europe/Paris",
            _fields("LocalTimeParameters", LOCAL_TIME),
        ),
        _entry(
            person.index, 3, f"{point}/MeterReading/1",
            [f"{point}/MeterReading/1/IntervalBlock", f"{BASE}/ReadingType/1"],
            "Consommation (15 min)", "<espi:MeterReading/>",
        ),
        _entry(
            person.index, 4, f"{BASE}/ReadingType/1", [], "Énergie active soutirée (Wh)",
            _fields("ReadingType", READING_TYPE),
        ),
    ]  # fmt: skip
    for number, (day, rows) in enumerate(_days(readings), start=1):
        block = f"{point}/MeterReading/1/IntervalBlock/{number}"
        parts.append(_entry(person.index, 4 + number, block, [], "", _block(day, rows)))
    parts.append("</feed>\n")
    return "\n".join(parts).encode("utf-8")


def _uuid(index: int, number: int) -> str:
    return f"5a1e{index:04x}-0000-4000-8000-{number:012x}"


def _entry(
    index: int, number: int, self_href: str, related: list[str], title: str, content: str
) -> str:
    up = self_href.rpartition("/")[0]
    links = [f'    <link rel="self" href="{self_href}"/>', f'    <link rel="up" href="{up}"/>']
    links += [f'    <link rel="related" href="{href}"/>' for href in related]
    return "\n".join(
        [
            "  <entry>",
            f"    <id>urn:uuid:{_uuid(index, number)}</id>",
            *links,
            f"    <title>{title}</title>" if title else "    <title/>",
            f"    <content>{content}</content>",
            f"    <published>{STAMP}</published>",
            f"    <updated>{STAMP}</updated>",
            "  </entry>",
        ]
    )


def _usage_point() -> str:
    service = "<espi:ServiceCategory><espi:kind>0</espi:kind></espi:ServiceCategory>"
    return f"<espi:UsagePoint>{service}</espi:UsagePoint>"


def _fields(name: str, values: Mapping[str, object]) -> str:
    inner = "".join(f"<espi:{key}>{value}</espi:{key}>" for key, value in values.items())
    return f"<espi:{name}>{inner}</espi:{name}>"


def _days(readings: list[Record]) -> Iterator[tuple[date, list[Record]]]:
    by_day: dict[date, list[Record]] = defaultdict(list)
    for reading in readings:
        by_day[instant(reading["time"]).date()].append(reading)
    yield from sorted(by_day.items())


def _block(day: date, rows: list[Record]) -> str:
    start = epoch(instant(f"{day.isoformat()}T00:00:00Z"))
    lines = [
        "<espi:IntervalBlock>",
        "<espi:interval><espi:duration>86400</espi:duration>"
        f"<espi:start>{start}</espi:start></espi:interval>",
        *(_reading(row) for row in rows),
        "</espi:IntervalBlock>",
    ]
    return "\n        ".join(lines)


def _reading(row: Record) -> str:
    moment = instant(row["time"])
    hour, _ = local_clock(moment)
    off_peak = hour >= OFF_PEAK_START or hour < OFF_PEAK_END
    price = OFF_PEAK_EUR_PER_KWH if off_peak else PEAK_EUR_PER_KWH
    cost = round(row["wh"] * price * 100)  # ESPI costs are in hundred-thousandths
    return (
        f"<espi:IntervalReading><espi:cost>{cost}</espi:cost><espi:timePeriod>"
        f"<espi:duration>900</espi:duration><espi:start>{epoch(moment)}</espi:start>"
        f"</espi:timePeriod><espi:value>{row['wh']}</espi:value></espi:IntervalReading>"
    )
