"""What the Meta importers (and the HAR importer) share: JSON streaming, peeking, repairs.

Meta's "Download your information" files are small JSON documents whose shape, not their
name, says what they hold: names are stable-ish but folders move between export years,
and labels follow the account language. Detection therefore *peeks* at the first 64 KiB
(top-level keys, the labels of ``label_values`` lists, the paths seen) once per file; the
peek is cached per source so the five Meta importers do not decompress it five times.

Streaming goes through ``ijson`` (C backend). A JSON error becomes ``MalformedFile`` with
the exact byte offset: the failing chunk is re-read one byte at a time to find it, which
costs nothing unless the file is broken.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import IO, Any, TypeVar

import ijson

from holoptic.importers.errors import MalformedFile
from holoptic.importers.formats._json import BOM, first_line, head_events, without_bom
from holoptic.importers.model import SourceFile

T = TypeVar("T")
CHUNK = 1 << 16
PEEK_BYTES = 1 << 16
PEEK_EVENTS = 4000


class _Reader:
    """A byte stream for ijson: skips a UTF-8 BOM, counts bytes, trickles when asked.

    ``trickle_from`` makes every read past that offset return one byte, so that the
    parser fails exactly on the byte it cannot accept.
    """

    def __init__(self, raw: IO[bytes], trickle_from: int | None = None) -> None:
        self._raw, self._trickle = raw, trickle_from
        start = raw.read(len(BOM))
        self._pending = b"" if start == BOM else start
        self.position = len(BOM) if start == BOM else 0
        self.at_eof = False

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""
        if self._trickle is not None and self.position >= self._trickle:
            size = 1
        elif size < 0:
            size = CHUNK
        data = self._pending[:size]
        self._pending = self._pending[size:]
        if len(data) < size:
            data += self._raw.read(size - len(data))
        self.position += len(data)
        self.at_eof = self.at_eof or not data
        return data


def stream_items(source: SourceFile, prefix: str) -> Iterator[Any]:
    """Each JSON value at ``prefix`` (ijson syntax), or ``MalformedFile`` with an offset."""
    reader: _Reader | None = None
    try:
        with source.open() as raw:
            reader = _Reader(raw)
            yield from ijson.items(reader, prefix, use_float=True)
    except (ijson.JSONError, UnicodeDecodeError) as exc:
        raise malformed(source, exc, reader.position if reader else 0) from None


def stream_events(source: SourceFile) -> Generator[tuple[str, str, Any], None, None]:
    """The raw ``(prefix, event, value)`` stream, with the same error handling."""
    reader: _Reader | None = None
    try:
        with source.open() as raw:
            reader = _Reader(raw)
            yield from ijson.parse(reader, use_float=True)
    except (ijson.JSONError, UnicodeDecodeError) as exc:
        raise malformed(source, exc, reader.position if reader else 0) from None


def malformed(source: SourceFile, exc: Exception, consumed: int) -> MalformedFile:
    """A ``MalformedFile`` naming the file, the byte and the parser's one-line reason."""
    offset = _locate(source, consumed)
    reason = first_line(exc, blank="bad JSON")
    return MalformedFile(
        f"{source.name}: not valid JSON at byte {offset} ({reason})", offset=offset
    )


def _locate(source: SourceFile, consumed: int) -> int:
    """Re-parse up to the failing chunk, then byte by byte, to find the exact offset."""
    reader: _Reader | None = None
    try:
        with source.open() as raw:
            reader = _Reader(raw, trickle_from=max(0, consumed - 2 * CHUNK))
            for _ in ijson.basic_parse(reader, buf_size=CHUNK):
                pass
    except (ijson.JSONError, UnicodeDecodeError):
        if reader is not None:
            return reader.position if reader.at_eof else max(0, reader.position - 1)
    except OSError:
        pass
    return consumed


# --- peeking ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Peek:
    """The shape of a JSON file's beginning. For a top-level list, of its first item."""

    array: bool
    keys: frozenset[str]
    labels: tuple[str, ...]
    paths: frozenset[str]
    name: str

    def has_path(self, path: str) -> bool:
        return path in self.paths


