"""A grant as a Kantara Initiative Consent Receipt v1.1 (``KI-CR-v1.1.0``).

The receipt is the plain-JSON companion of the DPV record for tools that speak Kantara's
format. It describes the consent as given, with its termination conditions and, once the
grant has ended, when it ended. It validates against Kantara's JSON Schema (draft-04,
``../shared/fixtures/kantara-consent-receipt-v1.1/``); docs/consent.md maps each field.

Kantara v1.1 has no role for a data intermediary: ``onBehalf`` marks a processor acting
for a controller, which a community acting for its members is not. So the consumer is
listed first, as the controller the consent is given to, and the community second, as
the controller of the vault that discloses the data; both with ``onBehalf: false``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Final

from holoptic.consent.dpv import explicit, sensitive_categories
from holoptic.consent.errors import InvalidExportOption, InvalidGrant
from holoptic.consent.ids import check_subject_ref, check_url, receipt_id
from holoptic.consent.model import MEMBER, SYSTEM, ConsentEventKind, Grant, Party
from holoptic.consent.texts import aggregation, language, text

VERSION: Final = "KI-CR-v1.1.0"

Labeller = Callable[[str], str]


def kantara_receipt(
    grant: Grant,
    intermediary: Party,
    subject_ref: str,
    jurisdiction: str,
    policy_url: str,
    taxonomy_label: Labeller,
    *,
    lang: str = "en",
    now: datetime | None = None,
) -> dict[str, Any]:
    """The Kantara Consent Receipt v1.1 of ``grant`` (a dict ready for json.dumps).

    ``taxonomy_label`` names a DPV IRI in ``lang`` (e.g. ``lambda iri:
    taxonomy.label(iri, lang)``); ``jurisdiction`` is Kantara's free text (a country
    code, ``EU``…); ``policy_url`` is the community's privacy policy. With ``now``, an
    expiry date already passed is reported as the end of the consent.
    """
    check_subject_ref(subject_ref)
    if not jurisdiction.strip():
        raise InvalidExportOption("a Kantara receipt names its jurisdiction")
    if check_url(policy_url, "policy_url") is None:
        raise InvalidExportOption("a Kantara receipt links to a privacy policy")
    if now is not None:
        grant = grant.settle(now)
    timestamp = math.floor(grant.given_at.timestamp())
    if timestamp < 0:
        raise InvalidGrant("a Kantara receipt counts seconds from 1970: given_at is earlier")
    lang = language(lang)
    sensitive = sensitive_categories(grant)
    return {
        "version": VERSION,
        "jurisdiction": jurisdiction.strip(),
        "consentTimestamp": timestamp,
        "collectionMethod": _collection_method(grant, intermediary, lang),
        "consentReceiptID": receipt_id(grant),
        "language": lang,
        "piiPrincipalId": subject_ref,
        "piiControllers": [_controller(grant.consumer), _controller(intermediary)],
        "policyUrl": policy_url,
        "services": [_service(grant, taxonomy_label, lang)],
        "sensitive": bool(sensitive),
        "spiCat": [taxonomy_label(category) for category in sensitive],
    }


def _collection_method(grant: Grant, intermediary: Party, lang: str) -> str:
    if grant.given_by == MEMBER:
        return text(lang, "given.member")
    rules = ", ".join(grant.rule_ids)
    return text(lang, "given.rule", rules=rules, community=intermediary.name)


def _controller(party: Party) -> dict[str, Any]:
    """Kantara requires address and phone; what a party lacks is written empty."""
    controller: dict[str, Any] = {
        "piiController": party.name,
        "onBehalf": False,
        "contact": party.name,
        "address": {"streetAddress": party.address} if party.address else {},
        "email": party.contact_email,
        "phone": party.phone or "",
    }
    if party.website is not None:
        controller["piiControllerUrl"] = party.website
    return controller


def _service(grant: Grant, label: Labeller, lang: str) -> dict[str, Any]:
    purpose = label(grant.purpose)
    return {
        "service": text(lang, "service", purpose=purpose, consumer=grant.consumer.name),
        "purposes": [
            {
                "purpose": text(
                    lang,
                    "purpose",
                    purpose=purpose,
                    aggregation=aggregation(lang, grant.aggregation),
                ),
                "purposeCategory": [purpose],
                "consentType": "EXPLICIT" if explicit(grant) else "EXPRESSED",
                "piiCategory": [label(category) for category in grant.categories],
                "primaryPurpose": True,
                "termination": _termination(grant, lang),
                "thirdPartyDisclosure": False,
            }
        ],
    }


def _termination(grant: Grant, lang: str) -> str:
    if grant.expires_at is None:
        limit = text(lang, "termination.open")
    else:
        limit = text(lang, "termination.expiry", date=_day(grant.expires_at))
    sentence = text(lang, "termination") + limit + "."
    ending = grant.ending
    if ending is None:
        return sentence
    if ending.kind is ConsentEventKind.EXPIRED:
        key = "ended.expired"
    else:
        key = "ended.revoked" if ending.by == SYSTEM else "ended.withdrawn"
    return sentence + text(lang, key, date=_day(ending.at))


def _day(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
