"""Matching holders to directory records, saying how and how sure.

Three methods, from the most to the least certain:

- **domain** (0.95): a domain of the holder (its website, the tracker domains it was seen
  on, a name that is a host name) is the registrable domain of a record's ``web``;
- **runs** (0.9, fuzzy 0.8 × score): the holder's name is one of the services a record
  ``runs`` (Art. 4(7) GDPR: that company is the controller), or a run names its domain;
- **name** (0.9 exact, fuzzy 0.85 × score): the names, normalised (lower case, accents and
  punctuation dropped, legal suffixes such as Inc, Ltd, GmbH, SA, SAS, BV removed),
  compared with rapidfuzz's ``token_sort_ratio`` (word order does not matter) and
  ``WRatio`` for names of similar length, above a threshold.

A member's own confirmation (or "no match") replaces all of this with confidence 1.0.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from holoptic.reveal.domains import domain_of, looks_like_domain
from holoptic.reveal.model import Match

# fmt: off
LEGAL = frozenset((
    "inc", "incorporated", "corp", "corporation", "co", "company", "llc", "llp", "lp", "ltd",
    "limited", "plc", "gmbh", "mbh", "ag", "kg", "kgaa", "ohg", "ug", "eg", "ev", "sa", "sas",
    "sasu", "sarl", "eurl", "sca", "sc", "snc", "bv", "nv", "vof", "ab", "asa", "as", "aps", "oy",
    "oyj", "spa", "srl", "sro", "sp", "zoo", "pty", "pte", "bhd", "kk", "se", "uab", "ou", "sl",
    "slu",
))
# fmt: on
THRESHOLD = 90  # fuzzy scores (0..100) below this are not matches
SHORT = 4  # names shorter than this (normalised) only match exactly
DOMAIN, RUNS, RUNS_FUZZY, NAME, NAME_FUZZY = 0.95, 0.9, 0.8, 0.9, 0.85
_SEPARATORS = re.compile(r"\s+[-–—|:·/]\s+|\s*\(")
_INITIALS = re.compile(r"\b(?:[a-z]\.){2,}")  # s.a., b.v., e.v.


def normalise(name: str) -> str:
    """``"Meta Platforms Ireland Ltd."`` → ``"meta platforms ireland"``."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = _INITIALS.sub(lambda m: m.group().replace(".", ""), text)
    text = text.replace("&", " and ").replace("+", " plus ")
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    while len(words) > 1:
        if len(words) > 2 and words[-2:] == ["and", "co"]:
            del words[-2:]
        elif words[-1] in LEGAL:
            words.pop()
        else:
            break
    return " ".join(words)


def variants(name: str) -> list[str]:
    """Normalised forms of a name: whole, before a tagline (``Vinted - Buy and sell``), and
    without its top-level domain when it is a host name (``Booking.com`` → ``booking``)."""
    head = _SEPARATORS.split(name, maxsplit=1)[0]
    found: list[str] = []
    for raw in dict.fromkeys((name, head)):
        found.append(normalise(raw))
        if looks_like_domain(raw):
            found.append(normalise(raw.strip().lower().split(".")[-2]))
    return [form for i, form in enumerate(found) if form and form not in found[:i]]


@dataclass(frozen=True, slots=True)
class Entry:
    """What matching needs of a directory record."""

    slug: str
    name: str
    web: str | None
    runs: tuple[str, ...] = ()


