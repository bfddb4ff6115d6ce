"""Currencies end to end from a shell: create, pay (signed), refusals by rule, daily
flows once per day, invariants, Beancount export accepted by bean-check."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.e2e.conftest import Cli

ROOT = Path(__file__).resolve().parents[2]
VILLAGE = ROOT / "examples" / "currencies" / "village.toml"


def village(cli: Cli) -> tuple[str, str, str]:
    cli.ok("community", "add", "valmont", "Valmont-sur-Lize")
    ids = [
        cli.json("member", "add", name, "--community", "valmont")["id"]
        for name in ("Aline", "Bruno", "Chloé")
    ]
    assert cli.json("currency", "create", str(VILLAGE)) == {"code": "VAL", "version": 1}
    for member in ids[:2]:
        cli.ok("currency", "locate", "VAL", "--member", member, "--lon", "5.01", "--lat", "45.0")
    cli.ok("currency", "locate", "VAL", "--member", ids[2], "--lon", "5.72", "--lat", "45.19")
    return ids[0], ids[1], ids[2]


def pay(cli: Cli, payer: str, payee: str, amount: str, *extra: str) -> tuple[int, dict[str, str]]:
    args = ("pay", "--from", payer, "--to", payee, "--amount", amount, "--currency", "VAL")
    result = cli(*args, *extra, "--json")
    return result.exit_code, json.loads(result.stdout)


def test_payments_rules_and_idempotency(ready: Cli) -> None:
    aline, bruno, chloe = village(ready)
    code, paid = pay(ready, aline, bruno, "12.50", "--id", "t-1", "--category", "food")
    assert code == 0 and paid["status"] == "applied" and paid["payer_balance"] == "-12.50"
    code, again = pay(ready, aline, bruno, "12.50", "--id", "t-1", "--category", "food")
    assert code == 0 and again["status"] == "already_applied"  # a replay applies once
    code, changed = pay(ready, aline, bruno, "99.00", "--id", "t-1", "--category", "food")
    assert code == 1 and changed["refusal"] == "exists_with_different_fields"
    code, limit = pay(ready, aline, bruno, "190.00")
    assert code == 1 and limit["refusal"] == "exceeds_limit"  # −12.50 − 190 < −200
    code, flight = pay(ready, aline, bruno, "5.00", "--category", "air_travel")
    assert code == 1 and flight["refusal"] == "refused_category"
    code, outside = pay(ready, aline, chloe, "5.00")
    assert code == 1 and outside["refusal"] == "outside_perimeter"
    shown = ready.json("currency", "show", "VAL")
    assert shown["issuance"] == "mutual_credit" and shown["issued"] == 0
    assert ready.json("ledger", "check")["ok"] is True


def test_a_forged_order_is_refused(ready: Cli) -> None:
    from datetime import UTC, datetime

    from holoptic.ledger.orders import PaymentOrder, SignatureInvalid, new_private_key, sign_order

    aline, bruno, _ = village(ready)
    with ready.services() as services:
        services.signing_keys.public_key(aline)
        order = PaymentOrder("forged", "VAL", aline, bruno, 100, None, datetime.now(UTC))
        forged = sign_order(order, new_private_key())
        try:
            services.payments.pay(order, forged)
        except SignatureInvalid:
            pass
        else:
            raise AssertionError("a forged signature was accepted")
        assert services.books.check("VAL")[0].transfers == 0


def test_daily_demurrage_once_and_a_beancount_export(ready: Cli, tmp_path: Path) -> None:
    aline, bruno, _ = village(ready)
    for n in range(3):
        assert pay(ready, aline, bruno, "60.00", "--id", f"p-{n}")[0] == 0
    # effective 2026-01-01, period 30 days: 2026-01-31 is a demurrage day
    first = ready.json("ledger", "daily", "--date", "2026-01-31")["flows"]
    assert [f["kind"] for f in first] == ["demurrage"]
    again = ready.json("ledger", "daily", "--date", "2026-01-31")["flows"]
    assert again[0]["skipped"] is True
    assert ready.json("ledger", "check")["ok"] is True
    export = tmp_path / "val.beancount"
    export.write_text(ready.ok("ledger", "export", "--currency", "VAL").stdout)
    checked = subprocess.run(
        [sys.executable, "-m", "beancount.scripts.check", str(export)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    trial = ready.json("ledger", "balance", "--currency", "VAL", "--at", "2030-01-01")
    assert trial["balanced"] is True


def test_a_broken_spec_creates_nothing(ready: Cli, tmp_path: Path) -> None:
    ready.ok("community", "add", "valmont", "Valmont-sur-Lize")
    broken = tmp_path / "broken.toml"
    broken.write_text(VILLAGE.read_text().replace('rate = "0.5%"', 'rate = "150%"'))
    result = ready("currency", "create", str(broken))
    assert result.exit_code != 0 and "demurrage" in result.stderr
    assert ready("currency", "show", "VAL").exit_code != 0
