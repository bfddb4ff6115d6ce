"""The reveal report as one JSON document (``holoptic reveal --json``, the web API).

Besides each holder's ``received_from`` (who passed the member's data to it), the document
gives the inverse, ``passed_to`` (to whom this holder passed it), so that a company's
card can say "sent your activity to Meta" without the reader joining the list.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from holoptic.reveal.model import Contact, Evidence, HolderView, Match, RevealReport


def report_document(report: RevealReport) -> dict[str, Any]:
    passed_to: dict[str, list[str]] = defaultdict(list)
    for holder in report.holders:
        for giver in holder.received_from:
            passed_to[giver].append(holder.slug)
    return {
        "reference": dict(report.reference),
        "holders": [holder_document(h, sorted(passed_to[h.slug])) for h in report.holders],
    }


def holder_document(holder: HolderView, passed_to: list[str] | None = None) -> dict[str, Any]:
    return {
        "slug": holder.slug,
        "name": holder.name,
        "kind": holder.kind,
        "categories": list(holder.categories),
        "purposes": list(holder.purposes),
        "first_seen": _iso(holder.first_seen),
        "last_seen": _iso(holder.last_seen),
        "count": holder.count,
        "evidence": [_evidence(e) for e in holder.evidence],
        "received_from": list(holder.received_from),
        "passed_to": passed_to or [],
        "contact": contact_document(holder.contact),
        "match": match_document(holder.match),
        "identifiers": [{"type": kind, "value": value} for kind, value in holder.identifiers],
        "activity": [{"day": day.isoformat(), "count": count} for day, count in holder.activity],
    }


def contact_document(contact: Contact | None) -> dict[str, Any] | None:
    if contact is None:
        return None
    return {
        "directory_slug": contact.directory_slug,
        "name": contact.name,
        "email": contact.email,
        "address": contact.address,
        "web": contact.web,
        "fax": contact.fax,
        "needs_id_document": contact.needs_id_document,
        "runs": list(contact.runs),
    }


def match_document(match: Match | None) -> dict[str, Any] | None:
    if match is None:
        return None
    return {
        "directory_slug": match.directory_slug,
        "confidence": match.confidence,
        "method": match.method,
    }


def _evidence(evidence: Evidence) -> dict[str, Any]:
    return {
        "item_id": evidence.item_id,
        "kind": evidence.kind,
        "file_name": evidence.file_name,
        "records": evidence.records,
        "first": _iso(evidence.first),
        "last": _iso(evidence.last),
        "details": list(evidence.details),
    }


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None
