"""The usage-log leaves of one use: one per member concerned, or one for a refusal.

Leaves are public: they name the consumer, purpose, decision, rules and grant, and the
items by their content hashes (keyed per member, so they link nothing across members),
never a member. A member's part with many items commits to them by the RFC 9162 root
of their sorted hashes instead of listing them, which keeps every leaf small.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from holoptic.gate.model import ITEMS_IN_LEAF, MemberUse, Refusal
from holoptic.rules.model import Aggregation, Outcome
from holoptic.trace.merkle import leaf_hash, root_of
from holoptic.trace.model import use_leaf


def items_commitment(items: tuple[str, ...]) -> dict[str, Any]:
    """The leaf fields naming the items: the list, or its Merkle root and count."""
    if len(items) <= ITEMS_IN_LEAF:
        return {"items": sorted(items)}
    root = root_of(leaf_hash(bytes.fromhex(h)) for h in sorted(items))
    return {"items": [], "items_root": root.hex(), "item_count": len(items)}


def member_leaf(
    use_id: str,
    part: int,
    parts: int,
    at: datetime,
    consumer: str,
    purpose: str,
    aggregation: Aggregation,
    use: MemberUse,
) -> dict[str, Any]:
    commitment = items_commitment(use.items)
    leaf = use_leaf(
        use_id,
        at,
        consumer,
        purpose,
        use.outcome.value,
        rules=use.rules,
        grant=use.grant_id,
        part=part,
        parts=parts,
        aggregation=aggregation.value,
        categories=sorted(use.categories),
        reasons=sorted({str(r["code"]) for r in use.explanation}),
    )
    leaf.update(commitment)
    return leaf


def refusal_leaf(
    use_id: str,
    at: datetime,
    consumer: str,
    purpose: str,
    aggregation: Aggregation,
    refusal: Refusal,
    grant: str | None,
) -> dict[str, Any]:
    return use_leaf(
        use_id,
        at,
        consumer,
        purpose,
        Outcome.DENY.value,
        grant=grant,
        part=0,
        parts=1,
        aggregation=aggregation.value,
        reasons=[refusal.value],
    )
