"""Garmin FIT files (watches, bike computers, scales), decoded with ``fitdecode``.

- ``record`` messages with a position → ``location.track`` ``{time, lat, lon, ele?, hr?,
  cad?, power?, speed?, distance?, atemp?}`` (semicircles → degrees; altitude and speed
  from the ``enhanced_`` fields when present). A sample without a GPS fix (indoor
  trainer, or the ``0,0`` placeholder some devices write) but with sensor values becomes
  a ``health.record`` of type ``activity_sample`` with the same fields.
- ``session`` and ``lap`` → ``health.workout`` ``{time, end?, part, sport?, sub_sport?,
  duration_s?, timer_s?, distance_m?, calories?, avg_hr?, …}``; ``part`` tells sessions
  from their laps, so totals are not counted twice.
- ``monitoring`` (daily activity files) → ``health.record`` of type ``monitoring``;
  16-bit timestamps are expanded from the last full timestamp, as the FIT SDK does.
- ``weight_scale`` → ``body.measurement`` (kg, %, kcal/day, as the FIT profile says).

Timestamps become UTC ISO 8601. A timestamp below 0x10000000 is device time since power-on,
not a date: such a message is rejected. Developer data fields are read (so they do not
break decoding) but not kept. A corrupt header, an unexpected end of file or a CRC
mismatch fails the whole file (``import.malformed``): nothing of it is kept.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import IO, Any

from holoptic.importers.errors import MalformedFile
from holoptic.importers.formats._times import utc_text
from holoptic.importers.model import Emit, ParseEvent, Record, Rejected, SourceFile

PRIORITY = 50
FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
SEMICIRCLES = 180 / 2**31
_SAMPLE = (
    ("enhanced_altitude", "ele"),
    ("altitude", "ele"),
    ("heart_rate", "hr"),
    ("cadence", "cad"),
    ("power", "power"),
    ("enhanced_speed", "speed"),
    ("speed", "speed"),
    ("distance", "distance"),
    ("temperature", "atemp"),
)
_WORKOUT = (
    ("total_elapsed_time", "duration_s"),
    ("total_timer_time", "timer_s"),
    ("total_distance", "distance_m"),
    ("total_calories", "calories"),
    ("avg_heart_rate", "avg_hr"),
    ("max_heart_rate", "max_hr"),
    ("enhanced_avg_speed", "avg_speed"),
    ("avg_speed", "avg_speed"),
    ("enhanced_max_speed", "max_speed"),
    ("max_speed", "max_speed"),
    ("avg_power", "avg_power"),
    ("max_power", "max_power"),
    ("avg_cadence", "avg_cadence"),
    ("max_cadence", "max_cadence"),
    ("total_ascent", "ascent"),
    ("total_descent", "descent"),
)
_MONITORING = (
    ("activity_type", "activity_type"),
    ("intensity", "intensity"),
    ("steps", "steps"),
    ("strokes", "strokes"),
    ("cycles", "cycles"),
    ("active_calories", "calories"),
    ("distance", "distance"),
    ("active_time", "active_time_s"),
    ("duration_min", "duration_min"),
    ("heart_rate", "hr"),
    ("ascent", "ascent"),
    ("descent", "descent"),
    ("moderate_activity_minutes", "moderate_min"),
    ("vigorous_activity_minutes", "vigorous_min"),
)
_WEIGHT = tuple(
    (name, name)
    for name in (
        "weight",
        "percent_fat",
        "percent_hydration",
        "visceral_fat_mass",
        "bone_mass",
        "muscle_mass",
        "basal_met",
        "physique_rating",
        "active_met",
        "metabolic_age",
        "visceral_fat_rating",
        "bmi",
    )
)


def _scalar(value: object) -> int | float | str | None:
    """A JSON-safe single value: finite numbers and names; arrays and bytes are dropped."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | str):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    return None


def _pick(fields: dict[str, Any], names: tuple[tuple[str, str], ...], numeric: bool) -> Record:
    picked: Record = {}
    for name, key in names:
        value = _scalar(fields.get(name))
        if value is None or key in picked or (numeric and isinstance(value, str)):
            continue
        picked[key] = value
    return picked


def _position(fields: dict[str, Any]) -> tuple[float, float] | None:
    lat, lon = fields.get("position_lat"), fields.get("position_long")
    if not isinstance(lat, int) or not isinstance(lon, int) or (lat == 0 and lon == 0):
        return None
    degrees = (lat * SEMICIRCLES, lon * SEMICIRCLES)
    return degrees if abs(degrees[0]) <= 90 and abs(degrees[1]) <= 180 else None


