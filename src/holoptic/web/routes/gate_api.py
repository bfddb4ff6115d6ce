"""The gate's API: consumers ask to use data (``POST /uses``) and declare what they
derived (``POST /datasets``, ``POST /products``); members read their uses (``/me/uses``).

Every decision, permit or refusal, is logged by the gate before the answer leaves.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field

from holoptic.gate.model import Refusal, UseQuery
from holoptic.gate.release import release_json
from holoptic.identity.model import ApiToken, Scope
from holoptic.identity.throttle import LoginThrottle
from holoptic.rules.model import Aggregation, ConsumerType, Period
from holoptic.web.deps import ServicesDep, client_address
from holoptic.web.errors import TokenRequired, problem
from holoptic.web.routes.api import PROBLEMS, bearer, token_with

router = APIRouter(responses=PROBLEMS)


class PeriodIn(BaseModel):
    start: datetime | None = None
    end: datetime | None = None


class UseIn(BaseModel):
    purpose: str = Field(
        description="A DPV purpose IRI, e.g. https://w3id.org/dpv#PublicPolicyMaking"
    )
    categories: list[str] = Field(description="DPV personal-data IRIs (broad ones cover narrower)")
    members: list[str] | None = Field(None, description="Member ids; omit for every member")
    period: PeriodIn | None = None
    aggregation: Aggregation = Aggregation.RAW
    grant: str | None = None
    spatial: str | None = None


class UseOut(BaseModel):
    use_id: str
    decision: str
    explanation: list[dict[str, Any]]
    log_index: int | None
    log_indexes: list[int]
    released: dict[str, Any] | None


class DatasetIn(BaseModel):
    name: str
    description: str = ""
    uses: list[str]


class ProductIn(BaseModel):
    name: str
    description: str = ""
    datasets: list[str]
    url: str | None = None


class ConsumerIn(BaseModel):
    name: str
    type: ConsumerType
    contact_email: str
    website: str | None = None


class ConsumerOut(BaseModel):
    id: str
    name: str
    type: ConsumerType
    status: str


class Declared(BaseModel):
    id: str
    name: str
    created_at: datetime


@router.post("/consumers", response_model=ConsumerOut, status_code=201, responses={})
def register_consumer(request: Request, services: ServicesDep, body: ConsumerIn) -> ConsumerOut:
    """Register an organisation. It stays pending until a steward approves it, who then
    hands it its API token; until then it can ask for nothing. Each client address may
    register a few per hour (429 with Retry-After beyond)."""
    throttle: LoginThrottle = request.app.state.registration_throttle
    key = f"ip:{client_address(request)}"
    throttle.check(key, message="too many registrations from this address: wait and retry")
    consumer = services.consumers.register(body.name, body.type, body.contact_email, body.website)
    throttle.fail(key)  # every registration counts, not only failed ones
    return ConsumerOut(
        id=consumer.id, name=consumer.name, type=consumer.type, status=consumer.status.value
    )


@router.post(
    "/uses",
    response_model=UseOut,
    responses={403: PROBLEMS[401] | {"description": "Refused; the explanation says why"}},
)
def request_use(
    services: ServicesDep,
    body: UseIn,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Any:
    """Ask to use members' data. The answer (and every refusal) is in the usage log."""
    if credentials is None:
        raise TokenRequired("send the consumer's API token: Authorization: Bearer hol_…")
    query = UseQuery(
        purpose=body.purpose,
        categories=tuple(body.categories),
        members=tuple(body.members) if body.members is not None else None,
        period=Period(body.period.start, body.period.end) if body.period else None,
        aggregation=body.aggregation,
        grant_id=body.grant,
        spatial=body.spatial,
    )
    outcome = services.gate.request(query, token=credentials.credentials)
    if outcome.permitted:  # records go out as stored, never parsed (``release_json``)
        document = outcome.summary() | {"released": outcome.released}
        return Response(release_json(document), media_type="application/json")
    status = 401 if outcome.refusal is Refusal.TOKEN else 403
    code = f"gate.{outcome.refusal.value}" if outcome.refusal else "gate.denied"
    detail = "the gate refused this use; the explanation names the rules that decided"
    return problem(status, code, detail, extensions=outcome.summary())


def _consumer_id(token: ApiToken) -> str:
    assert token.consumer_id is not None  # token_with(consumer=True) admits no other
    return token.consumer_id


ConsumerToken = Annotated[ApiToken, Depends(token_with(Scope.USES_REQUEST, consumer=True))]
MemberToken = Annotated[ApiToken, Depends(token_with(Scope.DATA_READ))]


@router.post("/datasets", response_model=Declared, status_code=201)
def declare_dataset(services: ServicesDep, body: DatasetIn, token: ConsumerToken) -> Declared:
    """Declare a dataset built from your uses (it joins the members' lineage)."""
    dataset = services.lineage.declare_dataset(
        _consumer_id(token), body.name, body.description, body.uses
    )
    return Declared(id=dataset.id, name=dataset.name, created_at=dataset.created_at)


@router.post("/products", response_model=Declared, status_code=201)
def declare_product(services: ServicesDep, body: ProductIn, token: ConsumerToken) -> Declared:
    """Declare a product (dashboard, report, service) built from your datasets."""
    product = services.lineage.declare_product(
        _consumer_id(token), body.name, body.description, body.datasets, body.url
    )
    return Declared(id=product.id, name=product.name, created_at=product.created_at)


@router.get("/me/uses")
def my_uses(
    services: ServicesDep,
    token: MemberToken,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> JSONResponse:
    """Every use and refusal concerning you, each checked against the signed checkpoint."""
    assert token.member_id is not None
    views = services.uses.for_member(token.member_id, limit, offset)
    return JSONResponse({"uses": [view.document() for view in views]})


@router.get("/me/lineage")
def my_lineage(services: ServicesDep, token: MemberToken) -> JSONResponse:
    """PROV-JSON of everything derived from your data."""
    assert token.member_id is not None
    text = services.lineage.for_member(token.member_id)
    return JSONResponse(content=json.loads(text))
