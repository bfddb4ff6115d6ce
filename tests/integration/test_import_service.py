"""The import machinery: per-file transactions, reports, idempotence, archive safety."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from holoptic.bootstrap import Services
from holoptic.importers.service import ImportService
from holoptic.importers.sources import Limits
from holoptic.vault.errors import MemberNotFound
from tests.importkit import LinesImporter, make_tar, make_zip, points_file


@pytest.fixture
def importer_service(services: Services) -> ImportService:
    return ImportService(
        services.uow, services.vault, services.items, [LinesImporter()], services.clock
    )


def _items(services: Services, member_id: str) -> int:
    with services.uow() as uow:
        return uow.vault.count_items(member_id)


def test_good_file_imports_and_failing_file_leaves_nothing(
    services: Services, importer_service: ImportService, tmp_path: Path
) -> None:
    member = services.vault.add_member("Ana")
    good = points_file(tmp_path / "good.txt", 30)
    bad = points_file(tmp_path / "bad.txt", 30, day=2, extra="BOOM")
    report = importer_service.run(member.id, [good, bad])
    by_path = {f.path: f for f in report.files}
    assert by_path["good.txt"].records_added == 30 and by_path["good.txt"].error is None
    assert by_path["bad.txt"].records_added == 0
    assert by_path["bad.txt"].error is not None
    assert by_path["bad.txt"].error.code == "import.malformed"
    assert not report.ok
    summary = services.items.summary(member.id)
    assert [(s.kind, s.records) for s in summary] == [("location.point", 30)]
    with services.uow() as uow:
        statuses = sorted(b.status.value for b in uow.vault.list_batches(member.id))
    assert statuses == ["done", "failed"]


def test_reimport_adds_nothing_and_overlap_adds_only_new(
    services: Services, importer_service: ImportService, tmp_path: Path
) -> None:
    member = services.vault.add_member("Ben")
    first = importer_service.run(member.id, [points_file(tmp_path / "a.txt", 40)])
    assert first.records_added == 40
    again = importer_service.run(member.id, [points_file(tmp_path / "a.txt", 40)])
    assert again.records_added == 0 and again.files[0].records_duplicate == 40
    overlap = importer_service.run(member.id, [points_file(tmp_path / "b.txt", 50)])
    assert overlap.records_added == 10 and overlap.files[0].records_duplicate == 40
    assert sum(s.records for s in services.items.summary(member.id)) == 50


def test_rejected_lines_are_reported_and_the_rest_imports(
    services: Services, importer_service: ImportService, tmp_path: Path
) -> None:
    member = services.vault.add_member("Cléo")
    report = importer_service.run(member.id, [points_file(tmp_path / "p.txt", 5, extra="garbage")])
    (file,) = report.files
    assert file.records_added == 5 and file.rejected_total == 1
    assert file.rejected[0].location == "line 7"
    assert report.ok


def test_unrecognised_files_are_reported_not_failed(
    services: Services, importer_service: ImportService, tmp_path: Path
) -> None:
    member = services.vault.add_member("Dom")
    (tmp_path / "notes.txt").write_text("hello")
    report = importer_service.run(member.id, [tmp_path / "notes.txt"])
    assert report.files[0].format is None and report.files[0].error is None
    assert report.ok


def test_unknown_member_is_refused_before_reading(
    importer_service: ImportService, tmp_path: Path
) -> None:
    with pytest.raises(MemberNotFound):
        importer_service.run("nobody", [tmp_path])


def test_folders_and_archives_are_walked(
    services: Services, importer_service: ImportService, tmp_path: Path
) -> None:
    member = services.vault.add_member("Eli")
    folder = tmp_path / "export"
    folder.mkdir()
    points_file(folder / "one.txt", 3, day=3)
    inner = points_file(tmp_path / "two.txt", 4, day=4).read_bytes()
    make_zip(folder / "archive.zip", {"Takeout/two.txt": inner})
    make_tar(
        tmp_path / "more.tgz",
        {"x/three.txt": points_file(tmp_path / "t.txt", 2, day=5).read_bytes()},
    )
    report = importer_service.run(member.id, [folder, tmp_path / "more.tgz"])
    added = {f.path: f.records_added for f in report.files if f.format}
    assert added == {
        "export/archive.zip/Takeout/two.txt": 4,
        "export/one.txt": 3,
        "more.tgz/x/three.txt": 2,
    }


def test_hostile_archive_members_are_refused_and_the_rest_imports(
    services: Services, importer_service: ImportService, tmp_path: Path
) -> None:
    member = services.vault.add_member("Fay")
    data = points_file(tmp_path / "ok.txt", 2).read_bytes()
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("ok.txt", data)
        zf.writestr("../escape.txt", data)
        zf.writestr("/etc/passwd.txt", data)
        link = zipfile.ZipInfo("link.txt")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
    tar = make_tar(tmp_path / "evil.tgz", {"fine.txt": data}, links={"lnk": "/etc/shadow"})
    report = importer_service.run(member.id, [archive, tar])
    errors = {f.path: f.error.code for f in report.files if f.error}
    assert errors == {
        "evil.zip/../escape.txt": "import.unsafe_archive",
        "evil.zip//etc/passwd.txt": "import.unsafe_archive",
        "evil.zip/link.txt": "import.unsafe_archive",
        "evil.tgz/lnk": "import.unsafe_archive",
    }
    assert not (tmp_path.parent / "escape.txt").exists()
    assert {f.path for f in report.files if f.format and f.ok} == {
        "evil.zip/ok.txt",
        "evil.tgz/fine.txt",
    }


def test_zip_bomb_is_refused_by_ratio_and_total(
    services: Services, importer_service: ImportService, tmp_path: Path
) -> None:
    member = services.vault.add_member("Gil")
    bomb = make_zip(tmp_path / "bomb.zip", {"zeros.txt": b"#points\n" + b"\0" * (50 << 20)})
    report = importer_service.run(member.id, [bomb])
    assert report.files[0].error is not None
    assert report.files[0].error.code == "import.archive_too_large"
    assert "ratio" in report.files[0].error.message
    small = make_zip(tmp_path / "big.zip", {"a.txt": points_file(tmp_path / "a", 50).read_bytes()})
    limited = importer_service.run(member.id, [small], limits=Limits(max_total_bytes=100))
    assert limited.files[0].error is not None
    assert limited.files[0].error.code == "import.archive_too_large"
    assert _items(services, member.id) == 0


def test_symlinked_input_is_not_followed(
    services: Services, importer_service: ImportService, tmp_path: Path
) -> None:
    member = services.vault.add_member("Hal")
    target = points_file(tmp_path / "real.txt", 2)
    folder = tmp_path / "dir"
    folder.mkdir()
    (folder / "sneaky.txt").symlink_to(target)
    report = importer_service.run(member.id, [folder])
    assert [f.error.code for f in report.files if f.error] == ["import.unsafe_archive"]
    assert _items(services, member.id) == 0


def test_stats_count_per_kind_and_source(
    services: Services, importer_service: ImportService, tmp_path: Path
) -> None:
    member = services.vault.add_member("Ivo")
    importer_service.run(member.id, [points_file(tmp_path / "p.txt", 30)])
    services.items.store(member.id, "location.point", [{"time": "2026-06-01T10:00:00Z"}])
    services.items.store(member.id, "ads.interest", [{"interest": "Échecs"}])
    stats = [(s.kind, s.source, s.items, s.records) for s in services.items.stats(member.id)]
    assert stats == [
        ("ads.interest", "direct", 1, 1),
        ("location.point", "direct", 1, 1),
        ("location.point", "test.points", 1, 30),
    ]
