"""A member's portable export: their right to take all of their data elsewhere.

The export is a zip holding one JSON Lines file per kind (``<kind>.jsonl``), one line per
record with the item it came from, and a ``manifest.json`` that names the member, lists
every file with its counts and SHA-256, and names every item that could not be read.
A corrupted item never stops the export: it is left out and listed, so the member gets
everything else and knows exactly what is missing.

The zip is written to a temporary file beside the target and renamed into place, so a
crash or a full disk never leaves a half-written export under the requested name. Like
any file holding personal data, it is created readable by its owner only (mode 0600).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from holoptic.clock import Clock
from holoptic.errors import Conflict, HolopticError, InvalidInput
from holoptic.vault.documents import MemberDocuments
from holoptic.vault.errors import ItemUnreadable
from holoptic.vault.model import DataItem, Member, Record
from holoptic.vault.service import VaultService
from holoptic.vault.store import ItemStore

FORMAT = "holoptic-export"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DOCUMENTS = "documents.json"
_SPOOL_BYTES = 8 * 1024 * 1024  # per kind in memory; larger files spill to disk


class ExportFailed(HolopticError):
    """The export file could not be written (permissions, disk full, …)."""

    code = "vault.export_failed"
    status = 500


class ExportExists(Conflict):
    code = "vault.export_exists"


class ExportTargetInvalid(InvalidInput):
    code = "vault.export_target_invalid"


@dataclass(frozen=True, slots=True)
class ExportFile:
    """One ``<kind>.jsonl`` file of the export, as listed in the manifest."""

    path: str
    kind: str
    category: str
    items: int
    records: int
    sha256: str


@dataclass(frozen=True, slots=True)
class UnreadableItem:
    """An item left out of the export because its blob failed authentication."""

    item_id: str
    kind: str
    day: str | None
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    member_id: str
    generated_at: datetime
    files: tuple[ExportFile, ...]
    unreadable: tuple[UnreadableItem, ...]

    @property
    def items(self) -> int:
        return sum(f.items for f in self.files)

    @property
    def records(self) -> int:
        return sum(f.records for f in self.files)


@dataclass
class _KindFile:
    """One kind's JSON Lines, spooled and hashed as the records stream by."""

    kind: str
    category: str
    spool: IO[bytes]
    digest: Any = field(default_factory=hashlib.sha256)
    items: int = 0
    records: int = 0

    def add(self, item: DataItem, records: list[Record]) -> None:
        day = item.day.isoformat() if item.day else None
        for record in records:
            line = {"item": item.id, "day": day, "category": item.category, "record": record}
            data = json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
            self.spool.write(data)
            self.digest.update(data)
            self.records += 1
        self.items += 1

    def entry(self) -> ExportFile:
        path = f"{self.kind}.jsonl"
        return ExportFile(
            path, self.kind, self.category, self.items, self.records, self.digest.hexdigest()
        )


def export_member(
    vault: VaultService,
    items: ItemStore,
    member_id: str,
    out: Path,
    clock: Clock,
    *,
    overwrite: bool = False,
    documents: MemberDocuments | None = None,
) -> ExportResult:
    """Write the member's complete export to ``out`` and say what it holds.

    With ``documents``, the member's own documents (requests, decisions) are included as
    ``documents.json``.
    """
    _check_target(out, overwrite)
    member = vault.member(member_id)  # raises when unknown or deleted
    generated_at = clock.now()
    kinds: dict[str, _KindFile] = {}
    unreadable: list[UnreadableItem] = []
    try:
        for item, content in items.each_record_set(member_id):
            if isinstance(content, ItemUnreadable):
                unreadable.append(_unreadable(item, content))
                continue
            if item.kind not in kinds:
                spool = tempfile.SpooledTemporaryFile(_SPOOL_BYTES, "w+b", dir=str(out.parent))  # noqa: SIM115
                kinds[item.kind] = _KindFile(item.kind, item.category, spool)
            kinds[item.kind].add(item, content)
        files = tuple(kinds[kind].entry() for kind in sorted(kinds))
        result = ExportResult(out, member_id, generated_at, files, tuple(unreadable))
        manifest = _manifest(vault, member, result)
        extra = _documents_file(documents, member_id, manifest)
        _write_zip(out, [kinds[f.kind] for f in files], manifest, generated_at, extra)
    finally:
        for kind_file in kinds.values():
            kind_file.spool.close()
    return result


