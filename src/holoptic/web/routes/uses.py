"""Uses of my data: every use and refusal that concerned me, with its proof checked;
my rules, read as sentences; my grants, each withdrawable at once."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from holoptic.bootstrap import Services
from holoptic.errors import HolopticError
from holoptic.rules.model import Aggregation, ConsumerType
from holoptic.vault.model import Member
from holoptic.web.deps import LangDep, MemberDep, ServicesDep
from holoptic.web.errors import N_
from holoptic.web.rule_form import RuleForm
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


PROBLEMS = (
    N_("choose one of the options offered"),
    N_("aggregates need a group of at least 2 people"),
    N_("the end date is not a date"),
    N_("this rule cannot be saved; check its choices"),
)


@router.get("/uses")
def uses(request: Request, member: MemberDep, services: ServicesDep, lang: LangDep) -> Response:
    return _page(request, member, services, lang, RuleForm(), [])


def _page(
    request: Request,
    member: Member,
    services: Services,
    lang: str,
    form: RuleForm,
    problems: list[str],
    status: int = 200,
) -> Response:
    now = services.clock.now()
    context = {
        "form": asdict(form),
        "choices": form.choices(lang),
        "problems": problems,
        "consumer_types": list(ConsumerType),
        "views": services.uses.for_member(member.id),
        "rules": services.rules.rules(member.id),
        "grants": [(g, g.status(now).value) for g in services.grants.grants(member.id)],
        "label": lambda iri: services.taxonomy.label(iri, lang),
        "types": TYPES,
        "levels": LEVELS,
    }
    return render(request, "uses.html", context, status=status)


@router.post("/uses/rules")
def add_rule(
    request: Request,
    member: MemberDep,
    services: ServicesDep,
    lang: LangDep,
    effect: Annotated[str, Form()] = "",
    who: Annotated[str, Form()] = "",
    category: Annotated[str, Form()] = "",
    purpose: Annotated[str, Form()] = "",
    level: Annotated[str, Form()] = "",
    group: Annotated[str, Form()] = "",
    until: Annotated[str, Form()] = "",
) -> Response:
    """Add the rule the sentence form describes; on a problem, show it and keep the form."""
    form = RuleForm(effect, who, category, purpose, level, group, until)
    rule, problems = form.to_rule(member.id)
    if rule is not None:
        try:
            services.rules.add(rule)
        except HolopticError:
            problems = ["this rule cannot be saved; check its choices"]
    if problems:
        return _page(request, member, services, lang, form, problems, status=422)
    return RedirectResponse("/uses#rules", status_code=303)


@router.post("/uses/rules/{rule_id}/retire")
def retire_rule(rule_id: str, member: MemberDep, services: ServicesDep) -> Response:
    services.rules.retire(member.id, rule_id)
    return RedirectResponse("/uses#rules", status_code=303)


@router.post("/uses/grants/{grant_id}/withdraw")
def withdraw(grant_id: str, member: MemberDep, services: ServicesDep) -> Response:
    services.grants.withdraw(member.id, grant_id)
    return RedirectResponse("/uses#grants", status_code=303)
