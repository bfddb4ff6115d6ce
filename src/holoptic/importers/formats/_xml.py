"""Safe XML plumbing shared by the Green Button, GPX and Apple Health importers.

XML's dangerous features all live in the document type declaration: entity declarations
(billion laughs, quadratic blow-up) and external identifiers (XXE, network access). We
read the prolog ourselves, before any parser sees a byte: a DOCTYPE that declares an
entity or points outside the file is refused with ``UnsafeContent``; any other DOCTYPE
(Apple Health's harmless internal subset, including the broken one of export version 12
whose VisionPrescription ATTLIST is never closed) is blanked out, replaced by as many
newlines as it spanned so that the parser's line numbers still match the file. lxml then
parses with ``resolve_entities=False, no_network=True, load_dtd=False`` as a second line
of defence: with no DTD left, any entity reference is an undefined-entity error.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from holoptic.importers.errors import MalformedFile, UnsafeContent
from holoptic.importers.model import SourceFile

if TYPE_CHECKING:
    from lxml import etree

PROLOG_LIMIT = 4 * 1024 * 1024
CHUNK = 1 << 16
_BOM = b"\xef\xbb\xbf"
_NAME = re.compile(rb"[A-Za-z_:][-A-Za-z0-9_.:\x80-\xff]*")
_SPACE = b" \t\r\n"
# C0 control characters that XML 1.0 forbids (NUL excepted: a NUL is real damage).
_FORBIDDEN = bytes([*range(1, 9), 11, 12, *range(14, 32)])
CONTROLS = bytes.maketrans(_FORBIDDEN, b" " * len(_FORBIDDEN))


@dataclass(frozen=True, slots=True)
class Prolog:
    """What precedes the root element, as far as the bytes at hand tell."""

    root: str | None  # the root element's qualified name, or the DOCTYPE's name as a hint
    doctype: tuple[int, int] | None  # byte span of the DOCTYPE declaration
    complete: bool  # the root element's start was found
    entities: bool = False  # the DOCTYPE declares entities
    external: bool = False  # the DOCTYPE names an external DTD


def local_name(tag: object) -> str:
    """``{namespace}name`` or ``prefix:name`` → ``name`` (comments and PIs → '')."""
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def root_name(head: bytes) -> str | None:
    """The local name of the root element (for sniffing); never raises."""
    root = scan_prolog(head).root
    return None if root is None else root.rpartition(":")[2]


def scan_prolog(data: bytes) -> Prolog:
    """Walk the XML declaration, comments, PIs and DOCTYPE up to the root element."""
    pos = len(_BOM) if data.startswith(_BOM) else 0
    doctype: tuple[int, int] | None = None
    entities = external = False
    hint: str | None = None
    while True:
        while pos < len(data) and data[pos] in _SPACE:
            pos += 1
        if data.startswith(b"<?", pos):
            pos = _after(data, b"?>", pos)
        elif data.startswith(b"<!--", pos):
            pos = _after(data, b"-->", pos + 4)
        elif data.startswith(b"<!DOCTYPE", pos):
            name = _NAME.match(data, _skip_space(data, pos + 9))
            hint = name.group().decode("utf-8", "replace") if name else None
            end, entities, external = _doctype_end(data, pos)
            if end < 0:
                return Prolog(hint, None, False, entities, external)
            doctype, pos = (pos, end), end
        elif data.startswith(b"<", pos):
            name = _NAME.match(data, pos + 1)
            root = name.group().decode("utf-8", "replace") if name else None
            return Prolog(root, doctype, name is not None, entities, external)
        else:  # stray text: malformed, or a DOCTYPE that ended early on a quoted "]>"
            return Prolog(hint, doctype, False, entities or b"<!ENTITY" in data, external)
        if pos < 0:
            return Prolog(hint, doctype, False, entities, external)


def _after(data: bytes, marker: bytes, start: int) -> int:
    found = data.find(marker, start)
    return -1 if found < 0 else found + len(marker)


def _skip_space(data: bytes, pos: int) -> int:
    while pos < len(data) and data[pos] in _SPACE:
        pos += 1
    return pos


def _doctype_end(data: bytes, start: int) -> tuple[int, bool, bool]:
    """End of the DOCTYPE at ``start`` (-1 if not in ``data``), entities?, external?

    The internal subset ends at the first ``]`` followed by ``>`` outside comments.
    Quotes are deliberately not tracked: Apple's broken DTD must not derail the scan,
    and an entity hidden in a quoted string is still caught by the ``<!ENTITY`` search.
    """
    bracket, close = data.find(b"[", start), data.find(b">", start)
    external_zone = data[start : close if close >= 0 else len(data)]
    if bracket >= 0 and (close < 0 or bracket < close):
        external_zone = data[start:bracket]
    external = re.search(rb"\s(SYSTEM|PUBLIC)\s", external_zone) is not None
    if bracket < 0 or (0 <= close < bracket):
        return (-1 if close < 0 else close + 1), False, external
    pos = bracket + 1
    while True:
        comment, end = data.find(b"<!--", pos), data.find(b"]", pos)
        if comment >= 0 and (end < 0 or comment < end):
            pos = _after(data, b"-->", comment + 4)
            if pos < 0:
                return -1, b"<!ENTITY" in data[start:], external
            continue
        if end < 0:
            return -1, b"<!ENTITY" in data[start:], external
        after = _skip_space(data, end + 1)
        if after < len(data) and data[after] == ord(">"):
            return after + 1, b"<!ENTITY" in data[start:after], external
        if after >= len(data):
            return -1, b"<!ENTITY" in data[start:], external
        pos = end + 1


class SafeStream:
    """The file's bytes with the DOCTYPE blanked, optionally with C0 controls spaced."""

    def __init__(self, first: bytes, rest: IO[bytes], table: bytes | None) -> None:
        self._first, self._rest, self._table = first, rest, table

    def read(self, size: int = -1) -> bytes:
        if self._first:
            if size < 0 or size >= len(self._first):
                chunk, self._first = self._first, b""
            else:
                chunk, self._first = self._first[:size], self._first[size:]
        else:
            chunk = self._rest.read(size if size >= 0 else -1)
        return chunk.translate(self._table) if self._table is not None else chunk

    def close(self) -> None:
        self._rest.close()


