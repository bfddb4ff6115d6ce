"""``holoptic reveal``: the report, sync, trackers and match commands, on both backends."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import shared_path
from tests.e2e.conftest import Cli, one_line

IG_ZIP = ("fixtures", "instagram", "whatif_IG_public_test_file.zip")


def _member_with_export(cli: Cli) -> str:
    member = str(cli.json("member", "add", "Iris")["id"])
    cli.ok("import", "--member", member, str(shared_path(*IG_ZIP)))
    return member


def test_the_report_is_one_json_document(ready: Cli) -> None:
    member = _member_with_export(ready)
    ready.ok("reveal", "sync", str(shared_path("data", "datenanfragen")))
    document = ready.json("reveal", "--member", member)
    assert set(document) == {"reference", "holders"}
    assert document["reference"]["datenanfragen"] is not None
    assert "WhoTracks.me" in document["reference"]["attribution"]
    holders = {h["slug"]: h for h in document["holders"]}
    assert {"meta", "bla", "test", "bsc", "vinted-buy-and-sell-clothes"} <= set(holders)
    assert holders["meta"]["contact"]["directory_slug"] == "facebook"
    assert holders["vinted-buy-and-sell-clothes"]["passed_to"] == ["meta"]
    text = ready.ok("reveal", "--member", member).stdout
    assert "Meta Platforms" in text and "received data about you from" in text
    assert "CC BY 4.0" in text


def test_sync_reports_what_it_loaded(ready: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "directory"
    folder.mkdir()
    good = {"slug": "acme", "name": "ACME", "email": "dpo@acme.example"}
    (folder / "companies.json").write_text(json.dumps([good, {"slug": "x"}]))
    result = ready.ok("reveal", "sync", str(folder), "--json")
    document = json.loads(result.stdout)
    assert (document["source"], document["records"], document["active"]) == (
        "datenanfragen",
        1,
        True,
    )
    assert document["skipped"] == [{"index": 1, "slug": "x", "reason": "name missing or empty"}]
    assert "skipped record 1 (x): name missing or empty" in result.stderr
    text = ready.ok("reveal", "sync", str(folder)).stdout
    assert "1 record" in text and "Skipped as malformed: 1." in text


def test_sync_errors_are_one_line_and_exit_1(ready: Cli, tmp_path: Path) -> None:
    truncated = tmp_path / "companies.json"
    truncated.write_text('[{"slug": "acme", "name": "AC')
    for source, words in (
        (str(tmp_path / "nowhere"), "no such file or folder"),
        (str(truncated), "truncated or half-downloaded"),
    ):
        result = ready("reveal", "sync", source)
        assert result.exit_code == 1
        message = one_line(result)
        assert message.startswith("Error: cannot load the company directory from ")
        assert words in message and "stays in use" in message
    french = ready("reveal", "sync", str(tmp_path / "nowhere"), HOLOPTIC_LANG="fr")
    assert one_line(french).startswith("Erreur : impossible de charger l’annuaire")


def test_trackers_shows_the_version_in_use(ready: Cli) -> None:
    document = ready.json("reveal", "trackers")
    assert document["source"] == "whotracksme" and document["records"] > 1000
    assert document["version"].startswith("2018.5.17+sha256.")
    assert ready.json("reveal", "trackers")["version"] == document["version"]
    assert "CC BY 4.0" in ready.ok("reveal", "trackers").stdout


def test_match_confirms_corrects_and_refuses(ready: Cli) -> None:
    member = _member_with_export(ready)
    ready.ok("reveal", "sync", str(shared_path("data", "datenanfragen")))
    confirmed = ready.json(
        "reveal", "match", "--member", member, "--holder", "bla", "--directory", "google"
    )
    assert confirmed["match"] == {
        "directory_slug": "google",
        "confidence": 1.0,
        "method": "confirmed",
    }
    assert confirmed["contact"]["name"] == "Google LLC"
    text = ready.ok("reveal", "match", "--member", member, "--holder", "bla", "--none").stdout
    assert "bla now has no directory record (your choice)." in text
    holders = {h["slug"]: h for h in ready.json("reveal", "--member", member)["holders"]}
    assert (holders["bla"]["match"], holders["bla"]["contact"]) == (None, None)
    both = ready("reveal", "match", "--member", member, "--holder", "bla")
    assert both.exit_code == 2  # neither --directory nor --none
    unknown = ready("reveal", "match", "--member", member, "--holder", "nobody", "--none")
    assert unknown.exit_code == 1
    assert one_line(unknown) == 'Error: this member\'s data shows no holder "nobody"'


def test_reveal_without_a_member_is_a_usage_error(ready: Cli) -> None:
    assert ready("reveal").exit_code == 2
    unknown = ready("reveal", "--member", "no-such-member", "--json")
    assert unknown.exit_code == 1
    assert one_line(unknown) == "Error: there is no member no-such-member"
    assert unknown.stdout == ""
