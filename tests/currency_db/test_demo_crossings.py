"""The demo village changes VAL into euros across its link, until the daily cap says no."""

from __future__ import annotations

from datetime import UTC, datetime

from holoptic.bootstrap import Services
from holoptic.demo.load import load_demo
from holoptic.trace.keys import create_log_key


def test_the_demo_cashes_out_until_the_cap(services: Services) -> None:
    services.clock.current = datetime(2026, 11, 22, 9, tzinfo=UTC)  # type: ignore[attr-defined]
    create_log_key(services.settings.keys_dir, "valmont.example/log")
    load_demo(services, members=40)
    with services.uow() as uow:
        transfers = uow.ledger.transfers("VAL")
    out = [t for t in transfers if t.credit == "VAL:exchange:EUR"]
    fees = [t for t in transfers if t.debit == "VAL:exchange:EUR"]
    assert sorted(t.amount for t in out) == [6_000, 12_000, 13_000, 15_000]  # the 5th: capped
    assert sum(t.amount for t in fees) == 2 * 46_000 // 100
    [report] = services.books.check("VAL")
    assert report.ok
