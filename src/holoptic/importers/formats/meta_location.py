"""Meta's last known location of your device.

* Facebook ``{"last_location_v2": {time, coordinate: {latitude, longitude}}}``.
* Instagram ``{"account_history_imprecise_last_known_location": [{string_map_data: {
  "Imprecise Latitude": {value}, "Imprecise Longitude": …, "Precise Latitude": …,
  "Precise Longitude": …, "GPS Time Uploaded": {timestamp}}}]}``: coordinates are strings
  and the labels follow the account language, so they are read by their words
  (latitude/Breitengrad/breddegrad/latitud…, imprecise/ungenau/upræcis/imprecisa…); the
  time is the one non-zero ``timestamp`` of the row.

Each position becomes an atomic ``location.last_known`` record: ``lat``, ``lon`` (degrees),
``time`` when known and, for Instagram, ``precision`` (``precise`` or ``imprecise``).
Coordinates outside the globe are rejected, not clamped.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from holoptic.importers.errors import MalformedFile
from holoptic.importers.formats._meta_common import epoch_time, peek, stream_items
from holoptic.importers.model import Emit, ParseEvent, Rejected, SourceFile

PRIORITY = 50
KIND = "location.last_known"
FACEBOOK = "last_location_v2"
INSTAGRAM = "account_history_imprecise_last_known_location"
LATITUDE = ("latitude", "breitengrad", "breddegrad", "latitud", "latitudine", "breedtegraad")
LONGITUDE = ("longitude", "ngengrad", "ngdegrad", "longitud", "lengtegraad")
IMPRECISE = ("imprecis", "ungenau", "unpräzis", "upræcis", "unøjagtig", "approx", "ungefähr")


class LastLocationImporter:
    format = "meta.last_location"
    version = "1"

    def sniff(self, source: SourceFile) -> bool:
        peeked = peek(source)
        return peeked is not None and not peeked.array and bool({FACEBOOK, INSTAGRAM} & peeked.keys)

    def parse(self, source: SourceFile) -> Iterator[ParseEvent]:
        peeked = peek(source)
        if peeked is None or not ({FACEBOOK, INSTAGRAM} & peeked.keys):
            raise MalformedFile(f"{source.name}: not a Meta location file")
        if FACEBOOK in peeked.keys:
            for value in stream_items(source, FACEBOOK):
                yield _facebook(value)
            return
        for number, row in enumerate(stream_items(source, f"{INSTAGRAM}.item")):
            yield from _instagram(row, f"{INSTAGRAM}[{number}]")


def _facebook(value: Any) -> ParseEvent:
    coordinate = value.get("coordinate") if isinstance(value, dict) else None
    if not isinstance(coordinate, dict):
        return Rejected(FACEBOOK, "no coordinate")
    return _position(
        coordinate.get("latitude"), coordinate.get("longitude"), value.get("time"), None, FACEBOOK
    )


def _instagram(row: Any, where: str) -> Iterator[ParseEvent]:
    cells = row.get("string_map_data") if isinstance(row, dict) else None
    if not isinstance(cells, dict):
        yield Rejected(where, "no string_map_data")
        return
    pairs: dict[str, dict[str, object]] = {}
    stamps = [0]
    for label, cell in cells.items():
        if not isinstance(cell, dict):
            continue
        stamp = cell.get("timestamp")
        if isinstance(stamp, int | float) and not isinstance(stamp, bool):
            stamps.append(int(stamp))
        words = str(label).lower()
        axis = "lat" if _has(words, LATITUDE) else "lon" if _has(words, LONGITUDE) else None
        if axis is not None:
            precision = "imprecise" if _has(words, IMPRECISE) else "precise"
            pairs.setdefault(precision, {})[axis] = cell.get("value")
    for precision, pair in sorted(pairs.items()):
        yield _position(pair.get("lat"), pair.get("lon"), max(stamps), precision, where)


def _has(words: str, stems: tuple[str, ...]) -> bool:
    return any(stem in words for stem in stems)


def _position(
    lat: object, lon: object, stamp: object, precision: str | None, where: str
) -> ParseEvent:
    latitude, longitude = _degrees(lat), _degrees(lon)
    spot = f"{where} ({precision})" if precision else where
    if latitude is None or longitude is None:
        return Rejected(spot, "missing or unreadable coordinates")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return Rejected(spot, "coordinates outside the globe")
    record: dict[str, Any] = {"lat": latitude, "lon": longitude}
    time = epoch_time(stamp)
    if time is not None:
        record["time"] = time
    if precision is not None:
        record["precision"] = precision
    return Emit(KIND, record)


def _degrees(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        cleaned = value.strip()
        value = cleaned.replace(",", ".") if "." not in cleaned else cleaned
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


IMPORTERS = (LastLocationImporter(),)
