"""What the gate hands over, at each aggregation level.

- raw: each permitted member's records, under their member id;
- pseudonymised: the same under a pseudonym stable for one consumer (a keyed hash), so
  two consumers cannot join their releases on it;
- aggregate: per category and day, how many members and records (from item metadata;
  nothing is decrypted);
- dp: per category, the number of members, with discrete Laplace noise from OpenDP.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import orjson

from holoptic.rules.model import Aggregation
from holoptic.vault.model import DataItem
from holoptic.vault.stored_records import StoredRecords

Opener = Callable[[DataItem], Sequence[dict[str, Any]]]


def pseudonym(key: bytes, consumer_id: str, member_id: str) -> str:
    message = f"{consumer_id}\x00{member_id}".encode()
    return "p_" + hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def build_release(
    level: Aggregation,
    items_by_member: Mapping[str, Sequence[DataItem]],
    open_records: Opener,
    name_member: Callable[[str], str],
    epsilon: float,
) -> dict[str, Any]:
    if level is Aggregation.AGGREGATE:
        return {"level": level.value, "categories": _aggregate(items_by_member)}
    if level is Aggregation.DIFFERENTIAL_PRIVACY:
        return {"level": level.value, "epsilon": epsilon, **_noisy(items_by_member, epsilon)}
    members = [
        {"member": name_member(member), "items": [_item(i, open_records(i)) for i in items]}
        for member, items in sorted(items_by_member.items())
    ]
    return {"level": level.value, "members": members}


def release_json(document: Mapping[str, Any]) -> bytes:
    """A gate answer as JSON bytes; released records go out as they are stored."""
    return orjson.dumps(document, default=_stored, option=orjson.OPT_NON_STR_KEYS)


def _stored(value: Any) -> orjson.Fragment:
    if isinstance(value, StoredRecords):
        return orjson.Fragment(value.json_array())
    raise TypeError(f"{type(value).__name__} is not JSON")


def _item(item: DataItem, records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "category": item.category,
        "day": item.day.isoformat() if item.day else None,
        "records": records,
    }


def _aggregate(items_by_member: Mapping[str, Sequence[DataItem]]) -> dict[str, Any]:
    members: dict[str, set[str]] = defaultdict(set)
    days: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    seen: set[tuple[str, str, str]] = set()
    for member, items in items_by_member.items():
        for item in items:
            members[item.category].add(member)
            day = item.day.isoformat() if item.day else "undated"
            cell = days[item.category][day]
            if (item.category, day, member) not in seen:
                seen.add((item.category, day, member))
                cell[0] += 1
            cell[1] += item.record_count
    return {
        category: {
            "members": len(members[category]),
            "days": {
                day: {"members": count, "records": records}
                for day, (count, records) in sorted(days[category].items())
            },
        }
        for category in sorted(members)
    }


def _noisy(items_by_member: Mapping[str, Sequence[DataItem]], epsilon: float) -> dict[str, Any]:
    """Noisy member counts per category: one member changes each count by at most one,
    so the L1 sensitivity is the number of categories."""
    import opendp.prelude as dp  # imported here: only DP releases pay for loading it

    counts: dict[str, set[str]] = defaultdict(set)
    for member, items in items_by_member.items():
        for item in items:
            counts[item.category].add(member)
    categories = sorted(counts)
    if not categories:
        return {"categories": {}}
    dp.enable_features("contrib")
    measure = dp.m.make_laplace(
        dp.vector_domain(dp.atom_domain(T=int)),
        dp.l1_distance(T=int),
        scale=len(categories) / epsilon,
    )
    noisy = measure([len(counts[c]) for c in categories])
    return {
        "categories": {
            c: {"members": max(0, int(n))} for c, n in zip(categories, noisy, strict=True)
        }
    }


def item_hashes(items: Iterable[DataItem]) -> tuple[str, ...]:
    return tuple(sorted({item.content_hash for item in items}))
