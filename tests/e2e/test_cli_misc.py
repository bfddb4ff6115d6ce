"""Failures that are not the user's data: broken settings, unreachable databases, bugs;
plus ``serve``, ``demo load`` and a real process end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from holoptic.vault.service import VaultService
from tests.e2e.conftest import Cli, one_line


def test_unreachable_database_is_one_clear_line(cli: Cli) -> None:
    url = "postgresql+psycopg://holoptic:s3cret@127.0.0.1:1/nowhere"
    result = cli("init", HOLOPTIC_DATABASE_URL=url)
    assert result.exit_code == 1
    line = one_line(result)
    assert line.startswith("Error: cannot use the database at postgresql+psycopg://holoptic:***@")
    assert "s3cret" not in result.stderr


def test_malformed_settings_are_one_clear_line(cli: Cli) -> None:
    result = cli("member", "list", HOLOPTIC_SESSION_MAX_AGE="soon")
    assert result.exit_code == 1
    assert "HOLOPTIC_SESSION_MAX_AGE" in one_line(result)
    bad_url = cli("init", HOLOPTIC_DATABASE_URL="mysql://x@y/z")
    assert bad_url.exit_code == 1
    assert "unsupported database" in one_line(bad_url)


def test_an_unexpected_exception_is_one_line_with_a_hint(
    ready: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(VaultService, "members", explode)
    result = ready("member", "list", "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    line = one_line(result)
    assert "RuntimeError" in line
    assert "report" in line


def test_serve_runs_the_web_app_on_the_given_address(
    ready: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    ready.ok("serve", "--host", "0.0.0.0", "--port", "8123")
    ready.ok("serve", HOLOPTIC_PORT="9000")
    assert [(c["host"], c["port"]) for c in calls] == [("0.0.0.0", 8123), ("127.0.0.1", 9000)]
    assert all(callable(c["app"]) for c in calls)


def test_serve_refuses_an_uninitialised_deployment(cli: Cli) -> None:
    result = cli("serve")
    assert result.exit_code == 1
    assert "holoptic init" in one_line(result)


def test_demo_load_is_idempotent_and_prints_logins(ready: Cli) -> None:
    first = ready.json("demo", "load", "--members", "4", "--seed", "1")
    assert first["created"] is True
    assert first["members"] == 4
    assert first["logins"] and all(login["password"] for login in first["logins"])
    again = ready.json("demo", "load", "--members", "4", "--seed", "1")
    assert again["created"] is False
    assert again["items"] == first["items"]
    text = ready.ok("demo", "load", "--members", "4", "--seed", "1").stdout
    assert first["logins"][0]["email"] in text
    assert ready("demo", "load", "--members", "0").exit_code == 2


def run_holoptic(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "holoptic.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_real_process_end_to_end(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOLOPTIC_")}
    env |= {"HOLOPTIC_HOME": str(tmp_path / "home"), "HOLOPTIC_LANG": "en"}
    init = run_holoptic(env, "init", "--json")
    assert init.returncode == 0, init.stderr
    assert json.loads(init.stdout)["changed"] is True

    added = run_holoptic(env, "member", "add", "Aline", "--email", "a@example.org", "--json")
    assert added.returncode == 0, added.stderr
    member_id = json.loads(added.stdout)["id"]

    duplicate = run_holoptic(env, "member", "add", "Bis", "--email", "a@example.org")
    assert duplicate.returncode == 1
    assert duplicate.stdout == ""
    assert duplicate.stderr.strip().splitlines() == [
        "Error: a member with this e-mail address already exists"
    ]

    usage = run_holoptic(env, "member", "add", "X", "--lang", "xx")
    assert usage.returncode == 2

    listed = run_holoptic(env, "member", "list", "--json")
    assert [m["id"] for m in json.loads(listed.stdout)["members"]] == [member_id]
