"""Statements on the wallet, the steward's books for a period and the reputation table:
figures that match the ledger, clear 400s for bad periods, 403s for the wrong people,
and EigenTrust pre-trusting the stewards exactly when the spec says so."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import numpy as np
import pytest

from holoptic.bootstrap import Services
from holoptic.clock import FixedClock
from holoptic.demo.money import SPEC
from holoptic.ledger.accounts import account_id
from holoptic.ledger.model import AccountKind
from holoptic.ledger.orders import PaymentOrder
from holoptic.ledger.reputation import ReputationInvalid
from holoptic.vault.model import Role
from holoptic.web.app import create_app
from tests.currency_db.test_web_wallet import PASSWORD, login, setup


def at(clock: FixedClock, day: date) -> None:
    clock.current = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def pay(services: Services, payer: str, payee: str, amount: int, order_id: str) -> None:
    order = PaymentOrder(order_id, "VAL", payer, payee, amount, "food", services.clock.now())
    assert services.payments.pay(order, services.signing_keys.sign(payer, order)).ok


def village(services: Services, clock: FixedClock) -> dict[str, str]:
    """Aline, Bruno (steward), Chloé and Dan, who never trades; four months of payments."""
    aline, bruno = setup(services)
    people = {"aline": aline, "bruno": bruno}
    for name in ("Chloé", "Dan"):
        member = services.identity.sign_up(
            name, f"{name.lower()}@valmont.example", PASSWORD, community="valmont"
        )
        services.payments.locate("VAL", member.id, 5.0, 45.0)
        people[name.lower()] = member.id
    for day, payer, payee, amount in (
        (date(2026, 1, 10), "aline", "bruno", 3000),
        (date(2026, 2, 5), "bruno", "aline", 1000),
        (date(2026, 2, 20), "chloé", "aline", 250),
        (date(2026, 2, 28), "aline", "chloé", 40),
        (date(2026, 3, 3), "aline", "chloé", 100),
    ):
        at(clock, day)
        pay(services, people[payer], people[payee], amount, f"{payer}-{day}")
    at(clock, date(2026, 3, 15))
    return people


def cell(page: str, label: str) -> str:
    """The amount in the row headed ``label`` (the statement's opening or closing line)."""
    found = re.search(rf"{label}</th><td class=\"num\">(-?[\d.]+)</td>", page)
    assert found is not None, label
    return found.group(1)


def statement_rows(page: str) -> list[tuple[str, str, str]]:
    """(counterparty, amount, running balance) of each statement line."""
    pattern = r'<tr><td>[^<]*</td><td>([^<]*)</td><td>[^<]*</td><td class="num">(-?[\d.]+)</td>'
    pattern += r'<td class="num">(-?[\d.]+)</td></tr>'
    return re.findall(pattern, page)


def test_the_statement_opens_and_closes_on_the_ledgers_balances(
    services: Services, clock: FixedClock
) -> None:
    people = village(services, clock)
    client = login(create_app(services), "aline@valmont.example")
    february = client.get("/wallet", params={"start": "2026-02-01", "end": "2026-02-28"}).text
    assert cell(february, "Opening balance") == "-30.00"
    assert statement_rows(february) == [
        ("Bruno", "10.00", "-20.00"),
        ("Chloé", "2.50", "-17.50"),
        ("Chloé", "-0.40", "-17.90"),
    ]
    assert cell(february, "Closing balance") == "-17.90"
    account = account_id("VAL", AccountKind.MEMBER, people["aline"])
    ledger = services.books.statement("VAL", account, date(2026, 2, 1), date(2026, 2, 28))
    assert (ledger.opening, ledger.closing) == (-3000, -1790)
    # no date given: the current month, closing on today's balance
    march = client.get("/wallet").text
    assert 'name="start" type="date" value="2026-03-01"' in march
    assert 'name="end" type="date" value="2026-03-31"' in march
    assert cell(march, "Opening balance") == "-17.90"
    assert statement_rows(march) == [("Chloé", "-1.00", "-18.90")]
    assert cell(march, "Closing balance") == "-18.90" and "-18.90 VAL" in march
    # one day, and an empty period before the currency existed
    one = client.get("/wallet", params={"start": "2026-02-20", "end": "2026-02-20"}).text
    assert statement_rows(one) == [("Chloé", "2.50", "-17.50")]
    before = client.get("/wallet", params={"start": "2025-01-01", "end": "2025-12-31"}).text
    assert cell(before, "Opening balance") == cell(before, "Closing balance") == "0.00"
    assert "No movement in this period." in before


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-02-30"}, "Dates are written year-month-day"),
        ({"end": "yesterday"}, "Dates are written year-month-day"),
        ({"start": "2026-03-01", "end": "2026-02-01"}, "The period starts after it ends"),
        ({"end": "2025-12-31"}, "The period starts after it ends"),  # after the default start
    ],
)
@pytest.mark.parametrize("path", ["/wallet", "/steward/ledger/VAL"])
def test_a_bad_period_is_a_400_that_says_why(
    services: Services, clock: FixedClock, query: dict[str, str], message: str, path: str
) -> None:
    village(services, clock)
    client = login(create_app(services), "bruno@valmont.example")
    page = client.get(path, params=query)
    assert page.status_code == 400 and message in page.text
    french = client.get(path, params=query, headers={"Accept-Language": "fr"})
    assert french.status_code == 400
    assert "Les dates s’écrivent" in french.text or "La période commence après" in french.text
    problem = client.get(path, params=query, headers={"Accept": "application/json"})
    assert problem.json()["code"] in {"web.invalid_date", "web.period_reversed"}