def open_safe(source: SourceFile, *, clean_controls: bool = False) -> SafeStream:
    """Open ``source`` for parsing: entities and external DTDs refused, DOCTYPE blanked."""
    stream = source.open()
    try:
        head = stream.read(CHUNK)
        prolog = scan_prolog(head)
        while not prolog.complete and len(head) < PROLOG_LIMIT:
            more = stream.read(CHUNK)
            if not more:
                break
            head += more
            prolog = scan_prolog(head)
        _check(source.name, prolog)
        if prolog.doctype is not None:
            begin, end = prolog.doctype
            head = head[:begin] + b"\n" * head.count(b"\n", begin, end) + head[end:]
    except BaseException:
        stream.close()
        raise
    return SafeStream(head, stream, CONTROLS if clean_controls else None)


def _check(name: str, prolog: Prolog) -> None:
    if prolog.entities:
        raise UnsafeContent(f"{name}: the document declares XML entities; refused")
    if prolog.external:
        raise UnsafeContent(f"{name}: the document refers to an external DTD; refused")
    if not prolog.complete:
        raise MalformedFile(f"{name}: no root element found in the first bytes of the file")


def iterparse(
    stream: SafeStream,
    name: str,
    events: Sequence[str] = ("end",),
    tag: str | Sequence[str] | None = None,
) -> Iterator[tuple[str, etree._Element]]:
    """lxml's iterparse with safe options; syntax errors become ``MalformedFile``.

    lxml is imported here, when an XML file is parsed: listing the importers (every
    ``holoptic import``) then costs no memory for it."""
    from lxml import etree

    parser = etree.iterparse(
        stream,
        events=tuple(events),
        tag=tag,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        yield from parser
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        raise MalformedFile(f"{name}: line {line}, column {column}: {exc.msg}") from None
    except (etree.LxmlError, UnicodeError, ValueError) as exc:
        raise MalformedFile(f"{name}: unreadable XML ({exc})") from None
    finally:
        stream.close()


def release(element: etree._Element) -> None:
    """Free an element already handled, and the siblings handled before it."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def number(text: str | None) -> int | float | None:
    """An integer or finite float from XML text; ``None`` for anything else."""
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    if value.is_integer() and not any(mark in text for mark in ".eE"):
        try:
            return int(text)
        except ValueError:  # thousands of zeros past Python's digit limit
            return value
    return value
