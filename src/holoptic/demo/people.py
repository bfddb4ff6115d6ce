"""The villagers: who lives in Valmont-sur-Lize, and which of their data they brought.

The roster is drawn from one random stream, so ``roster(seed, 12)`` is the first twelve
of ``roster(seed, 300)``: a small test village is a slice of the real one. Four people
come first and never change: Camille Martin, the demo member with every kind of data,
and the three stewards (the town hall's account and two association leaders).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from random import Random

from holoptic.demo import names
from holoptic.errors import InvalidInput

DOMAIN = "valmont.example"
CAMILLE_EMAIL = f"camille.martin@{DOMAIN}"
STEWARD_EMAIL = f"steward@{DOMAIN}"

ENERGY = "energy.interval"
LOCATION = "location.point"
BROWSING = "browsing.visit"
OFF_PLATFORM = "ads.off_platform"
AUDIENCE = "ads.custom_audience"
INTEREST = "ads.interest"
ALL_KINDS = frozenset({ENERGY, LOCATION, BROWSING, OFF_PLATFORM, AUDIENCE, INTEREST})

# Where a resident's data comes from, and how many residents brought each source: the
# Linky meter (energy), a Google Takeout (places and browsing), a browser history alone,
# and a Meta export (advertisers, interests, off-Meta activity).
SOURCES = (
    (0.80, frozenset({ENERGY})),
    (0.40, frozenset({LOCATION, BROWSING})),
    (0.20, frozenset({BROWSING})),
    (0.45, frozenset({AUDIENCE, INTEREST, OFF_PLATFORM})),
)
PROFILES = ("commuter", "retired", "home", "student")
PROFILE_WEIGHTS = (45, 30, 15, 10)


class DemoTooSmall(InvalidInput):
    code = "demo.too_small"


@dataclass(frozen=True, slots=True)
class Resident:
    """One villager as the generator sees them: identity, way of life, data brought.

    ``days`` is how many days of fine-grained place and browsing data they have (energy
    always covers the whole window); ``activity`` scales how much they browse.
    """

    index: int
    first: str
    last: str
    email: str
    lang: str
    role: str
    profile: str
    household: int
    activity: float
    days: int
    kinds: frozenset[str]

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


FOUNDERS = (
    Resident(0, "Camille", "Martin", CAMILLE_EMAIL, "fr", "member", "commuter", 3, 1.2, 14,
             ALL_KINDS),
    Resident(1, "Hélène", "Rousseau", STEWARD_EMAIL, "fr", "steward", "home", 2, 0.0, 0,
             frozenset()),
    Resident(2, "Bernard", "Fabre", f"bernard.fabre@{DOMAIN}", "fr", "steward", "retired", 2,
             0.5, 7, frozenset({ENERGY, AUDIENCE, INTEREST, OFF_PLATFORM})),
    Resident(3, "Sophie", "Lambert", f"sophie.lambert@{DOMAIN}", "fr", "steward", "home", 4,
             0.9, 7, frozenset({ENERGY, LOCATION, BROWSING})),
)  # fmt: skip


def roster(seed: int, count: int) -> list[Resident]:
    """``count`` villagers with unique e-mail addresses, the founders first."""
    if count < len(FOUNDERS):
        raise DemoTooSmall(f"the demo village needs at least {len(FOUNDERS)} members")
    rng = Random(f"valmont-roster:{seed}")  # noqa: S311 (reproducible, not secret)
    people = list(FOUNDERS)
    taken = {person.email for person in people}
    while len(people) < count:
        people.append(_newcomer(rng, len(people), taken))
    return people


def _newcomer(rng: Random, index: int, taken: set[str]) -> Resident:
    lang = "en" if rng.random() < 0.07 else "fr"
    profile = rng.choices(PROFILES, weights=PROFILE_WEIGHTS)[0]
    first, last = _name(rng, lang, profile)
    email = _unique(f"{_ascii(first)}.{_ascii(last)}", taken)
    return Resident(
        index=index,
        first=first,
        last=last,
        email=email,
        lang=lang,
        role="member",
        profile=profile,
        household=_household(rng, profile),
        activity=round(rng.uniform(0.3, 1.3), 2),
        days=rng.choice((3, 5, 7, 7, 10)),
        kinds=_kinds(rng),
    )


def _name(rng: Random, lang: str, profile: str) -> tuple[str, str]:
    if lang == "en":
        return rng.choice(rng.choice(names.ENGLISH)), rng.choice(names.ENGLISH_SURNAMES)
    if profile == "retired":
        generation = names.OLD
    elif profile == "student":
        generation = names.YOUNG
    else:
        generation = rng.choice((names.MIDDLE, names.MIDDLE, names.YOUNG))
    return rng.choice(rng.choice(generation)), rng.choice(names.SURNAMES)


def _household(rng: Random, profile: str) -> int:
    """Persons living in the home: retirees alone or in pairs, students with family."""
    if profile == "retired":
        return rng.choice((1, 2, 2))
    if profile == "student":
        return rng.choice((3, 4, 4, 5))
    return rng.choice((1, 2, 2, 3, 3, 4, 4, 5))


def _kinds(rng: Random) -> frozenset[str]:
    kinds: set[str] = set()
    for share, brought in SOURCES:
        if rng.random() < share:
            kinds |= brought
    return frozenset(kinds or {ENERGY})


def _ascii(text: str) -> str:
    """``Hélène`` → ``helene``, ``Da Silva`` → ``dasilva``: the local part of an address."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum() or ch == "-")


def _unique(local: str, taken: set[str]) -> str:
    """Namesakes get a number, as mail providers do: ``marie.durand2``."""
    email, number = f"{local}@{DOMAIN}", 1
    while email in taken:
        number += 1
        email = f"{local}{number}@{DOMAIN}"
    taken.add(email)
    return email
