"""``holoptic import`` and ``holoptic data stats`` end to end."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from tests.e2e.conftest import Cli


def _member(cli: Cli) -> str:
    cli.ok("init")
    result = cli("member", "add", "Nina", "--json")
    assert result.exit_code == 0, result.stderr
    return str(json.loads(result.stdout)["id"])


def test_import_reports_unrecognised_and_refused_files(cli: Cli, tmp_path: Path) -> None:
    member = _member(cli)
    (tmp_path / "notes.txt").write_text("nothing to see")
    with zipfile.ZipFile(tmp_path / "evil.zip", "w") as archive:
        archive.writestr("../../escape.json", "{}")
    result = cli(
        "import",
        str(tmp_path / "notes.txt"),
        str(tmp_path / "evil.zip"),
        "--member",
        member,
        "--json",
    )
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["records_added"] == 0
    files = {f["path"]: f for f in document["files"]}
    assert files["notes.txt"]["format"] is None and files["notes.txt"]["error"] is None
    assert files["evil.zip/../../escape.json"]["error"]["code"] == "import.unsafe_archive"
    assert set(files["notes.txt"]) >= {
        "path",
        "format",
        "records_added",
        "records_duplicate",
        "items_added",
        "rejected",
        "error",
    }


def test_import_of_nothing_but_unrecognised_files_succeeds(cli: Cli, tmp_path: Path) -> None:
    member = _member(cli)
    (tmp_path / "a.txt").write_text("hello")
    result = cli("import", str(tmp_path / "a.txt"), "--member", member)
    assert result.exit_code == 0, result.stderr
    assert "a.txt" in result.stdout


def test_import_for_an_unknown_member_is_a_one_line_error(cli: Cli, tmp_path: Path) -> None:
    cli.ok("init")
    (tmp_path / "a.txt").write_text("hello")
    result = cli("import", str(tmp_path / "a.txt"), "--member", "nobody")
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1


def test_stats_json(cli: Cli) -> None:
    member = _member(cli)
    result = cli("data", "stats", "--member", member, "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {"member": member, "kinds": {}, "sources": {}, "rows": []}
