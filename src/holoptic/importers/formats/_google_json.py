"""Reading Google's JSON files safely: streamed, guarded, and recognised by their shape.

Every Google export is JSON. It is streamed with ijson (the C backend), through a reader
that strips a byte-order mark, transcodes UTF-16 (a file re-saved by an editor), counts
bytes so errors can name where the file broke, and refuses a single record that grows past
``MAX_ITEM_BYTES`` before it is built in memory. Detection reads only the first 64 KiB.
"""

from __future__ import annotations

import codecs
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

import ijson

from holoptic.importers.errors import MalformedFile, RecordTooLarge, UnreadableInput
from holoptic.importers.formats._google_common import ITEM_ERRORS, reason
from holoptic.importers.formats._json import first_line, head_events, without_bom
from holoptic.importers.model import ParseEvent, Rejected, SourceFile

MAX_ITEM_BYTES = 32 * 1024 * 1024
SNIFF_BYTES = 65536
_SNIFF_EVENTS = 4000
_UTF16 = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_READ_ERRORS = (OSError, EOFError, zlib.error, zipfile.BadZipFile)


class GuardedReader:
    """A byte stream for ijson: BOM stripped, UTF-16 transcoded, bytes counted and capped."""

    def __init__(self, raw: IO[bytes], name: str, limit: int | None = None) -> None:
        self._raw, self.name, self._limit = raw, name, limit or MAX_ITEM_BYTES
        self.consumed = 0
        self.chunk_start = 0  # where the last chunk read began: errors lie after it
        self._mark = 0
        self._decoder: codecs.IncrementalDecoder | None = None
        self._started = False

    def mark(self) -> None:
        """An entry was completed: the next one starts its byte budget here."""
        self._mark = self.consumed

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""  # ijson probes the stream's type with read(0)
        data = self._raw.read(size if size > 0 else 1 << 16)
        self.chunk_start = self.consumed
        self.consumed += len(data)
        if self.consumed - self._mark > self._limit:
            raise RecordTooLarge(
                f"{self.name}: one entry runs past {self._limit / 1048576:g} MiB "
                f"(at byte {self.consumed}); such a record is refused"
            )
        if not self._started:
            self._started = True
            data = self._first(data)
        elif self._decoder is not None:
            data = self._decoder.decode(data, final=not data).encode()
        return data

    def _first(self, data: bytes) -> bytes:
        if data[:2] in _UTF16:
            self._decoder = codecs.getincrementaldecoder("utf-16")(errors="strict")
            return self._decoder.decode(data, final=not data).encode()
        return without_bom(data)


def as_utf8(head: bytes) -> bytes:
    """The head of a file as UTF-8 (BOM removed, UTF-16 transcoded, a cut character dropped)."""
    if head[:2] in _UTF16:
        return head.decode("utf-16", errors="ignore").encode()
    return without_bom(head)


@contextmanager
def json_items(source: SourceFile, prefix: str) -> Iterator[tuple[GuardedReader, Iterator[Any]]]:
    """The entries under ``prefix``; JSON and encoding errors become ``MalformedFile``."""
    with source.open() as raw:
        reader = GuardedReader(raw, source.name)
        try:
            yield reader, ijson.items(reader, prefix, use_float=True)
        except (ijson.JSONError, UnicodeError) as exc:
            raise malformed(reader, exc) from None
        except _READ_ERRORS as exc:  # a corrupt archive member, a vanished file
            raise UnreadableInput(f"{source.name}: could not be read ({exc})") from None


@contextmanager
def json_events(source: SourceFile) -> Iterator[tuple[GuardedReader, Iterator[Any]]]:
    """Raw ijson events ``(prefix, event, value)``, for files with several arrays to read."""
    with source.open() as raw:
        reader = GuardedReader(raw, source.name)
        try:
            yield reader, ijson.parse(reader, use_float=True)
        except (ijson.JSONError, UnicodeError) as exc:
            raise malformed(reader, exc) from None
        except _READ_ERRORS as exc:  # a corrupt archive member, a vanished file
            raise UnreadableInput(f"{source.name}: could not be read ({exc})") from None


def each_entry(
    source: SourceFile, array: str, convert: Callable[[Any, str], Iterable[ParseEvent]]
) -> Iterator[ParseEvent]:
    """The events of every entry of the top-level ``array`` (``""``: the root list).

    Each entry gets its own byte budget, and one that cannot be read is rejected alone.
    """
    with json_items(source, f"{array}.item" if array else "item") as (reader, entries):
        for index, entry in enumerate(entries):
            reader.mark()
            yield from guarded(convert, entry, f"{array}[{index}]")


def guarded(
    convert: Callable[[Any, str], Iterable[ParseEvent]], entry: object, where: str
) -> list[ParseEvent]:
    """``convert(entry, where)``, or a ``Rejected`` when the entry holds unexpected values."""
    try:
        return list(convert(entry, where))
    except ITEM_ERRORS as exc:
        return [Rejected(where, reason(exc))]


def malformed(reader: GuardedReader, exc: Exception) -> MalformedFile:
    """A message naming the file, the place and the parser's reason (first line only)."""
    if isinstance(exc, UnicodeError):
        reason = "the text is not valid UTF-16"
    else:
        reason = first_line(exc, blank=type(exc).__name__)
    if "premature EOF" in reason:
        return MalformedFile(
            f"{reader.name}: the JSON stops abruptly at byte {reader.consumed} "
            "(the file looks truncated)"
        )
    return MalformedFile(
        f"{reader.name}: invalid JSON between bytes {reader.chunk_start} and {reader.consumed} "
        f"({reason})"
    )


@dataclass(frozen=True, slots=True)
class Shape:
    """What the first 64 KiB of a JSON file show: its root and the keys met, by prefix."""

    root: str  # "map", "array" or "" (not JSON)
    keys: frozenset[tuple[str, str]]
    top: tuple[str, ...]  # the root object's keys, in order
    empty: frozenset[str] = frozenset()  # prefixes of arrays seen opened and closed empty

    def has(self, prefix: str, *names: str) -> bool:
        return any((prefix, name) in self.keys for name in names)


_NOT_JSON = Shape("", frozenset(), ())
_last_shape: tuple[bytes, Shape] = (b"", _NOT_JSON)


def shape_of(source: SourceFile) -> Shape:
    """The shape of a file's head; cached for the last head read (every importer asks)."""
    global _last_shape
    head = as_utf8(source.head(SNIFF_BYTES))
    if _last_shape[0] == head:
        return _last_shape[1]
    shape = _shape(head)
    _last_shape = (head, shape)
    return shape


def _shape(head: bytes) -> Shape:
    start = head.lstrip()[:1]
    if start not in (b"{", b"["):
        return _NOT_JSON
    keys: set[tuple[str, str]] = set()
    top: list[str] = []
    empty: set[str] = set()
    previous = ""
    # The event that reaches the cap is read too; Decimal numbers cannot overflow.
    for prefix, event, value in head_events(head, _SNIFF_EVENTS + 1, use_float=False):
        if event == "map_key":
            keys.add((prefix, value))
            if prefix == "":
                top.append(value)
        elif event == "end_array" and previous == "start_array":
            empty.add(prefix)
        previous = event
    root = "map" if start == b"{" else "array"
    return Shape(root, frozenset(keys), tuple(top), frozenset(empty))