class Matcher:
    """An index of one directory version, built once and reused for every holder."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self._names: list[str] = []
        self._name_slugs: list[str] = []
        self._runs: list[str] = []
        self._run_slugs: list[str] = []
        self._domains: dict[str, list[str]] = defaultdict(list)
        self._run_domains: dict[str, list[str]] = defaultdict(list)
        self._name_of: dict[str, str] = {}
        self._cache: dict[tuple[str, tuple[str, ...]], Match | None] = {}
        for entry in entries:
            self._add(entry)
        self._exact_names = _positions(self._names)
        self._exact_runs = _positions(self._runs)

    def _add(self, entry: Entry) -> None:
        self._name_of[entry.slug] = normalise(entry.name)
        for form in variants(entry.name):
            self._names.append(form)
            self._name_slugs.append(entry.slug)
        web = domain_of(entry.web)
        if web:
            self._domains[web].append(entry.slug)
        for run in entry.runs:
            for form in variants(_without_parentheses(run)):
                self._runs.append(form)
                self._run_slugs.append(entry.slug)
            for host in re.findall(r"[\w.-]+\.[a-z]{2,24}\b", run.lower()):
                if looks_like_domain(host) and (run_domain := domain_of(host)):
                    self._run_domains[run_domain].append(entry.slug)

    def __len__(self) -> int:
        return len(self._name_of)

    def match(self, name: str, domains: Sequence[str] = ()) -> Match | None:
        """The best record for a holder, or None when nothing is close enough."""
        key = (name, tuple(domains))
        if key not in self._cache:
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache[key] = self._match(name, domains)
        return self._cache[key]

    def _match(self, name: str, domains: Sequence[str]) -> Match | None:
        forms = variants(name)
        wanted = {d for d in (domain_of(x) for x in domains) if d}
        if looks_like_domain(name) and (own := domain_of(name)):
            wanted.add(own)
        candidates = [
            *self._by_domain(forms, wanted),
            *self._by_runs(forms, wanted),
            *self._by_name(forms),
        ]
        if not candidates:
            return None
        candidates.sort(key=lambda m: m.directory_slug)  # ties go to the same record every time
        return max(
            candidates,
            key=lambda m: (
                m.confidence,
                self._similarity(forms, m.directory_slug),
                -len(m.directory_slug),
            ),
        )

    def _by_domain(self, forms: list[str], wanted: set[str]) -> list[Match]:
        slugs = sorted({slug for domain in wanted for slug in self._domains.get(domain, ())})
        if not slugs:
            return []
        best = max(slugs, key=lambda slug: (self._similarity(forms, slug), -len(slug)))
        return [Match(best, DOMAIN, "domain")]

    def _by_runs(self, forms: list[str], wanted: set[str]) -> list[Match]:
        found = [
            Match(slug, RUNS, "runs")
            for domain in sorted(wanted)
            for slug in self._run_domains.get(domain, ())
        ]
        for score, index in self._fuzzy(forms, self._runs, self._exact_runs):
            confidence = RUNS if score == 100 else round(RUNS_FUZZY * score / 100, 3)
            found.append(Match(self._run_slugs[index], confidence, "runs"))
        return found

    def _by_name(self, forms: list[str]) -> list[Match]:
        found = []
        for score, index in self._fuzzy(forms, self._names, self._exact_names):
            confidence = NAME if score == 100 else round(NAME_FUZZY * score / 100, 3)
            found.append(Match(self._name_slugs[index], confidence, "name"))
        return found

    def _fuzzy(
        self, forms: list[str], choices: list[str], exact: Mapping[str, list[int]]
    ) -> list[tuple[float, int]]:
        """(score, index of the choice) of the best choices for each form (ties kept)."""
        found: list[tuple[float, int]] = []
        for form in forms:
            if len(form) < SHORT:
                found += [(100.0, i) for i in exact.get(form, ())]
                continue
            hits = [
                (float(score), int(index))
                for scorer in (fuzz.token_sort_ratio, fuzz.WRatio)
                for choice, score, index in process.extract(
                    form, choices, scorer=scorer, processor=None, score_cutoff=THRESHOLD, limit=20
                )
                if scorer is fuzz.token_sort_ratio or _similar_length(form, choice)
            ]
            top = max((score for score, _ in hits), default=None)
            found += [hit for hit in hits if hit[0] == top]
        return found

    def _similarity(self, forms: list[str], slug: str) -> float:
        target = self._name_of.get(slug, "")
        return max((_score(form, target) for form in forms), default=0.0)


def _similar_length(left: str, right: str) -> bool:
    """WRatio alone rates a short name inside a long one highly (``bla`` in ``blablacar``):
    it only counts for names of similar length."""
    return bool(left and right) and min(len(left), len(right)) / max(len(left), len(right)) >= 0.75


def _score(left: str, right: str) -> float:
    best = fuzz.token_sort_ratio(left, right)
    if _similar_length(left, right):
        best = max(best, fuzz.WRatio(left, right))
    return float(best)


def _positions(choices: list[str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = defaultdict(list)
    for index, choice in enumerate(choices):
        found[choice].append(index)
    return dict(found)


def _without_parentheses(text: str) -> str:
    return re.sub(r"\([^)]*\)", " ", text).strip() or text
