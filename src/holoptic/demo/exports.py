"""The export files the first villagers hand to the importers, as the services wrote them.

Every capability has to show in the demo, the importers included, so the first twelve
residents of the village (Camille Martin, the stewards and eight neighbours) do not get
their data stored directly: the loader writes the files they would have downloaded — a
Google Takeout, a Meta "Download your information" archive, their electricity supplier's
Green Button file and, for Camille, a GPX bike ride and a HAR capture of a news page — and
imports them like any member would. The files are built from the very records the
generator draws for that resident, so the village holds the same data whichever path it
took (the electricity of an importing home is in its Green Button file *instead* of being
stored directly: the village load curve counts each home once).

Building is pure: the same seed and resident always give the same bytes, which is also
what lets a second import of a file be recognised by its hash and skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from random import Random

from holoptic.demo import capture, espi, meta, ride, takeout
from holoptic.demo.exportkit import archive
from holoptic.demo.people import AUDIENCE, ENERGY, INTEREST, OFF_PLATFORM, Resident
from holoptic.vault.model import Record

IMPORTING = 12  # the first twelve residents of every village bring export files
META_KINDS = frozenset({AUDIENCE, INTEREST, OFF_PLATFORM})
TAKEOUT_ZIP = "takeout-20261101T081500Z-001.zip"
GREEN_BUTTON = "regie-lize-green-button.xml"
RIDE = "sortie-velo-2026-10-25.gpx"
CAPTURE = "www.lemonde.fr.har"


def takes_part(person: Resident) -> bool:
    """Whether this resident's data arrives through the importers."""
    return person.index < IMPORTING and bool(person.kinds)


def imported_kinds(person: Resident) -> frozenset[str]:
    """The generated kinds that reach the vault through imports (so are not stored directly)."""
    return person.kinds if takes_part(person) else frozenset()


def meta_zip(person: Resident) -> str:
    """Meta names the archive after the account: ``facebook-camillemartin-2026-11-01.zip``."""
    account = "".join(ch for ch in person.email.partition("@")[0] if ch.isalpha())
    return f"facebook-{account}-2026-11-01.zip"


def planned(person: Resident) -> list[str]:
    """The files the importers will read for this resident, as import reports name them."""
    if not takes_part(person):
        return []
    names = [f"{TAKEOUT_ZIP}/{name}" for name in takeout.names(person.kinds)]
    if person.kinds & META_KINDS:
        names += [f"{meta_zip(person)}/{name}" for name in meta.NAMES]
    if ENERGY in person.kinds:
        names.append(GREEN_BUTTON)
    if person.index == 0:  # Camille brought everything, a ride and a page capture too
        names += [RIDE, CAPTURE]
    return names


def write(
    folder: Path, seed: int, person: Resident, records: Mapping[str, list[Record]]
) -> list[Path]:
    """Write this resident's export files into ``folder``; the paths to hand to the importer."""
    files: dict[str, bytes] = {}
    found = takeout.files(_rng(seed, person, "takeout"), person, records)
    if found:
        files[TAKEOUT_ZIP] = archive(found)
    if person.kinds & META_KINDS:
        files[meta_zip(person)] = archive(meta.files(_rng(seed, person, "meta"), person, records))
    if ENERGY in records:
        files[GREEN_BUTTON] = espi.feed(person, records[ENERGY])
    if person.index == 0:
        files[RIDE] = ride.gpx(_rng(seed, person, "ride"))
        files[CAPTURE] = capture.har(_rng(seed, person, "capture"))
    paths = []
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def _rng(seed: int, person: Resident, what: str) -> Random:
    return Random(f"valmont-export:{seed}:{person.index}:{what}")  # noqa: S311 (reproducible)
