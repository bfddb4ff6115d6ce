"""The steward area: counts about a community, never a member's records."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from holoptic.bootstrap import Services
from holoptic.vault.model import Community, KindSummary, Member
from holoptic.web.deps import ServicesDep, StewardDep
from holoptic.web.templating import render

router = APIRouter()


@dataclass(frozen=True, slots=True)
class CommunityView:
    community: Community
    members: list[Member]
    kinds: list[KindSummary]

    @property
    def items(self) -> int:
        return sum(kind.items for kind in self.kinds)

    @property
    def records(self) -> int:
        return sum(kind.records for kind in self.kinds)


def community_view(services: Services, community: Community) -> CommunityView:
    return CommunityView(
        community,
        sorted(services.vault.members(community.slug), key=lambda m: m.name.casefold()),
        services.items.community_summary(community.id),
    )


def _page(
    request: Request,
    communities: list[Community],
    services: Services,
    issued: dict[str, str] | None = None,
) -> Response:
    views = [community_view(services, community) for community in communities]
    context = {
        "views": views,
        "consumers": services.consumers.list(),
        "issued": issued,
        "currencies": services.currencies.list(),
    }
    return render(request, "steward.html", context)


@router.get("/steward")
def steward(request: Request, communities: StewardDep, services: ServicesDep) -> Response:
    return _page(request, communities, services)


@router.post("/steward/consumers/{consumer_id}/approve")
def approve(
    request: Request, consumer_id: str, communities: StewardDep, services: ServicesDep
) -> Response:
    """Approve an organisation; its first token is shown once, on this page only."""
    consumer = services.consumers.approve(consumer_id)
    _token, secret = services.consumers.issue_token(consumer.id)
    return _page(request, communities, services, {"name": consumer.name, "token": secret})


@router.post("/steward/consumers/{consumer_id}/suspend")
def suspend(consumer_id: str, communities: StewardDep, services: ServicesDep) -> Response:
    services.consumers.suspend(consumer_id)
    return RedirectResponse("/steward#consumers", status_code=303)