def test_the_books_give_the_periods_trial_balance_and_only_to_its_stewards(
    services: Services, clock: FixedClock
) -> None:
    people = village(services, clock)
    services.vault.create_community("ailleurs", "Ailleurs")
    services.identity.sign_up(
        "Zoé", "zoe@ailleurs.example", PASSWORD, community="ailleurs", role=Role.STEWARD
    )
    steward = login(create_app(services), "bruno@valmont.example")
    page = steward.get("/steward/ledger/VAL", params={"start": "2026-02-01", "end": "2026-02-28"})
    assert page.status_code == 200 and "Every invariant holds" in page.text
    aline = re.escape(account_id("VAL", AccountKind.MEMBER, people["aline"]))
    row = re.search(
        rf"<code>{aline}</code></th>((?:<td class=\"num\">[-\d.]+</td>){{4}})", page.text
    )
    assert row is not None
    # opening, the period's debits and credits, closing
    assert re.findall(r"[-\d.]+(?=</td>)", row.group(1)) == ["-30.00", "0.40", "12.50", "-17.90"]
    assert "Balanced: the period" in page.text
    totals = re.search(
        r'Total</th><td></td><td class="num">([\d.]+)</td><td class="num">([\d.]+)', page.text
    )
    assert totals is not None and totals.groups() == ("12.90", "12.90")
    journal = page.text.split('id="journal"')[1].split("</table>")[0]
    assert journal.count("<tr><td>") == 3  # February's three payments, not January's or March's
    member = login(create_app(services), "aline@valmont.example")
    for path in ("/steward/ledger/VAL", "/steward/currency/VAL"):
        refused = member.get(path)
        assert refused.status_code == 403 and "Stewards only" in refused.text
        assert "Trial balance" not in refused.text
    outsider = login(create_app(services), "zoe@ailleurs.example")
    assert outsider.get("/steward/ledger/VAL").status_code == 403
    assert outsider.get("/steward/currency/VAL").status_code == 403
    assert "/steward/ledger/VAL" not in outsider.get("/steward").text
    assert steward.get("/steward/ledger/NOPE").status_code == 404
    assert steward.get("/steward/currency/NOPE").status_code == 404


def revise(services: Services, version: int, pre_trusted: list[str], stewards: bool) -> None:
    text = SPEC.read_text().replace("version = 1", f"version = {version}")
    ids = ", ".join(f'"{m}"' for m in pre_trusted)
    text = text.replace("pre_trusted = []", f"pre_trusted = [{ids}]")
    text = text.replace("stewards = true", f"stewards = {'true' if stewards else 'false'}")
    services.currencies.revise(text)


