"""Uses of my data: every use and refusal that concerned me, with its proof checked;
my rules, read as sentences; my grants, each withdrawable at once."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from holoptic.rules.model import Aggregation, ConsumerType
from holoptic.web.deps import LangDep, MemberDep, ServicesDep
from holoptic.web.errors import N_
from holoptic.web.templating import render

router = APIRouter()

TYPES = {
    ConsumerType.PUBLIC_BODY: N_("public bodies"),
    ConsumerType.RESEARCH: N_("researchers"),
    ConsumerType.NON_PROFIT: N_("non-profits"),
    ConsumerType.COMMERCIAL: N_("companies"),
}
LEVELS = {
    Aggregation.RAW: N_("as raw data"),
    Aggregation.PSEUDONYMISED: N_("pseudonymised"),
    Aggregation.AGGREGATE: N_("as aggregates"),
    Aggregation.DIFFERENTIAL_PRIVACY: N_("as differentially-private statistics only"),
}


@router.get("/uses")
def uses(request: Request, member: MemberDep, services: ServicesDep, lang: LangDep) -> Response:
    now = services.clock.now()
    context = {
        "views": services.uses.for_member(member.id),
        "rules": services.rules.rules(member.id),
        "grants": [(g, g.status(now).value) for g in services.grants.grants(member.id)],
        "label": lambda iri: services.taxonomy.label(iri, lang),
        "types": TYPES,
        "levels": LEVELS,
    }
    return render(request, "uses.html", context)


@router.post("/uses/grants/{grant_id}/withdraw")
def withdraw(grant_id: str, member: MemberDep, services: ServicesDep) -> Response:
    services.grants.withdraw(member.id, grant_id)
    return RedirectResponse("/uses#grants", status_code=303)
