"""ODRL constraints read into the fields of a rule being imported (a ``Draft``).

A rule's constraints all hold together (ODRL: every constraint must be satisfied), so
time bounds intersect; a second constraint on a set-valued field (two purpose
constraints) would mean an intersection Holoptic's rules cannot hold, and is refused
with a hint to put every value in one ``isAnyOf``. A purpose is read with DPV's
hierarchy whichever operator names it: ``eq`` and ``isA`` both cover narrower purposes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from holoptic.rules import odrl_vocab as v
from holoptic.rules.errors import (
    InvalidOdrl,
    InvalidValue,
    Problems,
    UnknownTerm,
    UnsupportedConstraint,
    UnsupportedOperator,
)
from holoptic.rules.jsonld import Graph, Node, Value
from holoptic.rules.model import Aggregation, ConsumerType, Duty, Effect, Period
from holoptic.rules.odrl_values import check_properties, integer, moment, not_an_iri, show
from holoptic.rules.taxonomy import PURPOSE, Taxonomy

_MAX_NESTING = 8
_CONSTRAINT_PROPERTIES = frozenset({v.LEFT, v.OPERATOR, v.RIGHT, v.UID})
_KNOWN_OPERANDS = (
    "purpose, dateTime, spatial, recipient, hol:aggregation, hol:minGroupSize, hol:dataPeriod"
)


@dataclass
class Bounds:
    """A period being narrowed by ``gt``/``gteq``/``lt``/``lteq`` constraints."""

    start: datetime | None = None
    end: datetime | None = None

    def period(self) -> Period | None:
        return None if self.start is None and self.end is None else Period(self.start, self.end)


@dataclass
class Draft:
    """What the constraints, targets and parties of one ODRL rule say so far."""

    pointer: str
    effect: Effect
    rule_id: str | None = None
    categories: set[str] = field(default_factory=set)
    purposes: set[str] | None = None
    consumers: set[str] = field(default_factory=set)
    consumer_types: set[ConsumerType] = field(default_factory=set)
    parties_from: str | None = None  # "assignee" or "recipient": who named the consumers
    spatial: set[str] | None = None
    validity: Bounds = field(default_factory=Bounds)
    data_period: Bounds = field(default_factory=Bounds)
    aggregation: Aggregation | None = None
    min_group_size: int | None = None
    duties: list[Duty] = field(default_factory=list)


class ConstraintReader:
    """Reads constraints (and ``and`` of constraints) into a ``Draft``."""

    def __init__(self, graph: Graph, taxonomy: Taxonomy, problems: Problems) -> None:
        self.graph = graph
        self.taxonomy = taxonomy
        self.problems = problems
        self._handlers: dict[str, Callable[[Node, str, tuple[Value, ...], Draft], None]] = {
            v.PURPOSE: self._purpose,
            v.RECIPIENT: self._recipient,
            v.SPATIAL: self._spatial,
            v.DATE_TIME: lambda n, op, rs, d: self._bound(n, op, rs, d.validity, "dateTime"),
            v.DATA_PERIOD: lambda n, op, rs, d: self._bound(
                n, op, rs, d.data_period, "hol:dataPeriod"
            ),
            v.AGGREGATION: self._aggregation,
            v.MIN_GROUP_SIZE: self._min_group_size,
        }

    def read(self, value: Value, draft: Draft, depth: int = 0) -> None:
        node = self.graph.node(value, self.problems)
        if node is None:
            return
        if depth > _MAX_NESTING:
            self.problems.add(InvalidOdrl, node.pointer, "constraints are nested too deeply")
            return
        if node.values(v.AND):
            for operand in node.values(v.AND):
                self.read(operand, draft, depth + 1)
            return
        for logical in v.LOGICAL:
            if node.values(logical):
                self.problems.add(
                    UnsupportedConstraint,
                    node.values(logical)[0].pointer,
                    f"the logical constraint {v.short(logical)} is not supported: a rule holds "
                    "one set of conditions (write one rule per alternative, or use isAnyOf)",
                )
                return
        self._constraint(node, draft)

    def _constraint(self, node: Node, draft: Draft) -> None:
        check_properties(node, _CONSTRAINT_PROPERTIES, "a constraint", self.problems, {})
        left = self.single_iri(node, v.LEFT, "leftOperand")
        operator = self.single_iri(node, v.OPERATOR, "operator")
        rights = node.values(v.RIGHT)
        if left is None or operator is None:
            return
        if not rights:
            self.problems.add(InvalidOdrl, node.pointer, "the constraint has no rightOperand")
            return
        handler = self._handlers.get(left)
        if handler is None:
            self.problems.add(
                UnsupportedConstraint,
                node.values(v.LEFT)[0].pointer,
                f"the leftOperand {v.short(left)} is not supported (Holoptic reads {_KNOWN_OPERANDS})",  # noqa: E501
            )
            return
        handler(node, operator, rights, draft)

    def single_iri(self, node: Node, prop: str, name: str) -> str | None:
        values = node.values(prop)
        if len(values) != 1:
            self.problems.add(InvalidOdrl, node.pointer, f"a constraint needs exactly one {name}")
            return None
        iri = values[0].iri(vocab=True)
        if iri is None:
            kind, message = not_an_iri(values[0], f"the {name}")
            self.problems.add(kind or InvalidOdrl, values[0].pointer, message)
        return iri

    def _operator(self, node: Node, operator: str, allowed: tuple[str, ...], left: str) -> bool:
        if operator in allowed:
            return True
        names = ", ".join(v.short(op) for op in allowed)
        self.problems.add(
            UnsupportedOperator,
            node.values(v.OPERATOR)[0].pointer,
            f"{left} takes {names}, not {v.short(operator)}",
        )
        return False

    def _values_for(
        self, node: Node, operator: str, rights: tuple[Value, ...], first: bool, name: str
    ) -> tuple[Value, ...]:
        """The right operands, checked against the operator's arity and repetition."""
        if not first:
            self.problems.add(
                UnsupportedConstraint,
                node.pointer,
                f"a second {name} constraint on one rule: put every {name} in one isAnyOf",
            )
            return ()
        if operator in (v.EQ, v.IS_A, v.GTEQ) and len(rights) != 1:
            self.problems.add(
                InvalidOdrl,
                node.values(v.RIGHT)[0].pointer,
                f"{v.short(operator)} takes one value; use isAnyOf for several",
            )
            return ()
        return rights

    def _purpose(self, node: Node, op: str, rights: tuple[Value, ...], draft: Draft) -> None:
        if not self._operator(node, op, (v.EQ, v.IS_A, v.IS_ANY_OF), "purpose"):
            return
        found: set[str] = set()
        for value in self._values_for(node, op, rights, draft.purposes is None, "purpose"):
            iri = value.iri()
            if iri is None or not (self.taxonomy.known(iri) and self.taxonomy.covers(PURPOSE, iri)):
                self.problems.add(
                    UnknownTerm, value.pointer, f"{show(value)} is not a known DPV purpose"
                )
            else:
                found.add(iri)
        draft.purposes = set() if PURPOSE in found else found

    def _recipient(self, node: Node, op: str, rights: tuple[Value, ...], draft: Draft) -> None:
        if not self._operator(node, op, (v.EQ, v.IS_ANY_OF), "recipient"):
            return
        if draft.parties_from == "assignee":
            self.problems.add(
                UnsupportedConstraint,
                node.pointer,
                "the rule names its consumers twice (assignee and recipient): keep one",
            )
            return
        values = self._values_for(node, op, rights, draft.parties_from is None, "recipient")
        draft.parties_from = "recipient"
        self.parties(values, draft)

    def parties(self, values: tuple[Value, ...], draft: Draft) -> None:
        """Consumers and consumer types named by ``values`` (recipients or assignees)."""
        for value in values:
            iri = value.iri() or ""
            kind = v.CONSUMER_TYPES_BY_IRI.get(iri)
            if kind is not None:
                draft.consumer_types.add(kind)
            elif iri.startswith(v.CONSUMER_URN) and len(iri) > len(v.CONSUMER_URN):
                draft.consumers.add(iri[len(v.CONSUMER_URN) :])
            else:
                self.problems.add(
                    UnknownTerm,
                    value.pointer,
                    f"{show(value)} is neither a consumer (urn:holoptic:consumer:<id>) nor a "
                    "consumer type (hol:PublicBody, hol:Research, hol:NonProfit, hol:Commercial)",
                )

    def _spatial(self, node: Node, op: str, rights: tuple[Value, ...], draft: Draft) -> None:
        if not self._operator(node, op, (v.EQ, v.IS_ANY_OF), "spatial"):
            return
        places: set[str] = set()
        for value in self._values_for(node, op, rights, draft.spatial is None, "spatial"):
            literal = value.literal()
            place = literal[0] if literal and isinstance(literal[0], str) else value.iri()
            if place:
                places.add(place)
            else:
                self.problems.add(InvalidValue, value.pointer, "a place is an IRI or a string")
        draft.spatial = places

    def _bound(
        self, node: Node, op: str, rights: tuple[Value, ...], bounds: Bounds, name: str
    ) -> None:
        if not self._operator(node, op, (v.GT, v.GTEQ, v.LT, v.LTEQ), name):
            return
        if len(rights) != 1:
            self.problems.add(InvalidOdrl, rights[0].pointer, "a time bound takes one value")
            return
        parsed = moment(rights[0])
        if parsed is None:
            self.problems.add(
                InvalidValue,
                rights[0].pointer,
                f"{show(rights[0])} is not an xsd:dateTime or xsd:date",
            )
            return
        at, step = parsed
        if op in (v.GT, v.GTEQ):
            start = at + step if op == v.GT else at
            bounds.start = start if bounds.start is None else max(bounds.start, start)
        else:
            end = at + step if op == v.LTEQ else at
            bounds.end = end if bounds.end is None else min(bounds.end, end)
        if bounds.start is not None and bounds.end is not None and bounds.start >= bounds.end:
            self.problems.add(InvalidValue, rights[0].pointer, "the period ends before it starts")

    def _aggregation(self, node: Node, op: str, rights: tuple[Value, ...], draft: Draft) -> None:
        if not self._operator(node, op, (v.GTEQ,), "hol:aggregation"):
            return
        for value in self._values_for(node, op, rights, draft.aggregation is None, "aggregation"):
            level = v.AGGREGATIONS_BY_IRI.get(value.iri() or "")
            if level is None:
                self.problems.add(
                    UnknownTerm,
                    value.pointer,
                    f"{show(value)} is not hol:raw, hol:pseudonymised, hol:aggregate or hol:dp",
                )
            else:
                draft.aggregation = level

    def _min_group_size(self, node: Node, op: str, rights: tuple[Value, ...], draft: Draft) -> None:
        if not self._operator(node, op, (v.GTEQ,), "hol:minGroupSize"):
            return
        first = draft.min_group_size is None
        for value in self._values_for(node, op, rights, first, "minGroupSize"):
            size = integer(value)
            if size is None or size < 1:
                self.problems.add(InvalidValue, value.pointer, "a group size is a positive integer")
            else:
                draft.min_group_size = size