_MISSING = object()
_PEEKS: weakref.WeakKeyDictionary[Any, Peek | None] = weakref.WeakKeyDictionary()


def peek(source: SourceFile) -> Peek | None:
    """The file's shape if it starts like JSON (``None`` otherwise), cached per source."""
    try:
        cached = _PEEKS.get(source, _MISSING)
    except TypeError:  # sources that cannot be weakly referenced are simply not cached
        return _peek(source)
    if cached is not _MISSING:
        return cached if isinstance(cached, Peek) else None
    result = _peek(source)
    _PEEKS[source] = result
    return result


def _peek(source: SourceFile) -> Peek | None:
    stripped = without_bom(source.head(PEEK_BYTES)).lstrip()
    if stripped[:1] not in (b"{", b"["):
        return None
    array = stripped[:1] == b"["
    keys: set[str] = set()
    labels: list[str] = []
    paths: set[str] = set()
    for prefix, event, value in head_events(stripped, PEEK_EVENTS):
        if array:
            if prefix in ("", "item") and event in ("end_array", "end_map"):
                break  # the first item is enough to know the shape
            prefix = _within_item(prefix)
        if event == "map_key" and prefix == "":
            keys.add(value)
        elif prefix == "label_values.item.label" and event == "string" and len(labels) < 50:
            labels.append(value)
        if len(paths) < 500:
            paths.add(prefix)
    return Peek(array, frozenset(keys), tuple(labels), frozenset(paths), basename(source))


def _within_item(prefix: str) -> str:
    """A prefix inside the first item of a top-level list, as if that item were the root."""
    if prefix == "item":
        return ""
    return prefix[5:] if prefix.startswith("item.") else prefix


def variant_of(source: SourceFile, pick: Callable[[Peek], T | None]) -> T | None:
    """The shape ``pick`` recognises in ``source``, or ``None`` (not that importer's file)."""
    peeked = peek(source)
    return pick(peeked) if peeked is not None else None


def required_variant(source: SourceFile, pick: Callable[[Peek], T | None], what: str) -> T:
    """Like ``variant_of``, for ``parse``: a file of another shape is ``MalformedFile``."""
    variant = variant_of(source, pick)
    if variant is None:
        raise MalformedFile(f"{source.name}: not a Meta {what} file")
    return variant


def basename(source: SourceFile) -> str:
    return PurePosixPath(source.name).name.lower()


def name_matches(peeked: Peek, pattern: re.Pattern[str]) -> bool:
    return pattern.search(peeked.name) is not None


# --- values -------------------------------------------------------------------------


def fix_text(value: str) -> str:
    """Undo Meta's mojibake: UTF-8 bytes exported as one ``\\u00XX`` escape each.

    Only when the round-trip succeeds: text that is already right (or not Latin-1
    representable) is left as it is.
    """
    if value.isascii():
        return value
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def text(value: object) -> str | None:
    """A repaired, stripped, non-empty string, or ``None``."""
    if not isinstance(value, str):
        return None
    repaired = fix_text(value).strip()
    return repaired or None


def epoch_time(value: object) -> str | None:
    """Epoch seconds as ISO 8601 UTC (``None`` for missing, zero or absurd values)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    try:
        moment = datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None
    if moment.microsecond:
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def label_entries(item: object) -> list[dict[str, Any]]:
    """The ``label_values`` entries of a 2024+ Meta object (dicts only)."""
    if not isinstance(item, dict):
        return []
    entries = item.get("label_values")
    return (
        [entry for entry in entries if isinstance(entry, dict)] if isinstance(entries, list) else []
    )


def label_names(source: SourceFile) -> Iterator[str]:
    """The ``vec`` names of every ``label_values`` entry: Meta's 2024+ names-only lists."""
    for entry in stream_items(source, "label_values.item"):
        if isinstance(entry, dict):
            yield from vec_texts(entry)


def vec_texts(entry: dict[str, Any]) -> list[str]:
    """The plain string values of a ``vec`` list (nested ``dict`` rows are not names)."""
    vec = entry.get("vec")
    if not isinstance(vec, list):
        return []
    found = (text(row.get("value")) for row in vec if isinstance(row, dict))
    return [value for value in found if value is not None]