class _Clock:
    """Message times, with 16-bit timestamps expanded from the last full one."""

    def __init__(self) -> None:
        self.last: int | None = None  # seconds since the FIT epoch

    def time(self, fields: dict[str, Any]) -> datetime | None:
        stamp = fields.get("timestamp")
        if isinstance(stamp, datetime):
            self.last = int((stamp - FIT_EPOCH).total_seconds())
            return stamp
        short = fields.get("timestamp_16")
        if isinstance(short, int) and stamp is None and self.last is not None:
            self.last += (short - self.last) & 0xFFFF
            return FIT_EPOCH + timedelta(seconds=self.last)
        return None


def _record(time: str, fields: dict[str, Any]) -> ParseEvent | None:
    sample = _pick(fields, _SAMPLE, numeric=True)
    position = _position(fields)
    if position is not None:
        return Emit(
            "location.track", {"time": time, "lat": position[0], "lon": position[1]} | sample
        )
    if sample:
        return Emit("health.record", {"time": time, "type": "activity_sample"} | sample)
    return None


def _workout(part: str, fields: dict[str, Any]) -> ParseEvent:
    start, stamp = fields.get("start_time"), fields.get("timestamp")
    elapsed = _scalar(fields.get("total_elapsed_time"))
    span = None
    if isinstance(elapsed, int | float) and 0 < elapsed < 10 * 86400:
        span = timedelta(seconds=elapsed)
    if not isinstance(start, datetime) and isinstance(stamp, datetime) and span:
        start = stamp - span  # the message is written when the part ends
    if not isinstance(start, datetime):
        return Rejected(part, f"a {part} without a start time")
    record: Record = {"time": utc_text(start)}
    if span:
        record["end"] = utc_text(start + span)
    elif isinstance(stamp, datetime) and stamp > start:
        record["end"] = utc_text(stamp)
    record["part"] = part
    record |= _pick(fields, (("sport", "sport"), ("sub_sport", "sub_sport")), numeric=False)
    record |= _pick(fields, _WORKOUT, numeric=True)
    return Emit("health.workout", record)


class _Decoder:
    def __init__(self, name: str) -> None:
        self.name, self.clock = name, _Clock()
        self.messages = 0

    def event(self, kind: str, fields: dict[str, Any]) -> ParseEvent | None:
        moment = self.clock.time(fields)  # every timestamp anchors the 16-bit ones
        if kind in ("session", "lap"):
            return _workout(kind, fields)
        if kind not in ("record", "monitoring", "weight_scale"):
            return None
        where = f"{kind} message {self.messages}"
        if moment is None:
            stamp = fields.get("timestamp")
            if isinstance(stamp, int):
                return Rejected(where, "device time since power-on, not a date")
            return Rejected(where, "no timestamp")
        time = utc_text(moment)
        if kind == "record":
            return _record(time, fields)
        if kind == "monitoring":
            return Emit(
                "health.record",
                {"time": time, "type": "monitoring"} | _pick(fields, _MONITORING, False),
            )
        measures = _pick(fields, _WEIGHT, numeric=True)
        return Emit("body.measurement", {"time": time} | measures) if measures else None


def _messages(stream: IO[bytes], name: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Data messages as (name, standard fields); decoder failures become ``MalformedFile``.

    fitdecode is imported here, when a FIT file is read, not whenever importers are listed."""
    import fitdecode
    from fitdecode.types import DevField

    reader = fitdecode.FitReader(
        stream,
        check_crc=fitdecode.CrcCheck.RAISE,
        error_handling=fitdecode.ErrorHandling.IGNORE,
    )
    frames = iter(reader)
    while True:
        try:
            frame = next(frames)
        except StopIteration:
            return
        except fitdecode.FitError as exc:
            raise MalformedFile(f"{name}: {exc}") from None
        except Exception as exc:  # the decoder's own failure on corrupt bytes
            offset = stream.tell()
            raise MalformedFile(f"{name}: corrupt FIT data near byte {offset} ({exc!r})") from None
        if isinstance(frame, fitdecode.FitDataMessage):
            fields = {f.name: f.value for f in frame.fields if not isinstance(f.field, DevField)}
            yield frame.name, fields


class FitImporter:
    format = "fit"
    version = "1"

    def sniff(self, source: SourceFile) -> bool:
        head = source.head(14)
        return len(head) >= 12 and head[0] in (12, 14) and head[8:12] == b".FIT"

    def parse(self, source: SourceFile) -> Iterator[ParseEvent]:
        decoder = _Decoder(source.name)
        with source.open() as stream:
            for kind, fields in _messages(stream, source.name):
                decoder.messages += 1
                event = decoder.event(kind, fields)
                if event is not None:
                    yield event


IMPORTERS = (FitImporter(),)
