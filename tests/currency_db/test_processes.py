"""The ledger under real processes: 8 payers at once lose no update and break no
invariant; a daily flow killed with SIGKILL mid-way completes, once, on re-run."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from holoptic.bootstrap import Services
from holoptic.db import schema
from holoptic.ledger.accounts import account_id, holder_account
from holoptic.ledger.model import AccountKind, Transfer
from tests.e2e.conftest import Cli

ROOT = Path(__file__).resolve().parents[2]
SPEC = (ROOT / "src" / "holoptic" / "demo" / "village.toml").read_text()
OPEN_SPEC = SPEC.split("[[perimeter.zone]]")[0] + "[categories]" + SPEC.split("[categories]")[1]

PAYER = textwrap.dedent(
    """
    import json, random, sys, uuid
    from holoptic.bootstrap import bootstrap
    from holoptic.ledger.orders import PaymentOrder
    members, seed = json.loads(sys.argv[1]), int(sys.argv[2])
    services, rng, applied = bootstrap(), random.Random(seed), 0
    for n in range(25):
        payer, payee = rng.sample(members, 2)
        order = PaymentOrder(str(uuid.uuid4()), "VAL", payer, payee, rng.randint(1, 900),
                             "food", services.clock.now())
        applied += services.payments.pay(order, services.signing_keys.sign(payer, order)).ok
    print(applied)
    """
)

FLOW = textwrap.dedent(
    """
    import sys
    from datetime import date
    from holoptic.bootstrap import bootstrap
    from holoptic.ledger.daily import DailyFlows
    services = bootstrap()
    flows = DailyFlows(services.uow, services.currencies.spec, services.clock, batch=5)
    print(flows.run(date.fromisoformat(sys.argv[1]), ["VAL"]))
    """
)


def _env(cli: Cli) -> dict[str, str]:
    env = dict(os.environ)
    env.update({k: v for k, v in cli.env.items() if v is not None})
    return env


def _village(cli: Cli, members: int, spec: str) -> list[str]:
    cli.ok("community", "add", "valmont", "Valmont-sur-Lize")
    with cli.services() as services:
        ids = [services.vault.add_member(f"M{n}", None, "valmont").id for n in range(members)]
        services.currencies.create(spec)
    return ids


def seed_holdings(services: Services, members: list[str], code: str, rng: random.Random) -> None:
    """Every second member pays the next 100.00–200.00, long before the grace window."""
    spec, now = services.currencies.spec(code), services.clock.now()
    batch = [
        Transfer(
            f"seed-{code}-{payer}",
            code,
            account_id(code, AccountKind.MEMBER, payer),
            account_id(code, AccountKind.MEMBER, payee),
            rng.randint(10_000, 20_000),
            "food",
            at=now.replace(year=2025),
        )
        for payer, payee in zip(members[::2], members[1::2], strict=True)
    ]
    with services.uow(write=True) as uow:
        uow.ledger.open_accounts(holder_account(spec, AccountKind.MEMBER, m, now) for m in members)
        results, _ = services.payments.apply_in(uow, spec, batch, now)
    assert all(r.ok for r in results)


def test_eight_processes_paying_at_once_lose_nothing(ready: Cli) -> None:
    members = _village(ready, 16, OPEN_SPEC)
    with ready.services() as services:
        for member in members:  # keys first: eight processes would race to create them
            services.signing_keys.public_key(member)
    children = [
        subprocess.Popen(
            [sys.executable, "-c", PAYER, json.dumps(members), str(seed)],
            env=_env(ready),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in range(8)
    ]
    applied = 0
    for child in children:
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0, err
        applied += int(out.strip())
    with ready.services() as services:
        [report] = services.books.check("VAL")
        assert report.ok, report.violations
        assert report.transfers == applied  # every applied payment is there, once
        with services.engine.connect() as conn:
            total = conn.execute(select(func.sum(schema.ledger_accounts.c.posted))).scalar_one()
        assert total == 0  # mutual credit: Σ balances stays 0


def test_a_daily_flow_killed_midway_completes_once(ready: Cli) -> None:
    members = _village(ready, 400, OPEN_SPEC)
    with ready.services() as services:
        seed_holdings(services, members, "VAL", random.Random(3))
    day = date(2026, 1, 31)
    child = subprocess.Popen(
        [sys.executable, "-c", FLOW, day.isoformat()],
        env=_env(ready),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    with ready.services() as services:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with services.engine.connect() as conn:
                done = conn.execute(
                    select(func.count()).where(schema.ledger_transfers.c.category == "demurrage")
                ).scalar_one()
            if done >= 30 or child.poll() is not None:
                break
            time.sleep(0.002)
    assert child.poll() is None, "the flow ended before it could be killed"
    child.send_signal(signal.SIGKILL)
    child.wait()
    with ready.services() as services:
        assert services.books.check("VAL")[0].ok  # consistent even mid-way
        with services.uow() as uow:
            assert uow.ledger.flow_done("VAL", day, "demurrage") is None  # killed mid-way
            partial = [t for t in uow.ledger.transfers("VAL") if t.category == "demurrage"]
        assert 0 < len(partial) < 200
        services.daily.run(day, ["VAL"])
        with services.uow() as uow:
            assert uow.ledger.flow_done("VAL", day, "demurrage") is not None
            charged = [t for t in uow.ledger.transfers("VAL") if t.category == "demurrage"]
        assert len(charged) == len({t.debit for t in charged}) == 200  # each payee once
        assert services.books.check("VAL")[0].ok
