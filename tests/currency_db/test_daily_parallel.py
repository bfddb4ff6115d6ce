"""A day's flow posted with batches side by side equals the same day posted one batch
after the other (on PostgreSQL they overlap; SQLite's one writer takes them in turn)."""

from __future__ import annotations

import random
from datetime import date

from holoptic.ledger.accounts import account_id
from holoptic.ledger.daily import DailyFlows
from holoptic.ledger.model import AccountKind
from tests.currency_db.test_processes import OPEN_SPEC, _village, seed_holdings
from tests.e2e.conftest import Cli

DAY = date(2026, 1, 31)  # a demurrage day of the village currency


def test_parallel_batches_post_what_sequential_ones_do(ready: Cli) -> None:
    members = _village(ready, 60, OPEN_SPEC)
    with ready.services() as services:
        services.currencies.create(OPEN_SPEC.replace('code = "VAL"', 'code = "VAM"'))
        for code in ("VAL", "VAM"):
            seed_holdings(services, members, code, random.Random(7))  # the same holdings
        reports = {
            code: DailyFlows(
                services.uow, services.currencies.spec, services.clock, 4, workers
            ).run(DAY, [code])[0]
            for code, workers in (("VAL", 1), ("VAM", 3))
        }
        charged, sinks = {}, {}
        with services.uow() as uow:
            for code in ("VAL", "VAM"):
                charged[code] = sorted(
                    (t.debit.split(":")[-1], t.amount)
                    for t in uow.ledger.transfers(code)
                    if t.category == "demurrage"
                )
                sink = account_id(code, AccountKind.DEMURRAGE)
                sinks[code] = uow.ledger.state([sink], []).balances[sink].posted
        for code in ("VAL", "VAM"):
            [report] = services.books.check(code)
            assert report.ok, report.violations
        again = DailyFlows(services.uow, services.currencies.spec, services.clock, 4, 3)
        [rerun] = again.run(DAY, ["VAM"])
    assert reports["VAL"].accounts == reports["VAM"].accounts == 30 > 4  # several batches
    assert reports["VAL"].amount == reports["VAM"].amount > 0
    assert charged["VAL"] == charged["VAM"] and len(charged["VAM"]) == 30  # each once
    assert sinks["VAL"] == sinks["VAM"] == reports["VAM"].amount
    assert rerun.skipped
