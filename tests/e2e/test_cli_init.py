"""``holoptic init``: creates what is missing, never twice, and refuses to strand data."""

from __future__ import annotations

import stat

from holoptic.vault.crypto import MasterKey
from tests.e2e.conftest import Cli, one_line


def mode(path: object) -> int:
    return stat.S_IMODE(path.stat().st_mode)  # type: ignore[attr-defined]


def test_init_creates_key_secret_schema_and_default_community(cli: Cli) -> None:
    result = cli.ok("init")
    key_file = cli.home / "keys" / "master.key"
    assert mode(key_file) == 0o600
    assert mode(cli.home / "keys" / "session.key") == 0o600
    MasterKey.parse(key_file.read_text())  # a valid key
    assert "master key" in result.stdout
    assert "Holoptic is ready" in result.stdout
    communities = cli.json("community", "list")["communities"]
    assert [c["slug"] for c in communities] == ["default"]


def test_second_init_changes_nothing_and_says_so(cli: Cli) -> None:
    first = cli.json("init")
    assert first["changed"] is True
    assert first["created"] == {
        "home": True,
        "master_key": True,
        "session_secret": True,
        "default_community": True,
    }
    key_before = (cli.home / "keys" / "master.key").read_bytes()
    second = cli.json("init")
    assert second["changed"] is False
    assert not any(second["created"].values())
    assert second["migrated"] is False
    assert second["key_id"] == first["key_id"]
    assert (cli.home / "keys" / "master.key").read_bytes() == key_before
    assert "nothing changed" in cli.ok("init").stdout
    assert len(cli.json("community", "list")["communities"]) == 1


def test_init_with_an_environment_key_writes_no_key_file(cli: Cli) -> None:
    key = MasterKey.generate()
    document = cli.json("init", HOLOPTIC_MASTER_KEY=key.encode())
    assert document["key_file"] is None
    assert document["key_id"] == key.key_id
    assert not (cli.home / "keys" / "master.key").exists()
    member = cli.json("member", "add", "Aline", HOLOPTIC_MASTER_KEY=key.encode())
    assert member["id"]


def test_print_key_shows_the_key_in_use(cli: Cli) -> None:
    document = cli.json("init", "--print-key")
    key_file = cli.home / "keys" / "master.key"
    assert document["master_key"] == MasterKey.parse(key_file.read_text()).encode()


def test_init_refuses_to_pair_a_new_key_with_existing_members(ready: Cli) -> None:
    ready.json("member", "add", "Aline")
    key_file = ready.home / "keys" / "master.key"
    key_file.unlink()
    result = ready("init")
    assert result.exit_code == 1
    assert "no master key" in one_line(result)
    assert not key_file.exists(), "a useless new key must not be written"


def test_commands_before_init_ask_for_init(cli: Cli) -> None:
    result = cli("member", "list", "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "holoptic init" in one_line(result)


def test_sqlite_database_defaults_to_the_home_directory(cli: Cli) -> None:
    cli.ok("init", HOLOPTIC_DATABASE_URL=None)
    assert (cli.home / "holoptic.db").exists()
    assert cli.json("member", "list", HOLOPTIC_DATABASE_URL=None) == {"members": []}
