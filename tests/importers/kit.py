"""What the importer tests share: in-memory files, parsing helpers, the fuzz property,
byte-mutation strategies and importing through the service.

The fuzz tests all check one property (``assert_only_typed_errors``): a damaged input
parses into ``Emit``/``Rejected`` events or fails with a ``HolopticError``, never with
another exception. Two mutation strategies feed it, kept apart because their cases differ:
``mutated`` draws edit by edit (a bit flip, an inserted NUL or token, a deletion, a cut);
``edited`` draws a list of edits first and one XOR value for every flip.
"""

from __future__ import annotations

import io
import json
import random
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from hypothesis import strategies as st

from holoptic.bootstrap import Services
from holoptic.errors import HolopticError
from holoptic.importers.model import (
    Emit,
    Importer,
    ImportReport,
    ParseEvent,
    Record,
    Rejected,
    SourceFile,
)
from holoptic.importers.sources import DiskFile
from holoptic.vault.kinds import kind_spec
from holoptic.vault.model import Member
from holoptic.vault.records import canonical, parse_time

# --- sources --------------------------------------------------------------------------


class MemoryFile:
    """A ``SourceFile`` held in memory, for small inputs built by the tests."""

    def __init__(self, data: bytes, name: str = "input.json") -> None:
        self.data, self.name, self.size = data, name, len(data)

    def head(self, size: int = 65536) -> bytes:
        return self.data[:size]

    def open(self) -> IO[bytes]:
        return io.BytesIO(self.data)

    @contextmanager
    def local_path(self) -> Iterator[Path]:  # pragma: no cover - JSON needs no path
        raise NotImplementedError
        yield Path()  # type: ignore[unreachable]


def as_file(document: object, name: str = "input.json", indent: int | None = None) -> MemoryFile:
    """A JSON document as an in-memory file."""
    return MemoryFile(json.dumps(document, indent=indent).encode(), name)


