"""The DPV terms records and receipts speak: namespaces, the JSON-LD context, sensitivity.

Everything here is a fixed table or a pure function over a grant, so the record and the
Kantara receipt agree on what a grant means (its consent type, which categories are
sensitive, whether the GDPR applies).
"""

from __future__ import annotations

import re
from typing import Any, Final

from holoptic.consent.model import MEMBER, Grant
from holoptic.rules.model import ConsumerType

DPV: Final = "https://w3id.org/dpv#"
PD: Final = "https://w3id.org/dpv/pd#"
LOC: Final = "https://w3id.org/dpv/loc#"
EU_GDPR: Final = "https://w3id.org/dpv/legal/eu/gdpr#"

# The guide's namespaces (§3), plus those its examples use without declaring.
PREFIXES: Final[dict[str, str]] = {
    "dpv": DPV,
    "pd": PD,
    "loc": LOC,
    "eu-gdpr": EU_GDPR,
    "dct": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "schema": "https://schema.org/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

# Properties whose string values are IRIs (the guide writes "dpv:hasPurpose": "dpv:X").
_IRI_VALUED: Final = (
    "dct:conformsTo",
    "dct:creator",
    "dct:publisher",
    "skos:broader",
    "schema:url",
    "dpv:hasApplicableLaw",
    "dpv:hasDataController",
    "dpv:hasIdentifier",
    "dpv:hasJurisdiction",
    "dpv:hasLegalBasis",
    "dpv:hasPersonalData",
    "dpv:hasProcessing",
    "dpv:hasPurpose",
    "dpv:hasRecipient",
    "dpv:hasTechnicalMeasure",
    "dpv:isExercisedAt",
    "dpv:isImplementedByEntity",
    "dpv:isIndicatedBy",
)
_DATE_TIMES: Final = ("dct:created", "dct:modified", "dpv:isIndicatedAtTime")

CONTEXT: Final[dict[str, Any]] = {
    **PREFIXES,
    **{term: {"@type": "@id"} for term in _IRI_VALUED},
    **{term: {"@type": "xsd:dateTime"} for term in _DATE_TIMES},
}

# DPV 2.3's PD extension: every category typed dpv:SpecialCategoryPersonalData (GDPR
# Art. 9 data), and the one that is only dpv:SensitivePersonalData. A test holds these
# lists to ../shared/data/dpv/2.3_pd_pd.csv.
_SPECIAL_NAMES: Final = """
    Biometric BloodType DNACode Disability DrugTestResult EthnicOrigin FacialExpression
    FacialPrint FamilyHealthHistory Fetish Fingerprint Genetic Health HealthHistory
    HealthRecord IndividualHealthHistory MedicalHealth MentalHealth PhilosophicalBelief
    PhysicalHealth PoliticalAffiliation PoliticalOpinion Prescription Proclivity Race
    Religion ReligiousBelief Retina Sexual SexualHistory SexualPreference TradeUnionMembership
"""
SPECIAL_CATEGORIES: Final = frozenset(PD + name for name in _SPECIAL_NAMES.split()) | {
    DPV + "SpecialCategoryPersonalData"
}
SENSITIVE_CATEGORIES: Final = frozenset({PD + "Vulnerability", DPV + "SensitivePersonalData"})

ORGANISATION_TYPES: Final[dict[ConsumerType, str]] = {
    ConsumerType.PUBLIC_BODY: "dpv:PublicSectorBody",
    ConsumerType.RESEARCH: "dpv:AcademicScientificOrganisation",
    ConsumerType.NON_PROFIT: "dpv:NonProfitOrganisation",
    ConsumerType.COMMERCIAL: "dpv:ForProfitOrganisation",
}

# The EU, its member states and the rest of the EEA (ISO 3166-1 alpha-2): the GDPR applies.
_GDPR_CODES: Final = """
    EU EEA AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO
"""
GDPR_PLACES: Final = frozenset(_GDPR_CODES.split())

_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def compact(iri: str) -> str:
    """``https://w3id.org/dpv#Use`` → ``dpv:Use``, as the guide writes terms."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and _LOCAL.match(iri[len(namespace) :]):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def sensitivity(category: str) -> str | None:
    """The DPV class marking ``category`` sensitive, or None for ordinary data."""
    if category in SPECIAL_CATEGORIES:
        return "dpv:SpecialCategoryPersonalData"
    if category in SENSITIVE_CATEGORIES:
        return "dpv:SensitivePersonalData"
    return None


def sensitive_categories(grant: Grant) -> tuple[str, ...]:
    """The grant's categories that are sensitive or of a special category, in order."""
    return tuple(c for c in grant.categories if sensitivity(c) is not None)


def explicit(grant: Grant) -> bool:
    """Whether the member confirmed this very grant (not a rule written ahead of it)."""
    return grant.given_by == MEMBER


def consent_type(grant: Grant) -> str:
    """The DPV consent type: see docs/consent.md, "Which consent type"."""
    return "dpv:ExplicitlyExpressedConsent" if explicit(grant) else "dpv:ExpressedConsent"


def legal_bases(grant: Grant, gdpr: bool) -> list[str]:
    """The consent type, with the GDPR article it meets when the GDPR applies.

    A grant over special categories meets Art. 9(2)(a) only when it is explicit.
    """
    bases = [consent_type(grant)]
    if gdpr:
        bases.append("eu-gdpr:A6-1-a")
        special = any(c in SPECIAL_CATEGORIES for c in grant.categories)
        if explicit(grant) and special:
            bases.append("eu-gdpr:A9-2-a")
    return bases
