"""The portable export: complete, verifiable, all-or-nothing, and robust to corruption."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from holoptic.bootstrap import Services
from holoptic.db.schema import item_blobs
from holoptic.vault.errors import MemberNotFound
from holoptic.vault.export import (
    FORMAT_VERSION,
    ExportExists,
    ExportFailed,
    ExportTargetInvalid,
    export_member,
)

VISITS = [
    {"time": "2026-04-01T10:00:00Z", "url": "https://example.org/a", "title": "Été"},
    {"time": "2026-04-02T10:00:00Z", "url": "https://example.org/b"},
]
AUDIENCES = [{"advertiser": "Example Shoes"}, {"advertiser": "Example Bank"}]


def member_with_data(services: Services) -> tuple[str, list[str]]:
    member = services.vault.add_member("Aline", "aline@example.org")
    visits = services.items.store(member.id, "browsing.visit", VISITS)
    audiences = services.items.store(member.id, "ads.custom_audience", AUDIENCES)
    return member.id, [*visits.item_ids, *audiences.item_ids]


def export(services: Services, member_id: str, out: Path, **kwargs: Any) -> Any:
    return export_member(services.vault, services.items, member_id, out, services.clock, **kwargs)


def open_export(path: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        files = {name: archive.read(name) for name in archive.namelist()}
    return json.loads(files.pop("manifest.json")), files


def test_export_holds_every_record_with_a_manifest_that_verifies(
    services: Services, tmp_path: Path
) -> None:
    member_id, item_ids = member_with_data(services)
    out = tmp_path / "export.zip"
    result = export(services, member_id, out)
    assert (result.items, result.records, result.unreadable) == (4, 4, ())

    manifest, files = open_export(out)
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["generated_at"] == services.clock.now().isoformat()
    assert manifest["member"]["name"] == "Aline"
    assert manifest["member"]["communities"] == [
        {
            "slug": "default",
            "name": "Default",
            "role": "member",
            "joined_at": services.clock.now().isoformat(),
        }
    ]
    assert manifest["totals"] == {"items": 4, "records": 4}
    assert sorted(files) == ["ads.custom_audience.jsonl", "browsing.visit.jsonl"]
    for entry in manifest["files"]:
        data = files[entry["path"]]
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert entry["records"] == len(data.splitlines())
        assert entry["kind"] + ".jsonl" == entry["path"]

    lines = [json.loads(line) for data in files.values() for line in data.splitlines()]
    assert {line["item"] for line in lines} == set(item_ids)
    atomic = [line["record"] for line in lines if line["day"] is None]
    assert sorted(atomic, key=str) == sorted(AUDIENCES, key=str)
    visits = [line for line in lines if line["day"] is not None]
    assert sorted(v["record"]["url"] for v in visits) == [v["url"] for v in VISITS]
    assert {v["category"] for v in visits} == {"https://w3id.org/dpv/pd#BrowserHistory"}
    assert any(v["record"].get("title") == "Été" for v in visits)


def test_a_corrupted_item_is_named_and_everything_else_exported(
    services: Services, tmp_path: Path
) -> None:
    member_id, item_ids = member_with_data(services)
    bad = item_ids[0]
    with services.engine.begin() as conn:
        blob = conn.execute(select(item_blobs.c.ciphertext).where(item_blobs.c.item_id == bad))
        damaged = bytearray(blob.scalar_one())
        damaged[20] ^= 0xFF
        conn.execute(
            update(item_blobs).where(item_blobs.c.item_id == bad).values(ciphertext=bytes(damaged))
        )

    result = export(services, member_id, tmp_path / "export.zip")
    assert [u.item_id for u in result.unreadable] == [bad]
    assert result.records == 3
    manifest, files = open_export(tmp_path / "export.zip")
    assert manifest["unreadable"][0]["item_id"] == bad
    assert manifest["unreadable"][0]["code"] == "vault.item_unreadable"
    assert bad in manifest["unreadable"][0]["message"]
    exported = {json.loads(line)["item"] for data in files.values() for line in data.splitlines()}
    assert exported == set(item_ids[1:])


def test_a_member_without_data_gets_a_manifest_only(services: Services, tmp_path: Path) -> None:
    member = services.vault.add_member("Bruno")
    export(services, member.id, tmp_path / "empty.zip")
    manifest, files = open_export(tmp_path / "empty.zip")
    assert files == {}
    assert manifest["files"] == []
    assert manifest["member"]["email"] is None


def test_targets_are_checked_before_anything_is_written(services: Services, tmp_path: Path) -> None:
    member_id, _ = member_with_data(services)
    existing = tmp_path / "existing.zip"
    existing.write_bytes(b"keep me")
    with pytest.raises(ExportExists):
        export(services, member_id, existing)
    assert existing.read_bytes() == b"keep me"
    export(services, member_id, existing, overwrite=True)
    assert zipfile.is_zipfile(existing)

    with pytest.raises(ExportTargetInvalid):
        export(services, member_id, tmp_path / "missing-dir" / "x.zip")
    with pytest.raises(ExportTargetInvalid):
        export(services, member_id, tmp_path)
    with pytest.raises(MemberNotFound):
        export(services, "nobody", tmp_path / "nobody.zip")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing.zip"]


def test_a_failed_write_leaves_no_file_behind(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    member_id, _ = member_with_data(services)

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", disk_full)
    with pytest.raises(ExportFailed, match="No space left"):
        export(services, member_id, tmp_path / "export.zip")
    assert list(tmp_path.iterdir()) == []


def test_export_includes_the_members_documents(services: Services, tmp_path: Path) -> None:
    member_id, _ = member_with_data(services)
    services.documents.save(member_id, "reveal.request", {"holder": "acme", "state": "sent"})
    out = tmp_path / "with-docs.zip"
    export(services, member_id, out, documents=services.documents)
    manifest, files = open_export(out)
    assert manifest["documents"]["count"] == 1
    assert hashlib.sha256(files["documents.json"]).hexdigest() == manifest["documents"]["sha256"]
    (document,) = json.loads(files["documents.json"])
    assert document["kind"] == "reveal.request"
    assert document["body"] == {"holder": "acme", "state": "sent"}
