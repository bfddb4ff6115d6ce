"""Walking what a member hands in: files, folders, zip and tar archives, safely.

Archive members are checked before anything is read: no absolute paths, no ``..``, no
links or devices, and the expanded size must stay under the limits (declared sizes are
also enforced while reading, since a zip can lie about them). An unsafe member is
reported and skipped; the rest of the archive still imports.
"""

from __future__ import annotations

import io
import os
import shutil
import stat
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from holoptic.importers.errors import ArchiveTooLarge, UnreadableInput, UnsafeArchive


@dataclass(frozen=True, slots=True)
class Limits:
    """Configurable guards against archive bombs."""

    max_total_bytes: int = 20 * 1024**3
    max_ratio: int = 200
    max_members: int = 200_000
    max_depth: int = 2


@dataclass(frozen=True, slots=True)
class Problem:
    """A member that was refused, reported like a failed file."""

    name: str
    error: UnsafeArchive | ArchiveTooLarge | UnreadableInput


class DiskFile:
    def __init__(self, path: Path, name: str) -> None:
        self.path, self.name = path, name
        self.size = path.stat().st_size

    def head(self, size: int = 65536) -> bytes:
        with self.path.open("rb") as handle:
            return handle.read(size)

    def open(self) -> IO[bytes]:
        return self.path.open("rb")

    @contextmanager
    def local_path(self) -> Iterator[Path]:
        yield self.path


class _Budget:
    """Counts expanded bytes across one archive and stops at the limit."""

    def __init__(self, limit: int) -> None:
        self.limit, self.used = limit, 0

    def spend(self, count: int, name: str) -> None:
        self.used += count
        if self.used > self.limit:
            raise ArchiveTooLarge(
                f"{name}: the archive expands beyond {self.limit} bytes "
                "(raise the limit with --max-archive-bytes if it is genuine)"
            )


class _LimitedReader(io.RawIOBase):
    """Reads a member and refuses to go past its declared size."""

    def __init__(self, inner: IO[bytes], declared: int, name: str) -> None:
        self._inner, self._left, self._name = inner, declared, name

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(min(len(buffer), self._left + 1))
        if len(data) > self._left:
            raise ArchiveTooLarge(f"{self._name}: member is larger than the archive declares")
        self._left -= len(data)
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


class ZipMember:
    def __init__(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
        self._archive, self._info, self.name = archive, info, name
        self.size = info.file_size

    def head(self, size: int = 65536) -> bytes:
        with self.open() as handle:
            return handle.read(size)

    def open(self) -> IO[bytes]:
        raw = _LimitedReader(self._archive.open(self._info), self._info.file_size, self.name)
        return io.BufferedReader(raw, buffer_size=1 << 16)

    @contextmanager
    def local_path(self) -> Iterator[Path]:
        with tempfile.TemporaryDirectory(prefix="holoptic-") as tmp:
            target = Path(tmp) / PurePosixPath(self.name).name
            with self.open() as source, target.open("wb") as sink:
                shutil.copyfileobj(source, sink, 1 << 20)
            yield target


SourceItem = DiskFile | ZipMember | Problem


def safe_member_name(raw: str) -> str:
    """The member's path if it is safe to use, else ``UnsafeArchive``."""
    name = raw.replace("\\", "/")
    path = PurePosixPath(name)
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise UnsafeArchive(f"{raw}: absolute path in archive refused")
    if ".." in path.parts:
        raise UnsafeArchive(f"{raw}: path traversal ('..') in archive refused")
    if "\x00" in name:
        raise UnsafeArchive(f"{raw!r}: NUL byte in member name refused")
    return str(path)


def walk(paths: list[Path], limits: Limits, stack: ExitStack) -> Iterator[SourceItem]:
    """Every file under the given paths, archives opened, problems reported in line."""
    for path in paths:
        if not path.exists():
            yield Problem(str(path), UnreadableInput(f"{path}: no such file or folder"))
        elif path.is_symlink():
            yield Problem(str(path), UnsafeArchive(f"{path}: symbolic links are not followed"))
        elif path.is_dir():
            yield from _walk_folder(path, limits, stack)
        else:
            yield from _expand(DiskFile(path, path.name), limits, stack, depth=0)


def _walk_folder(root: Path, limits: Limits, stack: ExitStack) -> Iterator[SourceItem]:
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        for file_name in sorted(files):
            path = Path(folder) / file_name
            name = f"{root.name}/{path.relative_to(root).as_posix()}"
            if path.is_symlink() or not path.is_file():
                yield Problem(name, UnsafeArchive(f"{name}: links and special files are skipped"))
                continue
            yield from _expand(DiskFile(path, name), limits, stack, depth=0)


def _expand(
    source: DiskFile | ZipMember, limits: Limits, stack: ExitStack, depth: int
) -> Iterator[SourceItem]:
    head = source.head(512)
    if head.startswith(b"PK\x03\x04") and depth < limits.max_depth:
        yield from _zip(source, limits, stack, depth)
    elif _is_tar(head) and depth < limits.max_depth:
        yield from _tar(source, limits, stack, depth)
    else:
        yield source


def _is_tar(head: bytes) -> bool:
    return head.startswith(b"\x1f\x8b") or head[257:262] == b"ustar"


def _zip(
    source: DiskFile | ZipMember, limits: Limits, stack: ExitStack, depth: int
) -> Iterator[SourceItem]:
    if isinstance(source, DiskFile):
        local = source.path
    else:  # a zip inside an archive: copied out, under its declared size
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="holoptic-zip-")))
        local = folder / "nested.zip"
        with source.open() as raw, local.open("wb") as sink:
            shutil.copyfileobj(raw, sink, 1 << 20)
    try:
        archive = stack.enter_context(zipfile.ZipFile(local))
    except (zipfile.BadZipFile, OSError) as exc:
        yield Problem(source.name, UnreadableInput(f"{source.name}: broken zip archive ({exc})"))
        return
    yield from _zip_members(source.name, archive, limits, stack, depth)


