"""The ODRL test suite (SolidLabResearch/ODRL-Test-Suite) read for Holoptic's engine.

A case is a policy, a request, a state of the world (SotW) and the expected compliance
report. The suite speaks of Alice and Bob reading resources ``ex:x`` and ``ex:y``;
Holoptic speaks of consumers using DPV categories of one member's data. The adapter
below maps only what genuinely corresponds, and says why for everything else:

- Requests. A Holoptic request is a consumer obtaining a member's data: ``odrl:read``
  (included in ``odrl:use``). Requests to write or to sell have no Holoptic counterpart.
- Actions in policies. Since every request is a read, a permission (or prohibition) of
  ``read`` decides exactly as one of ``use`` would; a rule without an action (the
  suite's "everybody can do everything") covers reads too. The adapter writes ``use``.
- Targets. Each resource becomes a DPV category, distinct resources disjoint ones; an
  asset collection becomes a broad category (``pd:Location``) and the resources the
  SotW puts in it narrower categories under it: DPV's hierarchy is the membership. A
  rule without a target covers every asset: ``dpv:PersonalData``.
- Parties. ``ex:alice`` becomes the consumer ``urn:holoptic:consumer:alice``; a party
  collection becomes a consumer type (``hol:Research``) and the SotW's membership the
  requester's type (members are research consumers, others commercial).
- Purpose. The request's purpose is its DPV purpose; a request stating none asks for
  the root ``dpv:Purpose``, which only a rule without a purpose constraint covers.

The policy is rewritten that way as RDF, serialised by rdflib as expanded JSON-LD and
read by ``rules_from_odrl``, the importer members use. What the importer refuses
(``neq``/``eq`` on dateTime, ``or``, ``isNoneOf``) is unsupported with its own words.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import rdflib
from rdflib import RDF, Literal, Namespace, URIRef
from rdflib.term import Node

from holoptic.rules.engine import evaluate
from holoptic.rules.errors import InvalidOdrl
from holoptic.rules.model import PD, ConsumerType, Effect, ReasonCode, Rule, UseRequest
from holoptic.rules.odrl import rules_from_odrl
from holoptic.rules.taxonomy import PERSONAL_DATA, PURPOSE, Taxonomy

ODRL = Namespace("http://www.w3.org/ns/odrl/2/")
REPORT = Namespace("https://w3id.org/force/compliance-report#")
SOTW = Namespace("https://w3id.org/force/sotw#")
EX = Namespace("http://example.org/")
DCT = Namespace("http://purl.org/dc/terms/")
CURRENT_TIME = URIRef("http://example.com/request/currentTime")

COLLECTIONS = {EX.assetCollection: PD + "Location"}
IN_COLLECTION = {EX.x: PD + "GPSCoordinate", EX.y: PD + "TravelHistory"}  # under Location
OUTSIDE = {EX.x: PD + "BrowserHistory", EX.y: PD + "Weight"}  # under nothing the others are
PARTY_TYPES = {EX.partyCollection: ConsumerType.RESEARCH}
HOL_TYPES = {ConsumerType.RESEARCH: "https://holoptic.org/ns#Research"}
READS = {ODRL.read, ODRL.use}
_PREMISES = {
    ReasonCode.NO_PERMISSION: "Target",  # the rule does not cover the category at all
    ReasonCode.CONSUMER: "Party",
}  # every other reason is a constraint of the rule


class Unsupported(Exception):
    """A case (or part of one) that Holoptic's model cannot express, and why."""


@dataclass(frozen=True)
class Case:
    number: str
    title: str
    policy: rdflib.Graph
    request: rdflib.Graph
    sotw: rdflib.Graph
    report: rdflib.Graph


@dataclass(frozen=True)
class RuleState:
    """What a compliance report says of one rule: kind, activation, failed premises."""

    kind: str  # "Permission" or "Prohibition"
    active: bool
    unsatisfied: frozenset[str]  # premise kinds: Action, Constraint, Party, Target


