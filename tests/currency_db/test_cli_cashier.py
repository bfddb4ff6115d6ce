"""Euro-backed money and exchange links from a shell, on SQLite and PostgreSQL: purchases,
redemptions with their fee, the reserve rule, crossings between two Holoptic currencies
(both legs or neither), cash-outs to euros and the daily cap."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import text

from tests.e2e.conftest import Cli, one_line

ROOT = Path(__file__).resolve().parents[2]
CHIEMGAUER = ROOT / "examples" / "currencies" / "chiemgauer-like.toml"
VILLAGE = ROOT / "examples" / "currencies" / "village.toml"
# A second mutual-credit money around Grenoble, linked to the VAL: 1 GRE = 2 VAL, 1 %.
GRENOBLE = """
[currency]
code = "GRE"
name = "Grenoble"
decimals = 2
version = 1
effective_from = 2026-01-01
community = "valmont"

[issuance.mutual_credit]
member = { hard = "200.00", soft = "150.00" }

[[perimeter.zone]]
name = "Grenoble"
circle = { lon = 5.72, lat = 45.19, radius_m = 10000 }

[categories]
refused = ["air_travel"]

[[exchange]]
to = "VAL"
rate = "2"
daily_cap = "100.00"
fee = "1%"
"""


def run(cli: Cli, *args: str) -> tuple[int, dict[str, Any]]:
    result = cli(*args, "--json")
    return result.exit_code, json.loads(result.stdout)


def chiemgau(cli: Cli) -> tuple[str, str]:
    cli.ok("community", "add", "chiemgau", "Chiemgau")
    anna, bernd = (
        cli.json("member", "add", name, "--community", "chiemgau")["id"]
        for name in ("Anna", "Bernd")
    )
    assert cli.json("currency", "create", str(CHIEMGAUER))["code"] == "CHMG"
    for member in (anna, bernd):
        cli.ok("currency", "locate", "CHMG", "--member", member, "--lon", "12.5", "--lat", "47.9")
    return anna, bernd


def cashier(cli: Cli, verb: str, member: str, amount: str, *extra: str) -> Any:
    args = ("currency", verb, "--member", member, "--amount", amount, "--currency", "CHMG")
    return run(cli, *args, *extra)


def cross(cli: Cli, payer: str, amount: str, source: str, target: str, *extra: str) -> Any:
    args = ("exchange", "--from", payer, "--amount", amount, "--currency", source)
    return run(cli, *args, "--to-currency", target, *extra)


def counts(cli: Cli) -> tuple[int, list[tuple[str, int]]]:
    with cli.raw_engine() as engine, engine.connect() as c:
        transfers = c.execute(text("SELECT count(*) FROM ledger_transfers")).scalar_one()
        rows = c.execute(text("SELECT id, posted FROM ledger_accounts ORDER BY id")).all()
    return int(transfers), [(str(i), int(p)) for i, p in rows]


def test_a_purchase_then_a_redemption_with_its_fee(ready: Cli) -> None:
    anna, _ = chiemgau(ready)
    words = ready("currency", "buy", "--member", anna, "--amount", "1.00", "--currency", "CHMG")
    assert words.exit_code == 0 and "Issued 1.00 CHMG" in words.stdout
    ready.ok("currency", "redeem", "--member", anna, "--amount", "1.00", "--currency", "CHMG")
    code, bought = cashier(ready, "buy", anna, "100.00", "--id", "b-1")
    assert code == 0 and bought["status"] == "applied"
    assert bought["balance"] == "100.00" and bought["reserve"] == "100.05"  # + the fee
    code, again = cashier(ready, "buy", anna, "100.00", "--id", "b-1")
    assert code == 0 and again["status"] == "already_applied" and again["balance"] == "100.00"
    code, other = cashier(ready, "buy", anna, "50.00", "--id", "b-1")
    assert code == 1 and other["refusal"] == "exists_with_different_fields"
    code, redeemed = cashier(ready, "redeem", anna, "40.00", "--id", "r-1")
    assert code == 0, redeemed
    assert (redeemed["fee"], redeemed["euros_paid"]) == ("2.00", "38.00")
    assert (redeemed["balance"], redeemed["reserve"]) == ("60.00", "62.05")
    assert cashier(ready, "redeem", anna, "40.00", "--id", "r-1")[1]["status"] == "already_applied"
    code, too_much = cashier(ready, "redeem", anna, "60.01")
    assert code == 1 and too_much["refusal"] == "exceeds_limit"
    shown = ready.json("currency", "show", "CHMG")
    assert shown["issued"] == 10_000 - 3_800 + 5  # in circulation (the 1.00's fee: 0.05)
    assert ready.json("ledger", "check")["ok"] is True
    trial = ready.json("ledger", "balance", "--currency", "CHMG", "--at", "2999-01-01")
    balances = {row["account"]: row["balance"] for row in trial["rows"]}
    assert balances["CHMG:treasury"] == "2.05" and balances["CHMG:exchange:EUR"] == "-62.05"


def test_a_short_reserve_refuses_a_redemption_and_fails_the_check(ready: Cli) -> None:
    anna, _ = chiemgau(ready)
    assert cashier(ready, "buy", anna, "100.00", "--id", "b-1")[0] == 0
    with ready.raw_engine() as engine, engine.begin() as c:  # 70 € leave the reserve unseen
        c.execute(text("UPDATE ledger_accounts SET posted = 3000 WHERE id = 'CHMG:reserve'"))
        c.execute(text("UPDATE ledger_accounts SET posted = -3000 WHERE id = 'CHMG:exchange:EUR'"))
    checked = ready("ledger", "check", "--json")
    assert checked.exit_code == 1
    codes = {v["code"] for c in json.loads(checked.stdout)["currencies"] for v in c["violations"]}
    assert "ledger.reserve_insufficient" in codes
    before = counts(ready)
    code, refused = cashier(ready, "redeem", anna, "20.00", "--id", "r-1")
    assert code == 1 and refused["refusal"] == "reserve_insufficient"
    assert "reserve_insufficient" in refused["detail"]
    assert counts(ready) == before  # nothing written
    text_mode = ready(
        "currency", "redeem", "--member", anna, "--amount", "20.00", "--currency", "CHMG"
    )
    assert text_mode.exit_code == 1 and "Refused: reserve_insufficient" in text_mode.stdout


def test_buying_a_money_that_is_not_euro_backed_is_an_error(ready: Cli) -> None:
    ready.ok("community", "add", "valmont", "Valmont-sur-Lize")
    member = ready.json("member", "add", "Aline", "--community", "valmont")["id"]
    ready.json("currency", "create", str(VILLAGE))
    result = ready("currency", "buy", "--member", member, "--amount", "5.00", "--currency", "VAL")
    assert result.exit_code == 1 and "not bought with euros" in one_line(result)


def valmont(cli: Cli, tmp_path: Path) -> tuple[str, str, str]:
    """Aline and Bruno in Valmont, Chloé in Grenoble; the VAL and the GRE."""
    cli.ok("community", "add", "valmont", "Valmont-sur-Lize")
    aline, bruno, chloe = (
        cli.json("member", "add", name, "--community", "valmont")["id"]
        for name in ("Aline", "Bruno", "Chloé")
    )
    cli.json("currency", "create", str(VILLAGE))
    spec = tmp_path / "gre.toml"
    spec.write_text(GRENOBLE)
    cli.json("currency", "create", str(spec))
    for member in (aline, bruno):
        cli.ok("currency", "locate", "VAL", "--member", member, "--lon", "5.01", "--lat", "45.0")
    cli.ok("currency", "locate", "GRE", "--member", chloe, "--lon", "5.72", "--lat", "45.19")
    cli.ok("currency", "locate", "VAL", "--member", chloe, "--lon", "5.72", "--lat", "45.19")
    return aline, bruno, chloe


def test_a_crossing_between_two_currencies_moves_both_legs_or_neither(
    ready: Cli, tmp_path: Path
) -> None:
    aline, bruno, chloe = valmont(ready, tmp_path)
    pay = ("pay", "--from", chloe, "--to", aline, "--amount", "10.00", "--currency", "GRE")
    assert json.loads(ready(*pay, "--json").stdout)["refusal"] == "outside_perimeter"
    code, crossed = cross(ready, chloe, "10.00", "GRE", "VAL", "--to", aline, "--id", "x-1")
    assert code == 0, crossed  # the perimeter is lifted: GRE pays its link, not Aline
    assert (crossed["fee"], crossed["received"], crossed["balance"]) == ("0.10", "19.80", "-10.00")
    assert (
        cross(ready, chloe, "10.00", "GRE", "VAL", "--to", aline, "--id", "x-1")[1]["status"]
        == "already_applied"
    )
    before = counts(ready)
    ready.ok("currency", "locate", "VAL", "--member", bruno, "--lon", "6.5", "--lat", "46.0")
    code, refused = cross(ready, chloe, "5.00", "GRE", "VAL", "--to", bruno, "--id", "x-2")
    assert code == 1 and refused["refusal"] == "outside_perimeter"  # VAL's rule, in VAL
    assert refused["balance"] == "-10.00"
    after = counts(ready)
    assert after[0] == before[0]  # not the GRE leg either
    assert [r for r in after[1] if r[0].startswith("GRE")] == [
        r for r in before[1] if r[0].startswith("GRE")
    ]
    trial = ready.json("ledger", "balance", "--currency", "VAL", "--at", "2999-01-01")
    val = {row["account"]: row["balance"] for row in trial["rows"]}
    assert val[f"VAL:member:{aline}"] == "19.80" and val["VAL:exchange:GRE"] == "-19.80"
    code, none = cross(ready, aline, "1.00", "VAL", "GRE", "--to", chloe)
    assert code == 1 and none["refusal"] == "no_exchange_link"
    assert ready.json("ledger", "check")["ok"] is True


def test_a_cash_out_to_euros_and_the_daily_cap(ready: Cli, tmp_path: Path) -> None:
    aline, bruno, chloe = valmont(ready, tmp_path)
    code, out = cross(ready, aline, "180.00", "VAL", "EUR", "--id", "c-1", "--category", "food")
    assert code == 0 and (out["fee"], out["received"], out["balance"]) == (
        "3.60",
        "176.40",
        "-180.00",
    )
    assert cross(ready, bruno, "180.00", "VAL", "EUR")[0] == 0
    assert cross(ready, chloe, "130.00", "VAL", "EUR")[0] == 0  # outside the zones: fine
    before = counts(ready)
    code, capped = cross(ready, aline, "15.00", "VAL", "EUR", "--id", "c-4")
    assert code == 1 and capped["refusal"] == "exchange_daily_cap_exceeded"
    assert "VAL→EUR" in capped["detail"] and "490.00" in capped["detail"]
    assert counts(ready) == before
    result = ready(
        "exchange",
        "--from",
        aline,
        "--amount",
        "15.00",
        "--currency",
        "VAL",
        "--to-currency",
        "EUR",
    )
    assert result.exit_code == 1 and "VAL→EUR" in result.stdout
    assert cross(ready, aline, "10.00", "VAL", "EUR")[0] == 0  # 500.00 exactly: the cap holds it
    code, flight = cross(ready, bruno, "1.00", "VAL", "GRE", "--category", "air_travel")
    assert code == 1 and flight["refusal"] == "no_exchange_link"
    code, flight = cross(
        ready, chloe, "1.00", "GRE", "VAL", "--to", aline, "--category", "air_travel"
    )
    assert code == 1 and flight["refusal"] == "refused_category"
    trial = ready.json("ledger", "balance", "--currency", "VAL", "--at", "2999-01-01")
    val = {row["account"]: row["balance"] for row in trial["rows"]}
    assert val["VAL:treasury"] == "10.00"  # 2 % of 500.00
    assert val["VAL:exchange:EUR"] == "490.00"
    assert ready.json("ledger", "check")["ok"] is True
