"""Values that importers produce and the import reports made of them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol, runtime_checkable

Record = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Emit:
    """One record of one kind, ready for the vault."""

    kind: str
    record: Record


@dataclass(frozen=True, slots=True)
class Rejected:
    """A part of a file that was skipped, and why (the rest of the file still imports)."""

    location: str
    reason: str


ParseEvent = Emit | Rejected


class SourceFile(Protocol):
    """One file of an import: on disk, or a member of an archive."""

    @property
    def name(self) -> str:
        """Its path relative to what the member handed in (archive members included)."""
        ...

    @property
    def size(self) -> int: ...

    def head(self, size: int = 65536) -> bytes:
        """The first bytes, for detection by content."""
        ...

    def open(self) -> IO[bytes]:
        """A fresh binary stream over the whole content."""
        ...

    def local_path(self) -> AbstractContextManager[Path]:
        """A real file path (databases need one); archive members are copied out."""
        ...


class Importer(Protocol):
    """One export format."""

    @property
    def format(self) -> str:
        """A stable name such as ``google.records``."""
        ...

    @property
    def version(self) -> str:
        """Bumped when parsing changes what is stored."""
        ...

    def sniff(self, source: SourceFile) -> bool:
        """Whether ``source`` is this format, judged by content (names only as a hint)."""
        ...

    def parse(self, source: SourceFile) -> Iterator[ParseEvent]:
        """Stream the file's records; raise an ``ImportFileError`` if it cannot be read."""
        ...


@runtime_checkable
class LineImporter(Importer, Protocol):
    """A format whose file is one JSON array of entries, each one record of one kind.

    The import service streams such a file as canonical lines (``line``), in worker
    processes when it is large, instead of building each record as a dict.
    """

    @property
    def kind(self) -> str: ...

    @property
    def array(self) -> str:
        """The root object's key holding the entries (``locations``)."""
        ...

    def line(self, entry: object) -> tuple[str, str]:
        """The entry's record as a canonical line, and its time as sortable UTC text:
        ``…SS.mmmZ`` (24 characters) or ``…SS.ffffffZ`` (27). Raises like ``parse`` does
        for an entry it rejects."""
        ...


@dataclass(frozen=True, slots=True)
class FileError:
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class FileReport:
    """What became of one file."""

    path: str
    format: str | None
    records_added: int = 0
    records_duplicate: int = 0
    items_added: int = 0
    rejected: tuple[Rejected, ...] = ()
    rejected_total: int = 0
    error: FileError | None = None
    batch_id: str | None = None

    @property
    def recognised(self) -> bool:
        return self.format is not None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True, slots=True)
class ImportReport:
    import_id: str
    files: tuple[FileReport, ...] = field(default_factory=tuple)

    @property
    def records_added(self) -> int:
        return sum(f.records_added for f in self.files)

    @property
    def ok(self) -> bool:
        """True when every recognised file imported and no archive member was refused.

        Unrecognised files are reported but are not failures.
        """
        return all(f.ok for f in self.files)
