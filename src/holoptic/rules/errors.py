"""Errors of the usage rules, each with a stable code.

Importing an ODRL policy can go wrong in many places at once (an action here, an unknown
purpose there). The importer collects every problem with its location (a JSON pointer
into the document it was given) and raises one error listing them all in
``details["problems"]``, so a member fixes a file in one pass instead of one error at a
time. When every problem has the same code, the error is of that code's class.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from holoptic.errors import InvalidInput


class InvalidOdrl(InvalidInput):
    """A document that is not an ODRL policy Holoptic can read (or several problems)."""

    code = "rules.invalid_odrl"


class UnsupportedPolicyType(InvalidOdrl):
    """An Agreement, Request, Ticket…: Holoptic imports a member's standing Set or Offer."""

    code = "rules.unsupported_policy_type"


class UnsupportedAction(InvalidOdrl):
    """A rule's action other than ``use``, or a duty's other than ``compensate``/``inform``."""

    code = "rules.unsupported_action"


class UnsupportedConstraint(InvalidOdrl):
    """A left operand (or a logical operator) Holoptic's rules have no field for."""

    code = "rules.unsupported_constraint"


class UnsupportedOperator(InvalidOdrl):
    """An operator the left operand cannot take in Holoptic (``neq`` on a purpose…)."""

    code = "rules.unsupported_operator"


class UnsupportedProperty(InvalidOdrl):
    """An ODRL property whose meaning Holoptic would otherwise silently drop."""

    code = "rules.unsupported_property"


class UnknownTerm(InvalidOdrl):
    """An IRI that is not a known DPV term, consumer, consumer type or Holoptic term."""

    code = "rules.unknown_term"


class InvalidValue(InvalidOdrl):
    """A value of the wrong shape: a date that is not one, an amount with three decimals."""

    code = "rules.invalid_value"


_BY_CODE: dict[str, type[InvalidOdrl]] = {
    cls.code: cls
    for cls in (
        InvalidOdrl,
        UnsupportedPolicyType,
        UnsupportedAction,
        UnsupportedConstraint,
        UnsupportedOperator,
        UnsupportedProperty,
        UnknownTerm,
        InvalidValue,
    )
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an imported document, and where (a JSON pointer)."""

    code: str
    pointer: str
    message: str

    def document(self) -> dict[str, Any]:
        return {"code": self.code, "pointer": self.pointer or "/", "message": self.message}


@dataclass
class Problems:
    """The problems found so far; ``raise_if_any`` turns them into one error."""

    found: list[Problem] = field(default_factory=list)

    def add(self, error: type[InvalidOdrl], pointer: str, message: str) -> None:
        self.found.append(Problem(error.code, pointer, message))

    def __bool__(self) -> bool:
        return bool(self.found)

    def raise_if_any(self) -> None:
        if not self.found:
            return
        codes = {problem.code for problem in self.found}
        error = _BY_CODE[codes.pop()] if len(codes) == 1 else InvalidOdrl
        first = self.found[0]
        where = first.pointer or "/"
        if len(self.found) == 1:
            message = f"{first.message} (at {where})"
        else:
            count = len(self.found)
            message = f"{count} problems in the ODRL policy; first: {first.message} (at {where})"
        raise error(message, problems=[problem.document() for problem in self.found])


def pointer_to(parent: str, key: str | int) -> str:
    """``parent`` extended by one JSON-pointer step (RFC 6901 escaping)."""
    step = str(key).replace("~", "~0").replace("/", "~1")
    return f"{parent}/{step}"
