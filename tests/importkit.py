"""A tiny importer for testing the import machinery itself, and archive builders."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

from holoptic.importers.errors import MalformedFile
from holoptic.importers.model import Emit, ParseEvent, Rejected, SourceFile


class LinesImporter:
    """Reads files starting with ``#points``: one JSON point per line; ``BOOM`` fails."""

    format = "test.points"
    version = "1"

    def sniff(self, source: SourceFile) -> bool:
        return source.head(7) == b"#points"

    def parse(self, source: SourceFile) -> Iterator[ParseEvent]:
        with source.open() as stream:
            for number, line in enumerate(stream.read().decode().splitlines()[1:], start=2):
                if line == "BOOM":
                    raise MalformedFile(f"{source.name}: line {number}: boom")
                if not line.startswith("{"):
                    yield Rejected(f"line {number}", "not a JSON object")
                    continue
                yield Emit("location.point", json.loads(line))


def points_file(path: Path, count: int, day: int = 1, extra: str = "") -> Path:
    lines = [
        json.dumps({"time": f"2026-04-{day:02d}T{n % 24:02d}:{n // 24 % 60:02d}:00Z", "n": n})
        for n in range(count)
    ]
    path.write_text("#points\n" + "\n".join(lines) + ("\n" + extra if extra else "") + "\n")
    return path


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def make_tar(path: Path, members: dict[str, bytes], links: dict[str, str] | None = None) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            archive.addfile(info)
    return path


class SlowImporter(LinesImporter):
    """Like LinesImporter, but after ``pause_after`` records it signals and sleeps."""

    def __init__(self, signal_file: Path, pause_after: int) -> None:
        self.signal_file, self.pause_after = signal_file, pause_after

    def parse(self, source: SourceFile) -> Iterator[ParseEvent]:
        import time

        for count, event in enumerate(super().parse(source), start=1):
            yield event
            if count == self.pause_after:
                self.signal_file.write_text("paused")
                time.sleep(60)