def load_cases(root: Path) -> list[Case]:
    """The snapshot's 68 cases (through ``data/index.ttl``) and the Markdown purpose cases."""
    data = root / "data"
    index = rdflib.Graph().parse(data / "index.ttl")
    cases = []
    for path in sorted((data / "test_cases").glob("testcase-*.ttl")):
        report = rdflib.Graph().parse(path)
        case = next(iter(report.subjects(RDF.type, EX.TestCase)))

        def source(kind: str, folder: str, case: Node = case) -> rdflib.Graph:
            name = str(index.value(case, EX[kind + "Source"])).rsplit("/", 1)[-1]
            return rdflib.Graph().parse(data / folder / name)

        policy, request = source("policy", "policies"), source("request", "requests")
        title = str(report.value(case, DCT.title))
        cases.append(Case(path.name[9:12], title, policy, request, source("sotw", "sotw"), report))
    for path in sorted((root / "purpose-cases-commit-667fbcf").glob("testcase-*.md")):
        text = path.read_text(encoding="utf-8")
        blocks = [rdflib.Graph().parse(data=b, format="turtle") for b in _turtle_blocks(text)]
        title = text.splitlines()[0].lstrip("# ")
        cases.append(Case(path.name[9:12], title, *blocks))
    return cases


def _turtle_blocks(text: str) -> list[str]:
    return re.findall(r"```ttl\n(.*?)```", text, flags=re.DOTALL)


def expected(case: Case) -> list[RuleState]:
    policy_report = next(iter(case.report.subjects(RDF.type, REPORT.PolicyReport)))
    return [
        _state(case.report, rule) for rule in case.report.objects(policy_report, REPORT.ruleReport)
    ]


def _state(graph: rdflib.Graph, rule: Node) -> RuleState:
    kind = str(graph.value(rule, RDF.type)).rsplit("#", 1)[-1].removesuffix("Report")
    unsatisfied = {
        str(graph.value(premise, RDF.type)).rsplit("#", 1)[-1].removesuffix("Report")
        for premise in graph.objects(rule, REPORT.premiseReport)
        if graph.value(premise, REPORT.satisfactionState) == REPORT.Unsatisfied
    }
    active = graph.value(rule, REPORT.activationState) == REPORT.Active
    return RuleState(kind, active, frozenset(unsatisfied))


def evaluated(case: Case, taxonomy: Taxonomy) -> list[RuleState]:
    """What Holoptic's engine says of the case's rule; ``Unsupported`` when it cannot."""
    request = use_request(case)
    rules = policy_rules(case, taxonomy)
    if len(rules) != 1:
        raise Unsupported("policies of several rules")  # none in the suite
    rule = rules[0]
    kind = "Permission" if rule.effect is Effect.PERMIT else "Prohibition"
    if rule.id in evaluate(rules, request, taxonomy).deciding_rules:
        return [RuleState(kind, True, frozenset())]
    # The engine explains why a permission missed; a prohibition has the same premises.
    [reason, *_] = evaluate([replace(rule, effect=Effect.PERMIT)], request, taxonomy).reasons
    return [RuleState(kind, False, frozenset({_PREMISES.get(reason.code, "Constraint")}))]


def use_request(case: Case) -> UseRequest:
    party, action, target, at, purpose = _request_terms(case)
    if action not in READS:
        raise Unsupported(
            f"the request asks to {action.rsplit('/', 1)[-1]}: a Holoptic request is a "
            "consumer reading (using) a member's data; writing or selling it is not a request"
        )
    member = (party, ODRL.partOf, EX.partyCollection) in case.sotw
    return UseRequest(
        consumer_id=_local(party),
        consumer_type=ConsumerType.RESEARCH if member else ConsumerType.COMMERCIAL,
        purpose=str(purpose) if purpose is not None else PURPOSE,
        categories=(category(target, case.sotw),),
        at=at,
    )


