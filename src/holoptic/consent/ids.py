"""Stable identifiers (records, receipts, parties, the subject) and the references exports take.

Record and receipt ids are name-based UUIDs (RFC 9562 version 5) of the grant id, so
exporting the same grant twice gives the same ids, and the gate never stores them. Other
things are named ``urn:holoptic:<kind>:<id>``, an informal namespace (not registered
under RFC 8141) that only has to be unique inside one Holoptic deployment.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from typing import Final
from urllib.parse import quote

from holoptic.consent.errors import InvalidExportOption, InvalidSubjectRef
from holoptic.consent.model import Grant, Party

NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, "urn:holoptic:consent")
URN: Final = "urn:holoptic:"
_SUBJECT_REF = re.compile(r"^[A-Za-z0-9._~:-]{6,128}$")


def record_id(grant: Grant) -> str:
    """The ISO/IEC TS 27560 record id of ``grant``'s consent record."""
    return str(uuid.uuid5(NAMESPACE, f"record/{grant.id}"))


def receipt_id(grant: Grant) -> str:
    """The Kantara ``consentReceiptID`` of ``grant``'s receipt."""
    return str(uuid.uuid5(NAMESPACE, f"kantara-cr-v1.1/{grant.id}"))


def urn(kind: str, value: str) -> str:
    return f"{URN}{kind}:{quote(value, safe='')}"


def party_iri(party: Party) -> str:
    """The community's IRI: its website when it has one."""
    return party.website or urn("party", party.name)


def check_subject_ref(subject_ref: str) -> str:
    """``subject_ref`` if it can stand for the member without naming them."""
    if not _SUBJECT_REF.match(subject_ref):
        raise InvalidSubjectRef(
            "the subject reference must be 6 to 128 letters, digits or ._~:- "
            "(a pseudonym: never a name or an e-mail address)"
        )
    return subject_ref


def subject_pseudonym(key: bytes, member_id: str, consumer_id: str) -> str:
    """A pseudonym for a member that only one consumer sees (HMAC-SHA256, 128 bits).

    Records and receipts shown to two consumers then cannot be joined on the subject;
    whoever holds ``key`` (the community) can recompute it to find the member.
    """
    if len(key) < 16:
        raise InvalidExportOption("the pseudonym key must be at least 16 bytes")
    message = f"{member_id}\x1f{consumer_id}".encode()
    return "s-" + hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def check_url(url: str | None, what: str) -> str | None:
    """``url`` if it is None or an absolute http(s) URL."""
    if url is not None and not re.match(r"^https?://\S+$", url):
        raise InvalidExportOption(f"{what} must be an http(s) URL, not {url!r}")
    return url


def check_place(code: str) -> str:
    """An ISO 3166-1 alpha-2 code, ``EU`` or ``EEA``, upper-cased (DPV's ``loc:`` names)."""
    place = code.strip().upper()
    if not re.match(r"^(?:[A-Z]{2}|EEA)$", place):
        raise InvalidExportOption(f"the jurisdiction must be a country code or EU, not {code!r}")
    return place