def _check_target(out: Path, overwrite: bool) -> None:
    if out.is_dir():
        raise ExportTargetInvalid(f"{out} is a directory: give a file name", path=str(out))
    if not out.parent.is_dir():
        raise ExportTargetInvalid(
            f"the directory {out.parent} does not exist", path=str(out.parent)
        )
    if out.exists() and not overwrite:
        raise ExportExists(f"{out} already exists", path=str(out))


def _unreadable(item: DataItem, error: ItemUnreadable) -> UnreadableItem:
    day = item.day.isoformat() if item.day else None
    return UnreadableItem(item.id, item.kind, day, error.code, error.message)


def _manifest(vault: VaultService, member: Member, result: ExportResult) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "generated_at": result.generated_at.isoformat(),
        "member": {
            "id": member.id,
            "name": member.name,
            "email": member.email,
            "lang": member.lang,
            "created_at": member.created_at.isoformat(),
            "communities": _communities(vault, member.id),
        },
        "files": [
            {
                "path": f.path,
                "kind": f.kind,
                "category": f.category,
                "items": f.items,
                "records": f.records,
                "sha256": f.sha256,
            }
            for f in result.files
        ],
        "totals": {"items": result.items, "records": result.records},
        "unreadable": [
            {
                "item_id": u.item_id,
                "kind": u.kind,
                "day": u.day,
                "code": u.code,
                "message": u.message,
            }
            for u in result.unreadable
        ],
    }


def _documents_file(
    documents: MemberDocuments | None, member_id: str, manifest: dict[str, Any]
) -> dict[str, bytes]:
    """``documents.json`` and its manifest entry (nothing when documents are not asked for)."""
    if documents is None:
        return {}
    body = [
        {
            "id": d.id,
            "kind": d.kind,
            "body": d.body,
            "created_at": d.created_at.isoformat(),
            "updated_at": d.updated_at.isoformat(),
        }
        for d in documents.list(member_id)
    ]
    data = (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode()
    manifest["documents"] = {
        "path": DOCUMENTS,
        "count": len(body),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    return {DOCUMENTS: data}


def _communities(vault: VaultService, member_id: str) -> list[dict[str, str]]:
    by_id = {community.id: community for community in vault.communities()}
    return [
        {
            "slug": by_id[m.community_id].slug,
            "name": by_id[m.community_id].name,
            "role": m.role.value,
            "joined_at": m.joined_at.isoformat(),
        }
        for m in vault.memberships(member_id)
        if m.community_id in by_id
    ]


def _write_zip(
    out: Path,
    kinds: Iterable[_KindFile],
    manifest: dict[str, Any],
    moment: datetime,
    extra: dict[str, bytes],
) -> None:
    """Build the zip under a temporary name, then rename it: all or nothing."""
    stamp = (
        max(moment.year, 1980),
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second,
    )
    try:
        fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    except OSError as exc:
        raise ExportFailed(f"cannot write to {out.parent}: {exc.strerror}", path=str(out)) from None
    try:
        with os.fdopen(fd, "wb") as raw:
            with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for kind_file in kinds:
                    kind_file.spool.seek(0)
                    info = _info(f"{kind_file.kind}.jsonl", stamp)
                    with archive.open(info, "w") as entry:
                        shutil.copyfileobj(kind_file.spool, entry)
                for name, data in extra.items():
                    archive.writestr(_info(name, stamp), data)
                text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
                archive.writestr(_info(MANIFEST, stamp), text.encode())
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp_name, out)
    except BaseException as exc:
        with suppress(FileNotFoundError):
            os.unlink(tmp_name)
        if isinstance(exc, OSError):
            raise ExportFailed(f"cannot write {out}: {exc.strerror}", path=str(out)) from None
        raise


def _info(name: str, stamp: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info
