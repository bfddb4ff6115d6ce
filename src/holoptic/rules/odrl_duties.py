"""ODRL duties in: ``compensate`` becomes a reward, ``inform`` a notice.

ODRL 2.2 writes an amount as a refinement of the duty's action::

    "duty": [{"action": [{
        "rdf:value": {"@id": "odrl:compensate"},
        "refinement": [{"leftOperand": "payAmount", "operator": "eq",
                        "rightOperand": {"@value": "5.00", "@type": "xsd:decimal"},
                        "unit": "EUR"}]}]}]

A refinement written on the duty itself is read the same way. Amounts are kept in
minor units (cents), so at most two decimals; the unit is kept as written (a currency
code such as ``EUR`` or an IRI).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from holoptic.rules import odrl_vocab as v
from holoptic.rules.errors import (
    InvalidOdrl,
    InvalidValue,
    Problems,
    UnsupportedAction,
    UnsupportedConstraint,
    UnsupportedOperator,
)
from holoptic.rules.jsonld import Graph, Node, Value
from holoptic.rules.model import Duty, DutyAction
from holoptic.rules.odrl_values import check_properties

_DUTY_PROPERTIES = frozenset({v.ACTION, v.REFINEMENT, v.UID})
_REFINEMENT_PROPERTIES = frozenset({v.LEFT, v.OPERATOR, v.RIGHT, v.UNIT, v.UID})
_ACTION_PROPERTIES = frozenset({v.RDF_VALUE, v.REFINEMENT})


def read_duty(graph: Graph, value: Value, problems: Problems) -> Duty | None:
    """The duty ``value`` describes, or None (with problems) when it is not one we know."""
    node = graph.node(value, problems)
    if node is None:
        return None
    check_properties(node, _DUTY_PROPERTIES, "a duty", problems, {})
    actions = node.values(v.ACTION)
    if len(actions) != 1:
        problems.add(InvalidOdrl, node.pointer, "a duty needs exactly one action")
        return None
    action, refinements = _action(graph, actions[0], problems)
    refinements += node.values(v.REFINEMENT)
    if action == v.INFORM:
        if refinements:
            problems.add(
                UnsupportedConstraint, refinements[0].pointer, "inform takes no refinement"
            )
        return Duty(DutyAction.NOTICE)
    if action == v.COMPENSATE:
        return _reward(graph, refinements, problems)
    if action is not None:
        problems.add(
            UnsupportedAction,
            actions[0].pointer,
            f"the duty {v.short(action)} is not supported: Holoptic knows compensate "
            "(a reward) and inform (a notice)",
        )
    return None


def _action(graph: Graph, value: Value, problems: Problems) -> tuple[str | None, tuple[Value, ...]]:
    """The action's IRI, and the refinements written on it (as ``rdf:value`` + refinement)."""
    if not graph.describes(value):
        iri = value.iri(vocab=True)
        if iri is None:
            problems.add(InvalidOdrl, value.pointer, "a duty's action is compensate or inform")
        return iri, ()
    node = graph.node(value, problems)
    if node is None:
        return None, ()
    check_properties(node, _ACTION_PROPERTIES, "a duty's action", problems, {})
    names = node.values(v.RDF_VALUE)
    iri = names[0].iri(vocab=True) if len(names) == 1 else None
    if iri is None:
        problems.add(InvalidOdrl, node.pointer, "the action needs one rdf:value naming it")
    return iri, node.values(v.REFINEMENT)


def _reward(graph: Graph, refinements: tuple[Value, ...], problems: Problems) -> Duty | None:
    amount: int | None = None
    currency: str | None = None
    for value in refinements:
        node = graph.node(value, problems)
        if node is None:
            continue
        check_properties(node, _REFINEMENT_PROPERTIES, "a refinement", problems, {})
        left = [item.iri(vocab=True) for item in node.values(v.LEFT)]
        operator = [item.iri(vocab=True) for item in node.values(v.OPERATOR)]
        if left != [v.PAY_AMOUNT]:
            problems.add(
                UnsupportedConstraint, node.pointer, "compensate is refined by payAmount only"
            )
            continue
        if operator != [v.EQ]:
            problems.add(UnsupportedOperator, node.pointer, "payAmount takes eq")
            continue
        amount = _minor_units(node, problems)
        currency = _unit(node, problems)
    return Duty(DutyAction.REWARD, amount, currency)


def _minor_units(node: Node, problems: Problems) -> int | None:
    rights = node.values(v.RIGHT)
    literal = rights[0].literal() if len(rights) == 1 else None
    where = rights[0].pointer if rights else node.pointer
    if literal is None or isinstance(literal[0], bool):
        problems.add(InvalidValue, where, "payAmount takes one decimal amount")
        return None
    try:
        amount = Decimal(str(literal[0]).strip())
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0:
        problems.add(InvalidValue, where, f"{literal[0]!r} is not an amount")
        return None
    cents = amount * 100
    if cents != cents.to_integral_value():
        problems.add(InvalidValue, where, f"{literal[0]!r} has more than two decimals")
        return None
    return int(cents)


def _unit(node: Node, problems: Problems) -> str | None:
    units = node.values(v.UNIT)
    if not units:
        return None
    literal = units[0].literal()
    unit = literal[0].strip() if literal and isinstance(literal[0], str) else units[0].iri()
    if len(units) != 1 or not unit:
        problems.add(InvalidValue, units[0].pointer, "the unit is one currency code or IRI")
        return None
    return unit
