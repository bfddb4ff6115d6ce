"""Receiving the import form's files: streamed straight to disk, capped, token first.

Starlette's own form parsing would spool every file to a temporary file before the route
runs; for exports of several gigabytes that is a second plaintext copy and no way to stop
early. Here the multipart body is parsed as it arrives (python-multipart, as Starlette
does) and each file is written once, into the job's upload folder:

- the CSRF token (the form's first field) is checked before the first file byte is
  written, and the folder is only created then, so a refused form leaves nothing;
- the files together may not exceed the upload limit: past it, or when the declared
  ``Content-Length`` already says so, the upload is refused and whatever arrived is deleted;
- file names are reduced to a base name (no folders, no ``..``, no control characters).
"""

from __future__ import annotations

import codecs
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING

import anyio.to_thread
from fastapi import Request
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from holoptic.web.csrf import CSRF_FIELD

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks
from holoptic.web.errors import InvalidUpload, UploadTooLarge

FILES_FIELD = "files"
MAX_FILES = 200
MAX_FIELD_BYTES = 4096  # a plain field is the CSRF token, nothing more
OVERHEAD = 1024 * 1024  # multipart framing allowed on top of the limit in Content-Length
MAX_NAME_BYTES = 200
FALLBACK_NAME = "upload"

TokenCheck = Callable[[str | None], None]


@dataclass
class _Part:
    name: str = ""
    filename: str | None = None
    data: bytearray = field(default_factory=bytearray)
    handle: IO[bytes] | None = None


@dataclass
class _Events:
    """What the parser's callbacks saw during one ``write``, handled after it (async)."""

    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    queue: list[tuple[str, bytes]] = field(default_factory=list)
    field_name: bytes = b""
    field_value: bytes = b""
    complete: bool = False  # the closing boundary arrived: the last file is whole


class UploadReceiver:
    """One upload: parse the body, check the token, write the files, enforce the limit."""

    def __init__(self, folder: Path, limit: int, check_token: TokenCheck, checked: bool) -> None:
        self.folder, self.limit = folder, limit
        self._check, self._checked = check_token, checked
        self._token: str | None = None
        self._part = _Part()
        self._events = _Events()
        self._written = 0
        self.files: list[Path] = []
        self.names: list[str] = []

    async def receive(self, request: Request) -> list[Path]:
        """Every uploaded file, on disk; on any failure nothing stays behind."""
        boundary = _boundary(request)
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit + OVERHEAD:
            raise UploadTooLarge(f"the upload declares {declared} bytes, over {self.limit}")
        parser = MultipartParser(boundary, self._callbacks())
        try:
            async for chunk in request.stream():
                parser.write(chunk)
                await self._drain()
            parser.finalize()
            await self._drain()
            if not self._events.complete:
                raise InvalidUpload("the upload was cut short before its end")
            if not self._checked:
                self._verify()
        except FormParserError as exc:
            self.discard()
            raise InvalidUpload(f"the upload is not valid form data: {exc}") from None
        except BaseException:
            self.discard()
            raise
        return self.files

    def discard(self) -> None:
        """Close and delete whatever this upload wrote."""
        if self._part.handle is not None:
            self._part.handle.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _callbacks(self) -> MultipartCallbacks:
        events = self._events

        def header_field(data: bytes, start: int, end: int) -> None:
            events.field_name += data[start:end]

        def header_value(data: bytes, start: int, end: int) -> None:
            events.field_value += data[start:end]

        def header_end() -> None:
            events.headers.append((events.field_name.lower(), events.field_value))
            events.field_name, events.field_value = b"", b""

        def headers_done() -> None:
            disposition = dict(events.headers).get(b"content-disposition", b"")
            events.headers.clear()
            events.queue.append(("part", disposition))

        def data(chunk: bytes, start: int, end: int) -> None:
            events.queue.append(("data", chunk[start:end]))

        def part_end() -> None:
            events.queue.append(("end", b""))

        def end() -> None:
            events.complete = True

        return {
            "on_header_field": header_field,
            "on_header_value": header_value,
            "on_header_end": header_end,
            "on_headers_finished": headers_done,
            "on_part_data": data,
            "on_part_end": part_end,
            "on_end": end,
        }

    async def _drain(self) -> None:
        queue = list(self._events.queue)
        self._events.queue.clear()
        for kind, payload in queue:
            if kind == "part":
                await self._begin(payload)
            elif kind == "data":
                await self._data(payload)
            else:
                await self._end()

    async def _begin(self, disposition: bytes) -> None:
        _, options = parse_options_header(disposition)
        name = options.get(b"name", b"").decode("utf-8", "replace")
        raw = options.get(b"filename")
        self._part = _Part(name, None if raw is None else raw.decode("utf-8", "replace"))
        if name != FILES_FIELD or not self._part.filename:
            return  # a plain field, or the empty part of a file input left empty
        if not self._checked:
            self._verify()  # before the first byte of any file reaches the disk
        if len(self.files) >= MAX_FILES:
            raise UploadTooLarge(f"more than {MAX_FILES} files in one upload")
        stored = safe_name(self._part.filename, set(self.names))
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self.folder / stored
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._part.handle = os.fdopen(fd, "wb")
        self.files.append(path)
        self.names.append(stored)

    async def _data(self, chunk: bytes) -> None:
        part = self._part
        if part.handle is not None:
            self._written += len(chunk)
            if self._written > self.limit:
                raise UploadTooLarge(f"the files add up to more than {self.limit} bytes")
            await anyio.to_thread.run_sync(part.handle.write, chunk)
        elif part.filename is None:
            part.data.extend(chunk)
            if len(part.data) > MAX_FIELD_BYTES:
                raise InvalidUpload(f"the field {part.name!r} is too long")

    async def _end(self) -> None:
        part, self._part = self._part, _Part()
        if part.handle is not None:
            await anyio.to_thread.run_sync(part.handle.close)
        elif part.filename is None and part.name == CSRF_FIELD:
            self._token = part.data.decode("utf-8", "replace")

    def _verify(self) -> None:
        self._check(self._token)
        self._checked = True


def _boundary(request: Request) -> bytes:
    kind, options = parse_options_header(request.headers.get("content-type"))
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise InvalidUpload("the upload must be sent as multipart/form-data")
    return boundary


def safe_name(raw: str, taken: set[str]) -> str:
    """A base name safe to create in the upload folder, distinct from those ``taken``.

    Browsers send a base name, but a client may send ``../../etc/passwd`` or a Windows
    path: only the last part is kept, without control characters, and never ``.``/``..``.
    """
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if name in ("", ".", ".."):
        name = FALLBACK_NAME
    name = _shorten(name)
    candidate, counter = name, 1
    while candidate in taken:
        counter += 1
        candidate = f"{counter}-{name}"
    return candidate


def _shorten(name: str) -> str:
    """Keep the name under the file system's limit, keeping its extension."""
    if len(name.encode()) <= MAX_NAME_BYTES:
        return name
    suffix = PurePosixPath(name).suffix
    suffix = suffix if len(suffix.encode()) <= 16 else ""
    stem = name[: len(name) - len(suffix)]
    budget = MAX_NAME_BYTES - len(suffix.encode())
    encoded = stem.encode()[:budget]
    return codecs.decode(encoded, "utf-8", "ignore") + suffix
