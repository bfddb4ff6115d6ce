"""The demo's village currency, the VAL: created from its spec, residents located in
their hamlets, signed payments between neighbours (one refused: a flight), and the
first month's demurrage — so the wallet, the books and ``holoptic ledger check`` show
a living ledger. Everything goes through the real services."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta
from pathlib import Path

from holoptic.bootstrap import Services
from holoptic.demo.catalog import HAMLETS
from holoptic.demo.people import CAMILLE_EMAIL
from holoptic.ledger.orders import PaymentOrder

SPEC = Path(__file__).with_name("village.toml")
CODE = "VAL"
PAYERS = 40  # residents who pay and are paid in the demo
CATEGORIES = ("food", "household_services", "recreation_culture", "education", "food")


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
    return _payments(services, chosen, random.Random(seed))  # noqa: S311 (a demo)


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
