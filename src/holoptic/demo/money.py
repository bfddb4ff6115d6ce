"""The demo's village currency, the VAL: created from its spec, residents located in
their hamlets, signed payments between neighbours (one refused: a flight), the first
month's demurrage, and a few residents cashing VAL out into euros across the link (the
last one refused: the link's 500.00 daily cap is reached) — so the wallet, the books and
``holoptic ledger check`` show a living ledger. Everything goes through the real
services."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta
from pathlib import Path

from holoptic.bootstrap import Services
from holoptic.demo.catalog import HAMLETS
from holoptic.demo.people import CAMILLE_EMAIL
from holoptic.ledger.accounts import account_id
from holoptic.ledger.exchange import CrossingOrder
from holoptic.ledger.model import AccountKind
from holoptic.ledger.orders import PaymentOrder

SPEC = Path(__file__).with_name("village.toml")
CODE = "VAL"
PAYERS = 40  # residents who pay and are paid in the demo
CATEGORIES = ("food", "household_services", "recreation_culture", "education", "food")
# (payer by wealth rank, amount in cents) crossing into euros: 460.00, then 60.00 over the cap
CASH_OUTS = ((0, 15_000), (1, 12_000), (2, 13_000), (3, 6_000), (0, 6_000))


def load_money(services: Services, seed: int = 7) -> int:
    """Create the VAL once and make its first payments; returns the payments made now."""
    if any(row.code == CODE for row in services.currencies.list()):
        return 0
    services.currencies.create(SPEC.read_text(encoding="utf-8"))
    members = [m.id for m in services.vault.members("valmont")]
    camille = services.vault.find_by_email(CAMILLE_EMAIL)
    chosen = members[:PAYERS]
    if camille is not None and camille.id not in chosen:
        chosen[-1] = camille.id
    for n, member in enumerate(chosen):
        hamlet = HAMLETS[n % len(HAMLETS)]
        services.payments.locate(CODE, member, hamlet.lon, hamlet.lat)
    rng = random.Random(seed)  # noqa: S311 (a demo)
    made = _payments(services, chosen, rng)
    return made + _cash_outs(services, chosen, rng)


def _payments(services: Services, members: list[str], rng: random.Random) -> int:
    made = 0
    for n in range(3 * len(members)):
        payer, payee = rng.sample(members, 2)
        amount = rng.choice((250, 480, 900, 1250, 2000, 3500))
        category = "air_travel" if n == 7 else rng.choice(CATEGORIES)
        order = PaymentOrder(
            str(uuid.UUID(int=rng.getrandbits(128))),
            CODE,
            payer,
            payee,
            amount,
            category,
            services.clock.now(),
        )
        made += services.payments.pay(order, services.signing_keys.sign(payer, order)).ok
    spec = services.currencies.spec(CODE)
    assert spec.demurrage is not None
    period = spec.demurrage.period_days
    elapsed = (services.clock.now().date() - spec.effective_from).days
    last = spec.effective_from + timedelta(days=max(1, elapsed // period) * period)
    services.daily.run(last, [CODE])  # the latest demurrage day (or the first one)
    return made


def _cash_outs(services: Services, members: list[str], rng: random.Random) -> int:
    """The residents with the most VAL change some into euros, until the cap says no."""
    ids = {m: account_id(CODE, AccountKind.MEMBER, m) for m in members}
    with services.uow(write=True) as uow:
        balances = uow.ledger.state(list(ids.values()), []).balances
    richest = sorted(members, key=lambda m: -balances[ids[m]].posted if ids[m] in balances else 0)
    made = 0
    for rank, amount in CASH_OUTS:
        payer = richest[rank]
        order = CrossingOrder(
            str(uuid.UUID(int=rng.getrandbits(128))),
            CODE,
            payer,
            "",
            amount,
            "household_services",
            services.clock.now(),
            "EUR",
        )
        made += services.exchange.cross(order, services.signing_keys.sign(payer, order)).ok
    return made
