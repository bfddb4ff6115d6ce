"""The IRIs Holoptic reads and writes in ODRL 2.2 policies, and its own ``hol:`` terms.

ODRL has no words for what Holoptic adds (how coarse a release must be, the smallest
group an aggregate may describe, which period of the data a rule covers, kinds of
consumers), so those live under ``hol: https://holoptic.org/ns#``, declared as the
policy's ``profile`` as ODRL asks of extensions.
"""

from __future__ import annotations

import re

from holoptic.rules.jsonld import ODRL
from holoptic.rules.model import DPV, PD, Aggregation, ConsumerType

HOL = "https://holoptic.org/ns#"
HOL_PROFILE = "https://holoptic.org/ns"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_VALUE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value"

RULE_URN = "urn:holoptic:rule:"
MEMBER_URN = "urn:holoptic:member:"
CONSUMER_URN = "urn:holoptic:consumer:"

CONTEXT: list[object] = [
    "http://www.w3.org/ns/odrl.jsonld",
    {"dpv": DPV, "pd": PD, "hol": HOL, "xsd": XSD},
]

# Policies
SET = ODRL + "Set"
OFFER = ODRL + "Offer"
POLICY = ODRL + "Policy"
POLICY_TYPES = frozenset(
    ODRL + name
    for name in ("Policy", "Set", "Offer", "Agreement", "Request", "Ticket", "Assertion", "Privacy")
)
ACCEPTED_POLICY_TYPES = frozenset({SET, OFFER, POLICY})
PERMISSION_TYPE = ODRL + "Permission"
PROHIBITION_TYPE = ODRL + "Prohibition"
RULE_TYPES = frozenset({PERMISSION_TYPE, PROHIBITION_TYPE, ODRL + "Duty"})

# Properties
PERMISSION = ODRL + "permission"
PROHIBITION = ODRL + "prohibition"
OBLIGATION = ODRL + "obligation"
UID = ODRL + "uid"
PROFILE = ODRL + "profile"
CONFLICT = ODRL + "conflict"
TARGET = ODRL + "target"
ACTION = ODRL + "action"
ASSIGNER = ODRL + "assigner"
ASSIGNEE = ODRL + "assignee"
CONSTRAINT = ODRL + "constraint"
REFINEMENT = ODRL + "refinement"
DUTY = ODRL + "duty"
REMEDY = ODRL + "remedy"
INHERIT_FROM = ODRL + "inheritFrom"
LEFT = ODRL + "leftOperand"
OPERATOR = ODRL + "operator"
RIGHT = ODRL + "rightOperand"
UNIT = ODRL + "unit"

# Actions
USE = ODRL + "use"
COMPENSATE = ODRL + "compensate"
INFORM = ODRL + "inform"

# Left operands
PURPOSE = ODRL + "purpose"
DATE_TIME = ODRL + "dateTime"
SPATIAL = ODRL + "spatial"
RECIPIENT = ODRL + "recipient"
PAY_AMOUNT = ODRL + "payAmount"
AGGREGATION = HOL + "aggregation"
MIN_GROUP_SIZE = HOL + "minGroupSize"
DATA_PERIOD = HOL + "dataPeriod"

# Operators
EQ = ODRL + "eq"
IS_A = ODRL + "isA"
IS_ANY_OF = ODRL + "isAnyOf"
GT = ODRL + "gt"
GTEQ = ODRL + "gteq"
LT = ODRL + "lt"
LTEQ = ODRL + "lteq"
AND = ODRL + "and"
LOGICAL = tuple(ODRL + name for name in ("or", "xone", "andSequence"))

CONFLICT_PROHIBIT = ODRL + "prohibit"

CONSUMER_TYPE_IRIS: dict[ConsumerType, str] = {
    ConsumerType.PUBLIC_BODY: HOL + "PublicBody",
    ConsumerType.RESEARCH: HOL + "Research",
    ConsumerType.NON_PROFIT: HOL + "NonProfit",
    ConsumerType.COMMERCIAL: HOL + "Commercial",
}
CONSUMER_TYPES_BY_IRI = {iri: kind for kind, iri in CONSUMER_TYPE_IRIS.items()}

AGGREGATION_IRIS: dict[Aggregation, str] = {level: HOL + level.value for level in Aggregation}
AGGREGATIONS_BY_IRI = {iri: level for level, iri in AGGREGATION_IRIS.items()}

# Descriptive namespaces: their properties change nothing a rule means.
ANNOTATIONS = (
    "http://purl.org/dc/terms/",
    "http://purl.org/dc/elements/1.1/",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2004/02/skos/core#",
    "http://schema.org/",
    "https://schema.org/",
)

_PREFIXES = (("dpv:", DPV), ("pd:", PD), ("hol:", HOL), ("xsd:", XSD))


def compact(iri: str) -> str:
    """``iri`` written with one of the export context's prefixes when one fits."""
    for prefix, namespace in _PREFIXES:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return prefix + iri[len(namespace) :]
    return iri


def short(iri: str) -> str:
    """A readable name for messages: ``odrl:use``, ``dpv:Purpose``, or the IRI."""
    if iri.startswith(ODRL):
        return "odrl:" + iri[len(ODRL) :]
    return compact(iri)


_UNEXPANDED = re.compile(r"([A-Za-z][A-Za-z0-9_.-]*):(?!//)")
_SCHEMES = frozenset({"urn", "http", "https", "mailto", "tag", "did", "data", "file"})


def unknown(iri: str) -> str:
    """``iri`` for a message, with a hint when it looks like a compact IRI left unexpanded."""
    match = _UNEXPANDED.match(iri)
    if match and match.group(1).lower() not in _SCHEMES:
        return f"{iri} (the prefix {match.group(1)}: is not defined in @context)"
    return short(iri)
