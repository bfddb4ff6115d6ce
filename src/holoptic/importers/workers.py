"""Reading one large file in worker processes, each a byte range of its main array.

Parsing JSON and writing canonical lines is most of an import's work, and it runs in
Python, on one core. A large file is therefore cut where an entry ends (a ``}``, a comma,
the next ``{``) near equal shares, and each share is read by its own process, inside a
frame that makes it a document of its own: ``{"locations": [`` before it unless it starts
the file, a sentinel item and ``]}`` after it unless it ends the file. The cut is a guess
checked by the worker that reads up to it: only a cut between two entries of the array
leaves the sentinel its last item (a cut inside a string or a nested object breaks the
JSON or buries the sentinel). Any failure, bad cut or broken file alike, raises
``WorkersFailed``, and the caller reads the file again in one process, where errors are
reported as usual, with their byte offsets.

Workers are ``python -c`` processes given their job on stdin; they answer on stdout with
length-prefixed pickles. A pipe holds a worker back until its chunk is taken (memory
stays flat), and a parent killed with SIGKILL leaves its workers to die on their next
write. Only the parent touches the database.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import pickle
import re
import selectors
import struct
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any, cast

import ijson

from holoptic.importers.formats._google_json import GuardedReader
from holoptic.importers.lines import LineChunk, line_chunks
from holoptic.importers.model import LineImporter

MIN_BYTES = 32 * 1024 * 1024
MAX_WORKERS = 4
_SENTINEL = "\x00holoptic: end of part"
_INDENTED = re.compile(rb"\n([ \t]*)\}[ \t]*,\s*(\{)")
_ENTRY = re.compile(rb'\}\s*,\s*(\{)\s*"(?:latitudeE7|timestampMs)"')
_ANY = re.compile(rb"\}\s*,\s*(\{)")
_WINDOW = 1 << 20
_PIPE_BYTES = 1 << 20
_CHUNK = 5_000  # entries: a worker holds one chunk, the pipe about one more
_HEADER = struct.Struct("<Q")
_UTF16 = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_BOOT = "from holoptic.importers.workers import serve; serve()"


class WorkersFailed(Exception):
    """The workers could not read the file (a bad cut, a broken file, a crash)."""


@dataclass(frozen=True, slots=True)
class Part:
    """A byte range of the file and the text that frames it as a document."""

    start: int
    end: int
    opening: bytes
    closing: bytes


@dataclass(frozen=True, slots=True)
class _Job:
    path: str
    name: str
    part: Part
    importer: LineImporter


def worker_count() -> int:
    """How many workers a large file gets: one per core, at most ``MAX_WORKERS``."""
    return min(os.cpu_count() or 1, MAX_WORKERS) if os.name == "posix" else 1


def plan(path: Path, array: str, count: int) -> list[Part]:
    """``count`` parts cut near equal shares, or none when no cut is found (or the file is
    UTF-16: its bytes cannot be cut and re-framed)."""
    size = path.stat().st_size
    cuts = [0]
    with path.open("rb") as handle:
        if handle.read(2) in _UTF16:
            return []
        for share in range(1, count):
            offset = size * share // count
            handle.seek(offset)
            cut = _cut(handle.read(_WINDOW))
            if cut is not None and offset + cut > cuts[-1]:
                cuts.append(offset + cut)
    if len(cuts) < 2:
        return []
    opening = b"{" + json.dumps(array).encode() + b": ["
    closing = json.dumps(_SENTINEL).encode() + b"]}"
    ends = [*cuts[1:], size]
    last = len(cuts) - 1
    return [
        Part(start, end, opening if n else b"", closing if n < last else b"")
        for n, (start, end) in enumerate(zip(cuts, ends, strict=True))
    ]


def _cut(window: bytes) -> int | None:
    """Where the next entry seems to start: in an indented file, after the least indented
    ``},`` (entries are the outermost objects but one); else before an entry's usual first
    key; else after any ``},``. A wrong guess only costs the file a second reading."""
    indented = [(len(m.group(1)), m.start(2)) for m in _INDENTED.finditer(window)]
    if indented:
        return min(indented)[1]
    found = _ENTRY.search(window) or _ANY.search(window)
    return None if found is None else found.start(1)


class Workers:
    """One worker process per part; ``chunks`` yields their chunks as they come."""

    def __init__(self, importer: LineImporter, path: Path, name: str, parts: list[Part]) -> None:
        self._jobs = [_Job(str(path), name, part, importer) for part in parts]
        self._processes: list[subprocess.Popen[bytes]] = []
        self._errors: IO[bytes] | None = None
        self.entries: list[int] = [0] * len(parts)  # entries read per part, once done
        self._done = [False] * len(parts)

    def __enter__(self) -> Workers:
        self._errors = tempfile.TemporaryFile()
        environment = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        try:
            for job in self._jobs:
                process = subprocess.Popen(  # noqa: S603 - our own interpreter and code
                    [sys.executable, "-c", _BOOT],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=self._errors,
                    bufsize=0,
                    env=environment,
                )
                self._processes.append(process)
                _widen(process.stdout)
                assert process.stdin is not None
                process.stdin.write(pickle.dumps(job, pickle.HIGHEST_PROTOCOL))
                process.stdin.close()
        except OSError as exc:
            self.__exit__(None, None, None)
            raise WorkersFailed(f"could not start a worker ({exc})") from exc
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for done, process in zip(self._done, self._processes, strict=False):
            if not done and process.poll() is None:
                process.kill()  # stopped early: its answers are not wanted any more
            process.wait()
            if process.stdout is not None:
                process.stdout.close()
        if self._errors is not None:
            self._errors.close()

    def chunks(self) -> Iterator[tuple[int, LineChunk]]:
        """``(part, chunk)`` pairs, parts interleaved; raises ``WorkersFailed``."""
        with selectors.DefaultSelector() as selector:
            for index, process in enumerate(self._processes):
                assert process.stdout is not None
                selector.register(process.stdout, selectors.EVENT_READ, (index, process.stdout))
            while selector.get_map():
                for key, _events in selector.select():
                    index, stream = key.data
                    message = _receive(stream)
                    if message is None or message[0] == "failed":
                        raise WorkersFailed(self._why(index, message))
                    if message[0] == "done":
                        self.entries[index] = message[1]
                        self._done[index] = True
                        selector.unregister(stream)
                    else:
                        yield index, message[1]

    def _why(self, index: int, message: tuple[str, Any] | None) -> str:
        if message is not None:
            return f"worker {index}: {message[1]}"
        assert self._errors is not None
        self._errors.seek(0)
        said = self._errors.read()[-2000:].decode(errors="replace").strip()
        return f"worker {index} ended early: {said or 'no message'}"


def _widen(pipe: IO[bytes] | None) -> None:
    """A pipe of 1 MiB (Linux): a worker writes its next chunk while this one is stored.
    Elsewhere, or above the system's limit, the default pipe works too."""
    with contextlib.suppress(ImportError, AttributeError, OSError):
        import fcntl  # POSIX only: imported here so that this module imports everywhere

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BYTES)  # type: ignore[union-attr]


