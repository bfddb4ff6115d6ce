"""``holoptic member`` and ``holoptic community``: JSON output, errors, exit codes."""

from __future__ import annotations

from tests.e2e.conftest import Cli, one_line


def test_member_add_list_delete_round_trip(ready: Cli) -> None:
    added = ready.json("member", "add", "Aline Marchal", "--email", "aline@example.org")
    assert list(added) == ["id"]
    members = ready.json("member", "list")["members"]
    assert len(members) == 1
    assert members[0]["id"] == added["id"]
    assert members[0]["name"] == "Aline Marchal"
    assert members[0]["email"] == "aline@example.org"
    assert members[0]["communities"] == [{"slug": "default", "role": "member"}]

    deleted = ready.json("member", "delete", added["id"], "--yes")
    assert deleted == {"id": added["id"], "deleted": True, "items": 0}
    assert ready.json("member", "list") == {"members": []}


def test_member_add_joins_the_named_community_as_steward(ready: Cli) -> None:
    ready.ok("community", "add", "grenoble", "Grenoble data commons")
    member = ready.json(
        "member", "add", "Bruno", "--community", "grenoble", "--steward", "--lang", "en"
    )
    listed = ready.json("member", "list", "--community", "grenoble")["members"]
    assert [m["id"] for m in listed] == [member["id"]]
    assert listed[0]["communities"] == [{"slug": "grenoble", "role": "steward"}]
    assert listed[0]["lang"] == "en"
    assert ready.json("member", "list", "--community", "default") == {"members": []}


def test_text_output_names_the_member(ready: Cli) -> None:
    result = ready.ok("member", "add", "Chloé")
    assert "Chloé" in result.stdout
    assert '"default"' in result.stdout
    assert "Chloé" in ready.ok("member", "list").stdout


def test_duplicate_email_fails_with_one_line_and_adds_nothing(ready: Cli) -> None:
    ready.json("member", "add", "Aline", "--email", "aline@example.org")
    result = ready("member", "add", "Other", "--email", "ALINE@example.org", "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert one_line(result) == "Error: a member with this e-mail address already exists"
    assert len(ready.json("member", "list")["members"]) == 1


def test_unknown_member_is_exit_1(ready: Cli) -> None:
    for args in (
        ("member", "delete", "no-such-id", "--yes"),
        ("data", "list", "--member", "no-such-id"),
    ):
        result = ready(*args)
        assert result.exit_code == 1, args
        assert "there is no member no-such-id" in one_line(result)


def test_unknown_community_is_exit_1(ready: Cli) -> None:
    result = ready("member", "add", "Dan", "--community", "atlantis")
    assert result.exit_code == 1
    assert 'there is no community "atlantis"' in one_line(result)
    assert ready.json("member", "list") == {"members": []}


def test_bad_options_are_usage_errors(ready: Cli) -> None:
    assert ready("member", "add", "Eve", "--lang", "de").exit_code == 2
    assert ready("member", "list", "--bogus").exit_code == 2
    assert ready("member", "add").exit_code == 2
    assert ready("data", "list").exit_code == 2  # --member is required
    assert ready("no-such-command").exit_code == 2
    assert ready.json("member", "list") == {"members": []}


def test_delete_asks_and_says_it_shreds(ready: Cli) -> None:
    member = ready.json("member", "add", "Fanny")["id"]
    refused = ready("member", "delete", member, input="n\n")
    assert refused.exit_code == 1
    assert "never be read again" in refused.stderr
    assert len(ready.json("member", "list")["members"]) == 1

    accepted = ready("member", "delete", member, input="y\n")
    assert accepted.exit_code == 0
    assert "crypto-shredding" in accepted.stdout
    assert ready.json("member", "list") == {"members": []}


def test_french_messages(ready: Cli) -> None:
    ready.json("member", "add", "Aline", "--email", "aline@example.org")
    result = ready("member", "add", "Autre", "--email", "aline@example.org", HOLOPTIC_LANG="fr")
    assert result.exit_code == 1
    assert one_line(result) == ("Erreur : un membre avec cette adresse électronique existe déjà")
    added = ready.ok("member", "add", "Bruno", HOLOPTIC_LANG="fr")
    assert "ajouté·e à la communauté « default » comme membre" in added.stdout
    help_text = ready.ok("member", "add", "--help", HOLOPTIC_LANG="fr").stdout
    assert "Ajoute un membre" in help_text


def test_language_follows_lang_when_holoptic_lang_is_unset(ready: Cli) -> None:
    result = ready("member", "delete", "nobody", HOLOPTIC_LANG=None, LANG="fr_FR.UTF-8")
    assert one_line(result) == "Erreur : aucun membre nobody"


def test_community_add_and_list(ready: Cli) -> None:
    created = ready.json("community", "add", "lyon", "Lyon")
    assert created["slug"] == "lyon"
    slugs = [c["slug"] for c in ready.json("community", "list")["communities"]]
    assert sorted(slugs) == ["default", "lyon"]

    duplicate = ready("community", "add", "lyon", "Lyon again")
    assert duplicate.exit_code == 1
    assert "already exists" in one_line(duplicate)
    invalid = ready("community", "add", "Not A Slug", "x")
    assert invalid.exit_code == 1
    one_line(invalid)