def eigentrust(
    people: dict[str, str], trades: list[tuple[str, str]], pre: set[str]
) -> dict[str, float]:
    """The spec's 50 power iterations at alpha 0.15, with dense matrices."""
    members = sorted(people.values())
    index = {m: k for k, m in enumerate(members)}
    s = np.zeros((len(members), len(members)))
    for payer, payee in trades:
        s[index[people[payer]], index[people[payee]]] += 1
    p = np.array([1.0 if m in pre else 0.0 for m in members]) / len(pre)
    rows = s.sum(axis=1, keepdims=True)
    c = np.where(rows > 0, s / np.where(rows > 0, rows, 1), p)
    t = p.copy()
    for _ in range(50):
        t = 0.85 * c.T @ t + 0.15 * p
    return {m: float(v) for m, v in zip(members, t / t.sum(), strict=True)}


TRADES = [("aline", "bruno"), ("bruno", "aline"), ("chloé", "aline")]
TRADES += [("aline", "chloé")] * 2


def test_reputation_pre_trusts_the_stewards_only_when_the_spec_says_so(
    services: Services, clock: FixedClock
) -> None:
    people = village(services, clock)
    report = services.books.reputation("VAL")  # village.toml: stewards = true, no ids
    assert report.pre_trust.members == {people["bruno"]}
    assert (report.alpha, report.iterations) == (0.15, 50)
    expected = eigentrust(people, TRADES, {people["bruno"]})
    assert {s.member: s.score for s in report.standings} == pytest.approx(expected, abs=1e-12)
    assert [s.rank for s in report.standings] == [1, 2, 3, 4]
    assert report.standings[-1].member == people["dan"] and report.standings[-1].score == 0
    revise(services, 2, [people["chloé"]], stewards=False)
    without = services.books.reputation("VAL")
    assert without.pre_trust.members == {people["chloé"]}
    assert not without.of(people["bruno"]).pre_trusted  # type: ignore[union-attr]
    expected = eigentrust(people, TRADES, {people["chloé"]})
    assert {s.member: s.score for s in without.standings} == pytest.approx(expected, abs=1e-12)
    revise(services, 3, [people["chloé"], "m-gone"], stewards=True)
    both = services.books.reputation("VAL")
    assert both.pre_trust.members == {people["chloé"], people["bruno"]}
    assert both.pre_trust.unknown == ("m-gone",)  # not a member: left out, and said so
    revise(services, 4, ["m-gone"], stewards=False)  # (none at all: the validator refuses)
    with pytest.raises(ReputationInvalid, match="no pre-trusted member"):
        services.books.reputation("VAL")
    assert (
        "No reputation in this currency"
        in login(create_app(services), "aline@valmont.example").get("/wallet").text
    )
    steward = login(create_app(services), "bruno@valmont.example").get("/steward/ledger/VAL")
    assert steward.status_code == 200 and "No reputation: the spec names" in steward.text


def test_the_reputation_table_and_the_members_standing_render(
    services: Services, clock: FixedClock
) -> None:
    people = village(services, clock)
    report = services.books.reputation("VAL")
    page = login(create_app(services), "bruno@valmont.example").get("/steward/ledger/VAL").text
    table = page.split('id="reputation"')[1].split("</table>")[0]
    rows = re.findall(
        r'<tr><td class="num">(\d+)</td><th scope="row">([^<]+)</th>'
        r'<td class="num">([\d.]+%)</td><td>(.*?)</td></tr>',
        table,
    )
    names = {v: k.capitalize() for k, v in people.items()}
    assert [(int(rank), name) for rank, name, _, _ in rows] == [
        (s.rank, names[s.member]) for s in report.standings
    ]
    badges = [name for _, name, _, badge in rows if "pre-trusted" in badge]
    assert badges == ["Bruno"]
    assert rows[-1][:3] == ("4", "Dan", "0.0%")
    shown = [float(percent.rstrip("%")) for _, _, percent, _ in rows]
    assert shown == pytest.approx([100 * s.score for s in report.standings], abs=0.006)
    assert sum(shown) == pytest.approx(100, abs=0.02)
    wallet = login(create_app(services), "aline@valmont.example").get("/wallet").text
    mine = report.of(people["aline"])
    assert mine is not None
    assert f"rank {mine.rank} of 4" in wallet
    assert "share of the community's trust" in wallet
