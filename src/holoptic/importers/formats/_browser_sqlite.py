"""Reading a member's SQLite database without ever changing it, and recognising it by
its tables: what every browser history importer needs from SQLite.

Files are opened through ``file:`` URIs with ``mode=ro&immutable=1`` (no lock, nothing
written beside them). A ``-wal`` or hot ``-journal`` next to a database is honoured by
reading a private copy of the pair. Every SQLite failure becomes ``MalformedFile``.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import tempfile
import weakref
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from holoptic.importers.errors import MalformedFile, UnreadableInput
from holoptic.importers.model import SourceFile

SQLITE_MAGIC = b"SQLite format 3\x00"
MAX_TABLES = 1_000  # a browser database has a few dozen; more is not one of ours
# Python's sqlite3 raises UnicodeDecodeError when SQLite's own error message quotes
# damaged (non UTF-8) schema text: it is one more way of saying "corrupt".
SQLITE_ERRORS = (sqlite3.Error, UnicodeDecodeError)

Row = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Schema:
    """The tables of a database, each with its (lower-cased) column names."""

    tables: Mapping[str, frozenset[str]]

    def has(self, table: str, *columns: str) -> bool:
        found = self.tables.get(table)
        return found is not None and all(column in found for column in columns)

    def columns(self, table: str) -> frozenset[str]:
        return self.tables.get(table, frozenset())


def _text(data: bytes) -> str:
    """Text columns decoded leniently: one bad byte must not fail the whole file."""
    return data.decode("utf-8", "replace")


# No schema-defined functions; no writes; corrupt cells caught early; a fixed page
# cache (KiB) big enough for the url lookups of a large history. No mmap: a file that
# shrinks under a mapping (a running browser) would kill the process with SIGBUS.
PRAGMAS = ("trusted_schema=OFF", "query_only=ON", "cell_size_check=ON", "cache_size=-16384")


def _connect(uri: str) -> sqlite3.Connection:
    conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    conn.text_factory = _text
    try:
        for pragma in PRAGMAS:
            conn.execute(f"PRAGMA {pragma}")
    except BaseException:
        conn.close()
        raise
    return conn


def _uri(path: Path, immutable: bool) -> str:
    # A private copy is opened read-write so that SQLite may roll a hot journal back
    # (or replay a WAL) in it; ``query_only`` still stops any statement of ours writing.
    flags = "mode=ro&immutable=1" if immutable else "mode=rw"
    return f"{path.resolve().as_uri()}?{flags}"


def _journals(path: Path) -> list[Path]:
    """A ``-wal`` or hot ``-journal`` beside the database (regular files, not links)."""
    found = []
    for suffix in ("-wal", "-journal"):
        sibling = path.with_name(path.name + suffix)
        if not sibling.is_symlink() and sibling.is_file() and sibling.stat().st_size > 0:
            found.append(sibling)
    return found


def _private_copy(path: Path, journals: list[Path], stack: ExitStack) -> Path:
    """Copy the database and its journals aside, so SQLite may replay them on the copy."""
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="holoptic-db-")))
    target = folder / "db.sqlite"
    shutil.copyfile(path, target)
    for journal in journals:
        shutil.copyfile(journal, folder / ("db.sqlite" + journal.name[len(path.name) :]))
    return target


def check_header(path: Path, name: str) -> None:
    """Refuse files that are not SQLite, or shorter than their header says (truncated)."""
    with path.open("rb") as handle:
        header = handle.read(100)
    size = path.stat().st_size
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise MalformedFile(f"{name}: not a readable SQLite database (encrypted or damaged?)")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65_536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise MalformedFile(f"{name}: damaged SQLite header (page size {page_size} at byte 16)")
    if size % page_size:
        raise MalformedFile(
            f"{name}: truncated at byte {size} (not a whole number of {page_size}-byte pages)"
        )
    pages = int.from_bytes(header[28:32], "big")
    if pages and header[24:28] == header[92:96] and size < pages * page_size:
        raise MalformedFile(
            f"{name}: truncated at byte {size}; its header declares {pages * page_size} bytes"
        )


@contextmanager
def open_database(source: SourceFile) -> Iterator[sqlite3.Connection]:
    """A read-only connection; the member's file (and its folder) are never written.

    With no journal beside it the file is opened ``immutable=1``: SQLite takes no lock
    and creates no ``-shm``. When a ``-wal`` (or hot ``-journal``) sits beside it, the
    latest visits live there and ``immutable`` would ignore them, so the database and
    its journal are copied to a private folder and the copy is read instead.
    """
    with source.local_path() as path, ExitStack() as stack:
        try:
            check_header(path, source.name)
            conn = _connect(_readable_uri(path, stack))
        except SQLITE_ERRORS as exc:
            raise malformed(source.name, exc) from None
        except OSError as exc:
            raise UnreadableInput(f"{source.name}: cannot be read ({exc.strerror})") from None
        stack.callback(conn.close)
        yield conn


def _readable_uri(path: Path, stack: ExitStack) -> str:
    """The file itself, immutable, or a private copy with its journal.

    ``immutable=1`` ignores any journal. A ``-wal`` holds the latest visits; a hot
    ``-journal`` holds the pages needed to undo a half-written transaction (reading
    without it could return torn pages). Either way the copy is the faithful reading.
    """
    journals = _journals(path)
    if not journals:
        return _uri(path, immutable=True)
    return _uri(_private_copy(path, journals, stack), immutable=False)


def malformed(name: str, exc: Exception) -> MalformedFile:
    detail = "unreadable schema text" if isinstance(exc, UnicodeDecodeError) else str(exc)
    return MalformedFile(
        f"{name}: the database is damaged or was being written ({detail}); "
        "close the browser, copy the file again and retry"
    )


def rows(conn: sqlite3.Connection, sql: str, name: str) -> Iterator[Row]:
    """The rows of a query, one at a time; SQLite errors become ``MalformedFile``."""
    try:
        cursor = conn.execute(sql)
        while batch := cursor.fetchmany(1000):
            yield from batch
    except SQLITE_ERRORS as exc:
        raise malformed(name, exc) from None


def read_schema(conn: sqlite3.Connection) -> Schema:
    """Tables and their columns, as SQLite reports them (raises ``sqlite3.Error``)."""
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' LIMIT ?", (MAX_TABLES,)
        )
        if isinstance(row[0], str)
    ]
    tables: dict[str, frozenset[str]] = {}
    for table in names:
        info = conn.execute("SELECT name FROM pragma_table_info(?)", (table,)).fetchall()
        tables[table] = frozenset(str(column).lower() for (column,) in info)
    return Schema(tables)


# --- detection ------------------------------------------------------------------------

_schemas: weakref.WeakKeyDictionary[Any, Schema | None] = weakref.WeakKeyDictionary()
_CREATE = re.compile(rb"CREATE TABLE\s+[\"`\[]?(\w+)[\"`\]]?\s*\(([^)]*)", re.IGNORECASE)


def schema_of(source: SourceFile) -> Schema | None:
    """The tables of an SQLite file, or None for anything else. Never raises on content.

    Every browser importer asks in turn about the same file, so the answer is kept for
    as long as the file object lives. A database too damaged to open is still described
    from the ``CREATE TABLE`` statements in its first pages, so that it can be refused
    as a broken browser database rather than ignored.
    """
    if not source.head(len(SQLITE_MAGIC)).startswith(SQLITE_MAGIC):
        return None
    try:
        return _schemas[source]
    except (KeyError, TypeError):
        pass
    schema = _probe(source)
    with suppress(TypeError):  # a source type that cannot be weakly referenced: no cache
        _schemas[source] = schema
    return schema


def _probe(source: SourceFile) -> Schema | None:
    try:
        with source.local_path() as path, ExitStack() as stack:
            conn = _connect(_readable_uri(path, stack))
            stack.callback(conn.close)
            schema = read_schema(conn)
    except (sqlite3.Error, ValueError):
        return _scan(source.head(1 << 16))
    return schema if schema.tables else _scan(source.head(1 << 16))


def _scan(head: bytes) -> Schema | None:
    """Table and column names from raw ``CREATE TABLE`` text (for damaged files)."""
    tables: dict[str, frozenset[str]] = {}
    for match in _CREATE.finditer(head):
        words = (part.split(None, 1) for part in match.group(2).split(b","))
        tables[match.group(1).decode("ascii")] = frozenset(
            word[0].strip(b'"`[]').decode("latin-1").lower() for word in words if word
        )
    return Schema(tables) if tables else None


def binary_named(source: SourceFile, names: frozenset[str]) -> bool:
    """A binary file whose tables cannot be read but which bears a browser database's
    exact file name: an encrypted, truncated or wrecked copy.

    Claimed only so that it fails with a clear "damaged database" message instead of
    passing as an unknown file; content alone decides for everything readable.
    """
    if PurePosixPath(source.name).name not in names:
        return False
    return b"\x00" in source.head(1024)