def _zip_members(
    prefix: str, archive: zipfile.ZipFile, limits: Limits, stack: ExitStack, depth: int
) -> Iterator[SourceItem]:
    infos = [info for info in archive.infolist() if not info.is_dir()]
    try:
        _check_zip_budget(prefix, infos, limits)
    except ArchiveTooLarge as error:
        yield Problem(prefix, error)
        return
    for info in infos:
        label = f"{prefix}/{info.filename}"
        try:
            name = f"{prefix}/{safe_member_name(info.filename)}"
            if stat.S_ISLNK(info.external_attr >> 16):
                raise UnsafeArchive(f"{label}: symbolic link in archive refused")
        except UnsafeArchive as error:
            yield Problem(label, error)
            continue
        yield from _expand(ZipMember(archive, info, name), limits, stack, depth + 1)


def _check_zip_budget(prefix: str, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.max_members:
        raise ArchiveTooLarge(f"{prefix}: more than {limits.max_members} files in the archive")
    total = sum(info.file_size for info in infos)
    if total > limits.max_total_bytes:
        raise ArchiveTooLarge(
            f"{prefix}: expands to {total} bytes, over the limit of {limits.max_total_bytes}"
        )
    for info in infos:
        if info.file_size > 1 << 20 and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise ArchiveTooLarge(
                f"{prefix}/{info.filename}: compression ratio over {limits.max_ratio}:1 "
                "(a zip bomb?)"
            )


def _tar(
    source: DiskFile | ZipMember, limits: Limits, stack: ExitStack, depth: int
) -> Iterator[SourceItem]:
    """Tar archives are extracted (they cannot be read at random) under the same limits."""
    target = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="holoptic-tar-")))
    budget = _Budget(limits.max_total_bytes)
    try:
        with source.open() as raw, tarfile.open(fileobj=raw, mode="r|*") as archive:
            extracted = list(_extract_tar(source.name, archive, target, budget, limits))
    except (tarfile.TarError, EOFError, OSError) as exc:
        yield Problem(source.name, UnreadableInput(f"{source.name}: broken tar archive ({exc})"))
        return
    except ArchiveTooLarge as error:
        yield Problem(source.name, error)
        return
    for item in extracted:
        if isinstance(item, Problem):
            yield item
        else:
            yield from _expand(item, limits, stack, depth + 1)


def _extract_tar(
    prefix: str, archive: tarfile.TarFile, target: Path, budget: _Budget, limits: Limits
) -> Iterator[DiskFile | Problem]:
    for count, member in enumerate(archive):
        if count >= limits.max_members:
            raise ArchiveTooLarge(f"{prefix}: more than {limits.max_members} files in the archive")
        label = f"{prefix}/{member.name}"
        try:
            relative = safe_member_name(member.name)
            if member.issym() or member.islnk():
                raise UnsafeArchive(f"{label}: link in archive refused")
            if not (member.isfile() or member.isdir()):
                raise UnsafeArchive(f"{label}: special file in archive refused")
        except UnsafeArchive as error:
            yield Problem(label, error)
            continue
        if member.isdir():
            continue
        yield _extract_member(archive, member, target / relative, f"{prefix}/{relative}", budget)


def _extract_member(
    archive: tarfile.TarFile, member: tarfile.TarInfo, path: Path, name: str, budget: _Budget
) -> DiskFile:
    budget.spend(member.size, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    stream = archive.extractfile(member)
    assert stream is not None
    with path.open("wb") as sink:
        shutil.copyfileobj(stream, sink, 1 << 20)
    return DiskFile(path, name)
