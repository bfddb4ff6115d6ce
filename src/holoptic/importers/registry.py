"""The importers Holoptic knows, found in ``importers/formats/``.

Each module there exposes ``IMPORTERS: tuple[Importer, ...]`` and may set ``PRIORITY``
(lower is tried first, default 100): specific formats go before general ones.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Sequence

from holoptic.importers import formats
from holoptic.importers.model import Importer, SourceFile


def default_importers() -> tuple[Importer, ...]:
    """Every built-in importer, in detection order."""
    modules = [
        importlib.import_module(f"{formats.__name__}.{info.name}")
        for info in pkgutil.iter_modules(formats.__path__)
        if not info.name.startswith("_")
    ]
    modules.sort(key=lambda module: (getattr(module, "PRIORITY", 100), module.__name__))
    return tuple(importer for module in modules for importer in module.IMPORTERS)


def detect(source: SourceFile, importers: Sequence[Importer]) -> Importer | None:
    """The first importer that recognises the file by its content."""
    for importer in importers:
        if importer.sniff(source):
            return importer
    return None