@contextmanager
def written(data: bytes, name: str) -> Iterator[DiskFile]:
    """``data`` as a real file called ``name`` (XML, FIT and SQLite importers read disks)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        yield DiskFile(path, name)


# --- parsing --------------------------------------------------------------------------


def parse_all(importer: Importer, source: SourceFile) -> list[ParseEvent]:
    """Every event of one parse."""
    return list(importer.parse(source))


def parse_path(importer: Importer, path: Path) -> list[ParseEvent]:
    return parse_all(importer, DiskFile(path, path.name))


def parse_bytes(importer: Importer, data: bytes, name: str) -> list[ParseEvent]:
    with written(data, name) as source:
        return parse_all(importer, source)


def run(importer: Importer, source: SourceFile) -> tuple[list[Emit], list[Rejected]]:
    """Every event of a parse, split into emitted records and rejections."""
    events = parse_all(importer, source)
    emits = [e for e in events if isinstance(e, Emit)]
    return emits, [e for e in events if isinstance(e, Rejected)]


def records(events: Iterable[ParseEvent], kind: str | None = None) -> list[Record]:
    """The emitted records, in order; given ``kind``, every emit must be of that kind."""
    emits = [e for e in events if isinstance(e, Emit)]
    if kind is not None:
        assert all(e.kind == kind for e in emits)
    return [e.record for e in emits]


def kinds(emits: list[Emit]) -> dict[str, int]:
    return dict(Counter(e.kind for e in emits))


def of_kind(emits: list[Emit], kind: str) -> list[dict[str, object]]:
    return [e.record for e in emits if e.kind == kind]


def assert_storable(emits: list[Emit]) -> None:
    """What a parser emits must be accepted by the vault: plain JSON, zoned times."""
    for emit in emits:
        kind_spec(emit.kind)
        canonical(emit.record)
        parse_time(emit.record["time"])
        if "end" in emit.record:
            parse_time(emit.record["end"])


# --- the fuzz property ----------------------------------------------------------------


def assert_only_typed_errors(
    parse: Callable[[], Iterable[ParseEvent]], each: Callable[[Emit], object] | None = None
) -> list[Emit]:
    """Run ``parse``: only ``Emit``/``Rejected`` events, and no error but a ``HolopticError``.

    ``each`` checks every emitted record inside the same guard. Returns the emits, or
    nothing when the parse stopped with a typed error.
    """
    emits: list[Emit] = []
    try:
        for event in parse():
            assert isinstance(event, Emit | Rejected)
            if isinstance(event, Emit):
                if each is not None:
                    each(event)
                emits.append(event)
    except HolopticError:
        return []
    return emits


def plain_json(emit: Emit) -> None:
    """A record must serialise as strict JSON (no NaN, no infinity)."""
    json.dumps(emit.record, allow_nan=False)


def parse_or_typed_error(importer: Importer, data: bytes) -> None:
    """A clean parse of storable records, or a ``HolopticError`` (sniffing included)."""
    source = MemoryFile(data)

    def sniff_then_parse() -> Iterable[ParseEvent]:
        importer.sniff(source)
        return parse_all(importer, source)

    assert_storable(assert_only_typed_errors(sniff_then_parse))


# --- byte mutations -------------------------------------------------------------------

INSERTS = {"nul": b"\x00", "vt": b"\x0b"}


@st.composite
def mutated(
    draw: st.DrawFn,
    data: bytes,
    ops: Sequence[str] = ("flip", "flip", "nul", "delete", "cut"),
    max_edits: int = 5,
    tokens: Sequence[bytes] = (),
    stop_when_empty: bool = True,
) -> bytes:
    """A real input with a few bit flips, deletions, inserted NULs or tokens, or a cut.

    An op that is not ``flip``, ``cut``, ``nul`` or ``delete`` (or a flip of nothing)
    inserts one of ``tokens``.
    """
    buffer = bytearray(data)
    for _ in range(draw(st.integers(1, max_edits))):
        if stop_when_empty and not buffer:
            break
        op = draw(st.sampled_from(ops))
        where = draw(st.integers(0, max(0, len(buffer) - 1)))
        if op == "flip" and buffer:
            buffer[where] ^= 1 << draw(st.integers(0, 7))
        elif op == "cut":
            del buffer[where:]
        elif op == "nul":
            buffer[where:where] = b"\x00"
        elif op == "delete":
            del buffer[where]
        else:
            buffer[where:where] = draw(st.sampled_from(tokens))
    return bytes(buffer)


@st.composite
def mutated_files(
    draw: st.DrawFn, samples: Sequence[MemoryFile], tokens: Sequence[bytes]
) -> MemoryFile:
    """One of ``samples``, mutated, under its own name (flips, cuts, NULs, tokens)."""
    sample = draw(st.sampled_from(samples))
    ops = ("flip", "cut", "nul", "insert")
    data = draw(mutated(sample.data, ops, max_edits=4, tokens=tokens, stop_when_empty=False))
    return MemoryFile(data, sample.name)


def apply_edits(seed: bytes, edits: list[tuple[str, int]], value: int) -> bytes:
    """XOR ``value`` at each flip, insert at ``nul``/``vt``, cut at anything else."""
    data = bytearray(seed)
    for op, where in edits:
        where %= max(len(data), 1)
        if op == "flip" and data:
            data[where] ^= value
        elif op in INSERTS:
            data[where:where] = INSERTS[op]
        else:
            del data[where:]
    return bytes(data)


def edited(
    seed: bytes,
    ops: Sequence[str] = ("flip", "nul", "cut"),
    upto: int | None = None,
    max_edits: int = 5,
) -> st.SearchStrategy[bytes]:
    """``seed`` after a list of edits at places up to ``upto`` (the seed's last byte)."""
    places = st.integers(0, len(seed) - 1 if upto is None else upto)
    edits = st.lists(st.tuples(st.sampled_from(ops), places), min_size=1, max_size=max_edits)
    return st.builds(apply_edits, st.just(seed), edits, st.integers(1, 255))


def swapped(value: object, chance: random.Random, junk: Sequence[object], rate: float) -> object:
    """``value`` with, at ``rate``, any part replaced by a value of another JSON type."""
    if chance.random() < rate:
        return chance.choice(junk)
    if isinstance(value, dict):
        return {key: swapped(inner, chance, junk, rate) for key, inner in value.items()}
    if isinstance(value, list):
        return [swapped(inner, chance, junk, rate) for inner in value]
    return value


# --- through the import service -------------------------------------------------------


def import_files(services: Services, member: Member, paths: Sequence[Path]) -> ImportReport:
    """Import ``paths`` for ``member`` the way ``holoptic import`` does."""
    return services.imports.run(member.id, paths)


def stored(services: Services, member: Member) -> dict[str, int]:
    """How many records of each kind the member's vault holds."""
    return {s.kind: s.records for s in services.items.summary(member.id)}