def _request_terms(case: Case) -> tuple[Node, URIRef, Node, datetime, Node | None]:
    graph = case.request
    for request in graph.subjects(RDF.type, SOTW.EvaluationRequest):
        params = {
            graph.value(p, SOTW.describesFeature): graph.value(p, SOTW.value)
            for p in graph.objects(request, SOTW.requestParameter)
        }
        at = _moment(params[SOTW.TemporalData])
        party, target = (
            graph.value(request, SOTW.requestingParty),
            graph.value(request, SOTW.requestedTarget),
        )
        action = URIRef(str(graph.value(request, SOTW.requestedAction)))
        return party, action, target, at, params.get(SOTW.Purpose)
    request = next(iter(graph.subjects(RDF.type, ODRL.Request)))
    asked = graph.value(request, ODRL.permission)
    at = _moment(case.sotw.value(CURRENT_TIME, DCT.issued))
    action = URIRef(str(graph.value(asked, ODRL.action)))
    return graph.value(asked, ODRL.assignee), action, graph.value(asked, ODRL.target), at, None


def _moment(value: Node | None) -> datetime:
    assert isinstance(value, Literal)
    return datetime.fromisoformat(str(value))


def category(resource: Node, sotw: rdflib.Graph) -> str:
    if resource in COLLECTIONS:
        return COLLECTIONS[resource]
    if resource not in OUTSIDE:
        raise Unsupported(f"the resource {resource} has no DPV category in this adapter")
    inside = any((resource, ODRL.partOf, c) in sotw for c in COLLECTIONS)
    return IN_COLLECTION[resource] if inside else OUTSIDE[resource]


def _local(party: Node) -> str:
    if not str(party).startswith(str(EX)):
        raise Unsupported(f"the party {party} is not one the adapter knows")
    return str(party)[len(str(EX)) :]


def policy_rules(case: Case, taxonomy: Taxonomy) -> list[Rule]:
    """The case's policy, rewritten as above, through ``rules_from_odrl``."""
    graph = _rewritten(case)
    document = json.loads(graph.serialize(format="json-ld"))
    ids = iter(f"suite-{case.number}-{n}" for n in range(100))
    try:
        return rules_from_odrl(document, "member", taxonomy, lambda: next(ids))
    except InvalidOdrl as refused:
        problems = refused.details["problems"]
        assert isinstance(problems, list)
        codes = {p["code"] for p in problems}
        if codes <= {"rules.unsupported_constraint", "rules.unsupported_operator"}:
            raise Unsupported("; ".join(sorted({p["message"] for p in problems}))) from None
        raise


def _rewritten(case: Case) -> rdflib.Graph:
    graph = rdflib.Graph()
    for triple in case.policy:
        graph.add(triple)
    if any(graph.triples((None, ODRL.duty, None))):
        raise Unsupported(
            "the outcome depends on whether a duty was fulfilled (a DutyReport in the state "
            "of the world): Holoptic attaches duties to a grant and settles them afterwards; "
            "it never reads their state when deciding"
        )
    for kind in (ODRL.permission, ODRL.prohibition):
        for rule in list(graph.objects(None, kind)):
            _rewrite_rule(graph, rule, case.sotw)
    for collection in (ODRL.PartyCollection, ODRL.AssetCollection):
        for node in list(graph.subjects(RDF.type, collection)):
            graph.remove((node, None, None))
    return graph


def _rewrite_rule(graph: rdflib.Graph, rule: Node, sotw: rdflib.Graph) -> None:
    actions = set(graph.objects(rule, ODRL.action))
    if not actions <= READS:
        raise Unsupported(f"the policy's action {sorted(actions)} is not a read or a use")
    graph.remove((rule, ODRL.action, None))
    graph.add((rule, ODRL.action, ODRL.use))
    targets = list(graph.objects(rule, ODRL.target)) or [URIRef(PERSONAL_DATA)]
    graph.remove((rule, ODRL.target, None))
    for target in targets:
        mapped = str(target) if str(target) == PERSONAL_DATA else category(target, sotw)
        graph.add((rule, ODRL.target, URIRef(mapped)))
    for party in list(graph.objects(rule, ODRL.assignee)):
        graph.remove((rule, ODRL.assignee, party))
        kind = PARTY_TYPES.get(party)
        iri = HOL_TYPES[kind] if kind else "urn:holoptic:consumer:" + _local(party)
        graph.add((rule, ODRL.assignee, URIRef(iri)))