def _receive(stream: IO[bytes]) -> tuple[str, Any] | None:
    header = _read_exactly(stream, _HEADER.size)
    if header is None:
        return None
    body = _read_exactly(stream, _HEADER.unpack(header)[0])
    return None if body is None else pickle.loads(body)  # noqa: S301 - our own child


def _read_exactly(stream: IO[bytes], size: int) -> bytes | None:
    buffer = bytearray(size)
    view, done = memoryview(buffer), 0
    while done < size:
        count = stream.readinto(view[done:])  # type: ignore[attr-defined]
        if not count:
            return None
        done += count
    return bytes(buffer)


# --- inside a worker --------------------------------------------------------------------


def serve() -> None:
    """A worker's life: one job from stdin, its chunks on stdout, then ``done``."""
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print must not corrupt the answers
    try:
        job: _Job = pickle.load(sys.stdin.buffer)  # noqa: S301 - from our parent
        for message in _work(job):
            _send(answers, message)
        answers.close()
    except BrokenPipeError:  # the parent is gone: nobody to tell
        os._exit(1)
    except BaseException as exc:  # told to the parent, which reads the file itself
        _send(answers, ("failed", f"{type(exc).__name__}: {exc}"))
        answers.close()


def _work(job: _Job) -> Iterator[tuple[str, Any]]:
    importer = job.importer
    with open(job.path, "rb") as raw:
        reader = GuardedReader(cast(IO[bytes], _Framed(raw, job.part)), job.name)  # read() only
        entries = ijson.items(reader, f"{importer.array}.item", use_float=True)
        if job.part.closing:
            entries = _before_sentinel(entries)
        count = 0
        for chunk in line_chunks(importer, entries, reader, _CHUNK):
            count = chunk.entries
            yield "chunk", chunk
    yield "done", count


def _before_sentinel(entries: Iterator[object]) -> Iterator[object]:
    """The entries but the last, which must be the sentinel: else the cut was wrong."""
    previous: object = _SENTINEL
    first = True
    for entry in entries:
        if not first:
            yield previous
        previous, first = entry, False
    if first or previous != _SENTINEL:
        raise WorkersFailed("the cut did not fall between two entries")


def _send(stream: IO[bytes], message: tuple[str, Any]) -> None:
    body = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(body)))
    stream.write(body)
    stream.flush()


class _Framed:
    """``opening + file[start:end] + closing`` as one byte stream."""

    def __init__(self, raw: IO[bytes], part: Part) -> None:
        raw.seek(part.start)
        self._raw, self._left = raw, part.end - part.start
        self._opening, self._closing = part.opening, part.closing

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""  # ijson probes the stream's type with read(0)
        if self._opening:
            data, self._opening = self._opening, b""
            return data
        if self._left > 0:
            data = self._raw.read(min(size if size > 0 else 1 << 16, self._left))
            self._left -= len(data)
            if data:
                return data
            self._left = 0
        data, self._closing = self._closing, b""
        return data
