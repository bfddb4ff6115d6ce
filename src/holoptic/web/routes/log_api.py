"""The usage log's public, read-only API: checkpoint, leaves, inclusion and consistency proofs.

No token: the log holds no personal data (leaves name items by hash) and anyone may
audit it. Hashes are hex, leaf bytes base64; the checkpoint is the signed note as text.
Bad parameters are problem documents: 400 for sizes that cannot go together, 404 for a
size or index the log has not reached.
"""

from __future__ import annotations

from base64 import b64encode
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from holoptic.web.deps import ServicesDep
from holoptic.web.errors import PROBLEM_JSON
from holoptic.web.routes.api import Problem

PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": text}
    for status, text in (
        (400, "Sizes or indexes that cannot go together (log.bad_range, log.empty_tree)"),
        (404, "A size or index the log has not reached (log.beyond_size)"),
    )
}
router = APIRouter(prefix="/log", tags=["usage log"], responses=PROBLEMS)


class LeafOut(BaseModel):
    index: int
    leaf: str  # the canonical JSON bytes (RFC 8785), base64
    leaf_hash: str  # hex of SHA-256(0x00 || leaf)


class LeavesOut(BaseModel):
    start: int
    end: int  # exclusive: ask again from here for the next page
    tree_size: int
    leaves: list[LeafOut]


class InclusionOut(BaseModel):
    leaf_index: int
    tree_size: int
    leaf_hash: str
    proof: list[str]
    checkpoint: str | None  # the signed note of tree_size, when one was published


class ConsistencyOut(BaseModel):
    from_: int = Field(alias="from")
    to: int
    proof: list[str]


@router.get("/checkpoint", response_class=PlainTextResponse)
def checkpoint(services: ServicesDep) -> PlainTextResponse:
    """The signed tree head: a C2SP tlog-checkpoint in a signed note (Ed25519)."""
    return PlainTextResponse(services.log.checkpoint())


@router.get("/leaves", response_model=LeavesOut)
def leaves(
    services: ServicesDep,
    start: Annotated[int, Query(description="First leaf index.")] = 0,
    end: Annotated[int | None, Query(description="End (exclusive); at most 1000 per page.")] = None,
) -> LeavesOut:
    found = services.log.leaves(start, start + 1000 if end is None else end)
    return LeavesOut(
        start=start,
        end=start + len(found),
        tree_size=services.log.state().size,
        leaves=[
            LeafOut(
                index=leaf.index,
                leaf=b64encode(leaf.leaf_bytes).decode("ascii"),
                leaf_hash=leaf.leaf_hash.hex(),
            )
            for leaf in found
        ],
    )


@router.get("/proof/inclusion", response_model=InclusionOut)
def inclusion(
    services: ServicesDep,
    index: Annotated[int, Query(description="The leaf index.")],
    size: Annotated[int | None, Query(description="Tree size (default: the latest).")] = None,
) -> InclusionOut:
    log = services.log
    note: str | None
    if size is None:
        published = log.publish()
        size, note = published.tree_size, published.note
    else:
        note = log.checkpoint_note(size)
    proof = log.inclusion_proof(index, size)
    (leaf,) = log.leaves(index, index + 1)
    return InclusionOut(
        leaf_index=index,
        tree_size=proof.tree_size,
        leaf_hash=leaf.leaf_hash.hex(),
        proof=[element.hex() for element in proof.hashes],
        checkpoint=note,
    )


@router.get("/proof/consistency", response_model=ConsistencyOut)
def consistency(
    services: ServicesDep,
    first: Annotated[int, Query(alias="from", description="The older tree size (> 0).")],
    to: Annotated[
        int | None, Query(description="The newer tree size (default: the latest).")
    ] = None,
) -> ConsistencyOut:
    """No proof exists from size 0 (every tree extends the empty tree): that is a 400."""
    if to is None:
        to = services.log.publish().tree_size
    proof = services.log.consistency_proof(first, to)
    return ConsistencyOut.model_validate(
        {"from": proof.first, "to": proof.second, "proof": [h.hex() for h in proof.hashes]}
    )
