"""The importers Holoptic knows, in detection order (most specific first)."""

from __future__ import annotations

from collections.abc import Sequence

from holoptic.importers.model import Importer, SourceFile


def default_importers() -> tuple[Importer, ...]:
    """Every built-in importer. Imported here, lazily, so each format stays optional."""
    found: list[Importer] = []
    for module_name in FORMAT_MODULES:
        module = __import__(f"holoptic.importers.formats.{module_name}", fromlist=["IMPORTERS"])
        found.extend(module.IMPORTERS)
    return tuple(found)


# Each module under importers/formats/ exposes IMPORTERS: tuple[Importer, ...].
FORMAT_MODULES: tuple[str, ...] = ()


def detect(source: SourceFile, importers: Sequence[Importer]) -> Importer | None:
    """The first importer that recognises the file by its content."""
    for importer in importers:
        if importer.sniff(source):
            return importer
    return None
