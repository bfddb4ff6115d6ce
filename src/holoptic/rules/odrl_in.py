"""ODRL 2.2 JSON-LD in: a member's standing policy (a Set or an Offer) as ``Rule``s.

What is read: permissions and prohibitions whose action is ``use``, whose targets are DPV
personal-data categories (``dpv:PersonalData`` = every category), whose assignees (if
any) are Holoptic consumers or consumer types, and whose constraints are those of
``odrl_constraints``; permissions' duties ``compensate`` (a reward, with an optional
``payAmount`` refinement) and ``inform`` (a notice). Policy-level ``target``, ``action``
and ``assignee`` apply to every rule that has none (ODRL's compact policies). The
assigner is not read: rules are imported as the member's own.

Anything else that would change what a rule means is refused rather than dropped,
because a dropped condition widens a permission. Descriptive properties (Dublin Core,
RDFS, SKOS, schema.org) are ignored. Agreements, Requests and the like are refused: an
Agreement is a contract already concluded, and Holoptic's contracts are made by the
gate, not imported.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from holoptic.rules import odrl_vocab as v
from holoptic.rules.errors import (
    InvalidOdrl,
    Problems,
    UnknownTerm,
    UnsupportedAction,
    UnsupportedConstraint,
    UnsupportedPolicyType,
    UnsupportedProperty,
    pointer_to,
)
from holoptic.rules.jsonld import Graph, Node, Value, read_graph
from holoptic.rules.model import Aggregation, Effect, Rule
from holoptic.rules.odrl_constraints import ConstraintReader, Draft
from holoptic.rules.odrl_duties import read_duty
from holoptic.rules.odrl_values import check_properties, not_an_iri
from holoptic.rules.taxonomy import PERSONAL_DATA, Taxonomy

_POLICY_PROPERTIES = frozenset(
    {v.PERMISSION, v.PROHIBITION, v.UID, v.PROFILE, v.CONFLICT, v.ASSIGNER}
)
_INHERITED = (v.TARGET, v.ACTION, v.ASSIGNEE)
_DUTY = frozenset({v.DUTY})
_RULE_PROPERTIES = frozenset({v.UID, v.TARGET, v.ACTION, v.ASSIGNER, v.ASSIGNEE, v.CONSTRAINT})


def rules_from_odrl(
    document: object, member_id: str, taxonomy: Taxonomy, new_id: Callable[[], str]
) -> list[Rule]:
    """The rules an ODRL policy (parsed JSON-LD) gives ``member_id``.

    A rule whose ``uid`` is ``urn:holoptic:rule:<id>`` keeps that id (a file Holoptic
    exported comes back unchanged); other rules get ``new_id()``. Nothing is fetched.

    Raises:
        InvalidOdrl: (or a subclass, when every problem has that code) listing in
            ``details["problems"]`` each problem with a JSON pointer and a message.
    """
    problems = Problems()
    graph = read_graph(document, problems)
    policy = _find_policy(graph, problems)
    drafts = _PolicyReader(graph, taxonomy, problems).read(policy) if policy else []
    _check_unique_ids(drafts, problems)
    problems.raise_if_any()
    return [_rule(draft, member_id, new_id) for draft in drafts]


def _find_policy(graph: Graph, problems: Problems) -> Node | None:
    policies = [node for node in graph.nodes if node.types & v.POLICY_TYPES]
    if not policies:
        message = "no ODRL policy here: give the policy an @type of Set or Offer"
        problems.add(InvalidOdrl, graph.nodes[0].pointer if graph.nodes else "", message)
        return None
    if len(policies) > 1:
        problems.add(InvalidOdrl, policies[1].pointer, "one policy per document, please")
        return None
    policy = policies[0]
    refused = sorted(policy.types & (v.POLICY_TYPES - v.ACCEPTED_POLICY_TYPES))
    if refused:
        problems.add(
            UnsupportedPolicyType,
            pointer_to(policy.pointer, "@type"),
            f"an {v.short(refused[0])} is not a member's standing rules: Holoptic imports a "
            "Set or an Offer (an Agreement is a contract already made with an assignee; "
            "Holoptic's gate makes those itself)",
        )
        return None
    return policy


class _PolicyReader:
    def __init__(self, graph: Graph, taxonomy: Taxonomy, problems: Problems) -> None:
        self.graph = graph
        self.taxonomy = taxonomy
        self.problems = problems
        self.constraints = ConstraintReader(graph, taxonomy, problems)

    def read(self, policy: Node) -> list[Draft]:
        self._check_properties(policy, _POLICY_PROPERTIES | set(_INHERITED), "a policy")
        self._check_conflict(policy)
        inherited = {prop: policy.values(prop) for prop in _INHERITED}
        drafts: list[Draft] = []
        for prop, effect in ((v.PERMISSION, Effect.PERMIT), (v.PROHIBITION, Effect.PROHIBIT)):
            for value in policy.values(prop):
                node = self.graph.node(value, self.problems)
                if node is not None:
                    drafts.append(self._rule(node, effect, inherited))
        return drafts

    def _check_properties(self, node: Node, allowed: frozenset[str], what: str) -> None:
        check_properties(node, allowed, what, self.problems, _HINTS)

    def _check_conflict(self, policy: Node) -> None:
        for value in policy.values(v.CONFLICT):
            if value.iri(vocab=True) != v.CONFLICT_PROHIBIT:
                self.problems.add(
                    UnsupportedProperty,
                    value.pointer,
                    "in Holoptic a prohibition always wins: conflict can only be prohibit",
                )

    def _rule(self, node: Node, effect: Effect, inherited: dict[str, tuple[Value, ...]]) -> Draft:
        draft = Draft(node.pointer, effect, rule_id=_holoptic_id(node))
        expected = v.PERMISSION_TYPE if effect is Effect.PERMIT else v.PROHIBITION_TYPE
        if node.types & v.RULE_TYPES - {expected}:
            self.problems.add(
                InvalidOdrl,
                pointer_to(node.pointer, "@type"),
                f"a rule of another kind is listed as {v.short(expected)}",
            )
        allowed = _RULE_PROPERTIES | (_DUTY if effect is Effect.PERMIT else frozenset())
        what = "a permission" if effect is Effect.PERMIT else "a prohibition"
        self._check_properties(node, allowed, what)
        self._targets(node, node.values(v.TARGET) or inherited[v.TARGET], draft)
        self._actions(node, node.values(v.ACTION) or inherited[v.ACTION])
        assignees = node.values(v.ASSIGNEE) or inherited[v.ASSIGNEE]
        if assignees:
            draft.parties_from = "assignee"
            self.constraints.parties(assignees, draft)
        for value in node.values(v.CONSTRAINT):
            self.constraints.read(value, draft)
        for value in node.values(v.DUTY):
            duty = read_duty(self.graph, value, self.problems)
            if duty is not None:
                draft.duties.append(duty)
        return draft

    def _targets(self, node: Node, values: tuple[Value, ...], draft: Draft) -> None:
        if not values:
            self.problems.add(
                InvalidOdrl,
                node.pointer,
                "a rule needs a target: a DPV personal-data category (dpv:PersonalData for all)",
            )
        for value in values:
            iri = None if self.graph.describes(value) else value.iri()
            if iri is None:
                self.problems.add(
                    UnsupportedConstraint,
                    value.pointer,
                    "a target is the IRI of a DPV personal-data category (no asset "
                    "collections or refinements)",
                )
            elif not (self.taxonomy.known(iri) and self.taxonomy.covers(PERSONAL_DATA, iri)):
                self.problems.add(
                    UnknownTerm,
                    value.pointer,
                    f"{v.unknown(iri)} is not a known DPV personal-data category",
                )
            else:
                draft.categories.add(iri)

    def _actions(self, node: Node, values: tuple[Value, ...]) -> None:
        if not values:
            self.problems.add(InvalidOdrl, node.pointer, "a rule needs an action: use")
        for value in values:
            iri = None if self.graph.describes(value) else value.iri(vocab=True)
            if iri is None:
                kind, message = not_an_iri(value, "the action (use, without refinements)")
                self.problems.add(kind or UnsupportedAction, value.pointer, message)
            elif iri != v.USE:
                self.problems.add(
                    UnsupportedAction,
                    value.pointer,
                    f"the action {v.short(iri)} is not supported: Holoptic's rules permit or "
                    "forbid use as a whole (odrl:use)",
                )


_HINTS = {
    v.OBLIGATION: ": a member's rules permit or forbid; duties go inside permissions",
    v.DUTY: " (ODRL gives prohibitions remedies, not duties)",
    v.REMEDY: ": a prohibition simply forbids",
    v.INHERIT_FROM: ": import the whole policy instead",
}


def _holoptic_id(node: Node) -> str | None:
    candidates = [node.id] + [value.iri() for value in node.values(v.UID)]
    for iri in candidates:
        if iri and iri.startswith(v.RULE_URN) and len(iri) > len(v.RULE_URN):
            return iri[len(v.RULE_URN) :]
    return None


def _check_unique_ids(drafts: Sequence[Draft], problems: Problems) -> None:
    seen: set[str] = set()
    for draft in drafts:
        if draft.rule_id is None:
            continue
        if draft.rule_id in seen:
            problems.add(
                InvalidOdrl, draft.pointer, f"two rules have the uid {v.RULE_URN}{draft.rule_id}"
            )
        seen.add(draft.rule_id)


def _rule(draft: Draft, member_id: str, new_id: Callable[[], str]) -> Rule:
    categories = set() if PERSONAL_DATA in draft.categories else draft.categories
    duties = tuple(draft.duties) if draft.effect is Effect.PERMIT else ()
    return Rule(
        id=draft.rule_id or new_id(),
        member_id=member_id,
        effect=draft.effect,
        categories=frozenset(categories),
        purposes=frozenset(draft.purposes or ()),
        consumers=frozenset(draft.consumers),
        consumer_types=frozenset(draft.consumer_types),
        data_period=draft.data_period.period(),
        validity=draft.validity.period(),
        aggregation=draft.aggregation or Aggregation.RAW,
        min_group_size=draft.min_group_size,
        spatial=frozenset(draft.spatial or ()),
        duties=duties,
    )
