"""The steward area: counts about a community, never a member's records."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response

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


@router.get("/steward")
def steward(request: Request, communities: StewardDep, services: ServicesDep) -> Response:
    views = [community_view(services, community) for community in communities]
    return render(request, "steward.html", {"views": views})
