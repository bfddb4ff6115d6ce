"""The rules a currency spec must keep, each problem reported with its TOML path.

Checks return every problem at once (after Beancount's errors-as-values) so a steward
fixes a spec in one pass; ``InvalidSpec`` carries them. Paths name TOML keys
(``demurrage.rate``, ``exchange[1].to``), since that is what the steward edits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from holoptic.currency import categories, zones
from holoptic.currency.model import (
    BP,
    Circle,
    CurrencySpec,
    Demurrage,
    Eligible,
    EuroBacked,
    ExchangeLink,
    FixedSupply,
    Issuance,
    MutualCredit,
    Perimeter,
    Polygon,
    Reputation,
    UniversalDividend,
)
from holoptic.errors import InvalidInput

CODE = re.compile(r"^[A-Z]{3,8}$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")  # the vault's community slugs
ACCOUNT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,63}$")
MAX_DECIMALS = 6
MAX_NAME = 80
MAX_GRACE_PERIODS = 4
MAX_GRACE_DAYS = 365
MAX_ITERATIONS = 1000


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    message: str


class InvalidSpec(InvalidInput):
    """A spec that cannot be used; ``details["problems"]`` lists ``{path, message}``."""

    code = "currency.invalid_spec"

    def __init__(self, problems: Iterable[Problem]) -> None:
        found = list(problems)
        lines = "; ".join(f"{p.path}: {p.message}" for p in found)
        noun = "problem" if len(found) == 1 else "problems"
        super().__init__(
            f"the currency spec has {len(found)} {noun}: {lines}",
            problems=[{"path": p.path, "message": p.message} for p in found],
        )
        self.problems = tuple(found)


def validate(spec: CurrencySpec) -> list[Problem]:
    """Every problem of ``spec``; an empty list means it can be used."""
    found = list(check_header(spec))
    found += check_issuance(spec.issuance)
    if spec.demurrage is not None:
        found += check_demurrage(spec.demurrage)
    if spec.perimeter is not None:
        found += check_perimeter(spec.perimeter)
    found += check_categories(spec.refused_categories)
    found += check_exchange(spec.code, spec.exchange)
    found += check_reputation(spec.reputation)
    found += check_across(spec)
    return found


def ensure_valid(spec: CurrencySpec, previous: CurrencySpec | None = None) -> CurrencySpec:
    """``spec`` itself, or ``InvalidSpec`` listing its problems (and its successor's)."""
    found = validate(spec)
    if previous is not None:
        found += check_successor(previous, spec)
    if found:
        raise InvalidSpec(found)
    return spec


def check_successor(previous: CurrencySpec, new: CurrencySpec) -> list[Problem]:
    """A new version continues the previous one: next number, same code, community,
    decimals and issuance kind (balances would change meaning), not effective earlier."""
    found: list[Problem] = []
    if new.version != previous.version + 1:
        found.append(Problem("currency.version", f"must be {previous.version + 1}, the next"))
    for key, old, now in (
        ("code", previous.code, new.code),
        ("community", previous.community, new.community),
        ("decimals", previous.decimals, new.decimals),
    ):
        if old != now:
            found.append(Problem(f"currency.{key}", f"cannot change ({old!r} → {now!r})"))
    if new.issuance_kind is not previous.issuance_kind:
        found.append(
            Problem(
                "issuance", f"cannot change from {previous.issuance_kind} to {new.issuance_kind}"
            )
        )
    if new.effective_from < previous.effective_from:
        found.append(
            Problem(
                "currency.effective_from",
                f"{new.effective_from} is before version {previous.version}'s "
                f"{previous.effective_from}",
            )
        )
    return found


class Header(Protocol):
    """The ``[currency]`` fields: a spec, or the parser's header before the rest is read."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def decimals(self) -> int: ...
    @property
    def version(self) -> int: ...
    @property
    def community(self) -> str: ...


def check_header(spec: Header) -> Iterator[Problem]:
    if not CODE.match(spec.code):
        yield Problem("currency.code", f"{spec.code!r} must be 3 to 8 letters A–Z (upper case)")
    if not spec.name.strip() or len(spec.name) > MAX_NAME:
        yield Problem("currency.name", f"must be 1 to {MAX_NAME} characters")
    elif any(ord(ch) < 32 or ord(ch) == 127 for ch in spec.name):
        yield Problem("currency.name", "must not contain control characters")
    if not 0 <= spec.decimals <= MAX_DECIMALS:
        yield Problem("currency.decimals", f"{spec.decimals} is outside 0..{MAX_DECIMALS}")
    if spec.version < 1:
        yield Problem("currency.version", "must be 1 or more")
    if not SLUG.match(spec.community):
        yield Problem("currency.community", f"{spec.community!r} is not a community slug")


def check_issuance(issuance: Issuance) -> Iterator[Problem]:
    at = f"issuance.{issuance.kind}"
    if isinstance(issuance, FixedSupply):
        if issuance.total <= 0:
            yield Problem(f"{at}.total", "must be positive")
        if not ACCOUNT.match(issuance.to):
            yield Problem(f"{at}.to", f'{issuance.to!r} is not an account ("treasury" or an id)')
    elif isinstance(issuance, MutualCredit):
        yield from _check_limits(issuance, at)
    elif isinstance(issuance, UniversalDividend):
        yield from _check_dividend(issuance, at)
    elif isinstance(issuance, EuroBacked):
        if not 0 <= issuance.redemption_fee_bp < BP:
            yield Problem(f"{at}.redemption_fee", "must be at least 0 % and below 100 %")
        if not 0 < issuance.reserve_ratio_bp <= BP:
            yield Problem(f"{at}.reserve_ratio", "must be above 0 % and at most 100 %")


def _check_limits(credit: MutualCredit, at: str) -> Iterator[Problem]:
    for kind in ("member", "consumer"):
        limit = credit.limit_for(kind)
        if limit.hard < 0 or limit.soft < 0:
            yield Problem(f"{at}.{kind}", "limits are amounts of debt: 0 or more")
        elif limit.soft > limit.hard:
            yield Problem(
                f"{at}.{kind}.soft",
                "is beyond the hard limit: the warning would come after the refusal",
            )


def _check_dividend(ud: UniversalDividend, at: str) -> Iterator[Problem]:
    if ud.initial <= 0:
        yield Problem(f"{at}.initial", "must be positive")
    if not 0 < ud.c < 1:
        yield Problem(f"{at}.c", "must be between 0 and 1 (Ğ1: 0.0488 per half-year)")
    if ud.dividend_days < 1:
        yield Problem(f"{at}.dividend_days", "must be 1 or more")
    elif ud.reevaluation_days < ud.dividend_days or ud.reevaluation_days % ud.dividend_days:
        yield Problem(
            f"{at}.reevaluation_days",
            f"must be a whole number of dividend periods ({ud.dividend_days} days)",
        )
    if ud.eligible is Eligible.ACTIVE_MEMBERS and (ud.active_days or 0) < 1:
        yield Problem(f"{at}.active_days", "active_members needs active_days of 1 or more")
    if ud.eligible is Eligible.MEMBERS and ud.active_days is not None:
        yield Problem(f"{at}.active_days", 'only applies when eligible = "active_members"')


def check_demurrage(demurrage: Demurrage) -> Iterator[Problem]:
    if not 0 < demurrage.rate_bp < BP:
        yield Problem("demurrage.rate", "must be above 0 % and below 100 % per period")
    if demurrage.period_days < 1:
        yield Problem("demurrage.period_days", "must be 1 or more")
    if demurrage.exempt_base < 0:
        yield Problem("demurrage.exempt_base", "must be 0 or more")
    limit = min(MAX_GRACE_DAYS, MAX_GRACE_PERIODS * max(demurrage.period_days, 0))
    if demurrage.grace_days < 0:
        yield Problem("demurrage.grace_days", "must be 0 or more")
    elif demurrage.grace_days > limit and demurrage.period_days >= 1:
        yield Problem(
            "demurrage.grace_days",
            f"{demurrage.grace_days} days is longer than {MAX_GRACE_PERIODS} periods or a "
            f"year ({limit} days): demurrage would hardly ever apply",
        )


def check_perimeter(perimeter: Perimeter) -> Iterator[Problem]:
    if not perimeter.zones:
        yield Problem("perimeter.zone", "a perimeter needs at least one zone")
    seen: set[str] = set()
    for index, zone in enumerate(perimeter.zones):
        at = f"perimeter.zone[{index}]"
        if not zone.name.strip():
            yield Problem(f"{at}.name", "must not be empty")
        elif zone.name in seen:
            yield Problem(f"{at}.name", f"{zone.name!r} names two zones")
        seen.add(zone.name)
        if isinstance(zone, Circle):
            yield from _check_circle(zone, f"{at}.circle")
        elif isinstance(zone, Polygon):
            for message in zones.polygon_problems(zone):
                yield Problem(f"{at}.polygon", message)


def _check_circle(circle: Circle, at: str) -> Iterator[Problem]:
    if not zones.valid_coordinates(circle.lon, circle.lat):
        yield Problem(at, f"({circle.lon}, {circle.lat}) is not a longitude, latitude")
    if not 0 < circle.radius_m <= zones.MAX_RADIUS_M:
        yield Problem(f"{at}.radius_m", f"must be above 0 and at most {zones.MAX_RADIUS_M:.0f} m")


def check_categories(refused: tuple[str, ...]) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, code in enumerate(refused):
        at = f"categories.refused[{index}]"
        if categories.get(code) is None:
            yield Problem(at, f"{code!r} is not a category of Holoptic's taxonomy")
        elif code in seen:
            yield Problem(at, f"{code!r} is listed twice")
        seen.add(code)


def check_exchange(own: str, links: tuple[ExchangeLink, ...]) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, link in enumerate(links):
        at = f"exchange[{index}]"
        if link.to == own:
            yield Problem(f"{at}.to", "a currency cannot link to itself")
        elif not CODE.match(link.to):
            yield Problem(f"{at}.to", f"{link.to!r} must be 3 to 8 letters A–Z (upper case)")
        elif link.to in seen:
            yield Problem(f"{at}.to", f"a second link to {link.to}")
        seen.add(link.to)
        if link.rate <= 0:
            yield Problem(f"{at}.rate", "must be positive")
        if link.daily_cap is not None and link.daily_cap <= 0:
            yield Problem(f"{at}.daily_cap", "must be positive (leave it out for no cap)")
        if not 0 <= link.fee_bp < BP:
            yield Problem(f"{at}.fee", "must be at least 0 % and below 100 %")


def check_reputation(reputation: Reputation) -> Iterator[Problem]:
    if not 0 < reputation.alpha <= 1:
        yield Problem("reputation.alpha", "must be above 0 and at most 1")
    if not 1 <= reputation.iterations <= MAX_ITERATIONS:
        yield Problem("reputation.iterations", f"must be 1 to {MAX_ITERATIONS}")
    seen: set[str] = set()
    for index, member in enumerate(reputation.pre_trusted):
        if not ACCOUNT.match(member):
            yield Problem(f"reputation.pre_trusted[{index}]", f"{member!r} is not a member id")
        elif member in seen:
            yield Problem(f"reputation.pre_trusted[{index}]", f"{member!r} is listed twice")
        seen.add(member)
    if not reputation.stewards and not reputation.pre_trusted:
        why = "names no pre-trusted member and leaves the stewards out: trust has no source"
        yield Problem("reputation", why)


def check_across(spec: CurrencySpec) -> Iterator[Problem]:
    """Contradictions between sections."""
    if isinstance(spec.issuance, EuroBacked):
        for index, link in enumerate(spec.exchange):
            if link.to == "EUR":
                yield Problem(
                    f"exchange[{index}].to",
                    "a euro-backed currency redeems through its reserve: a link to EUR "
                    "would bypass the redemption fee and the reserve",
                )
    if (
        isinstance(spec.issuance, FixedSupply)
        and spec.demurrage is not None
        and 0 < spec.issuance.total <= spec.demurrage.exempt_base
    ):
        yield Problem(
            "demurrage.exempt_base",
            "is at least the whole fixed supply: no balance could ever pay demurrage",
        )
