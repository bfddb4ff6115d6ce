"""Errors of grants and their consent records, each with a stable code.

State errors (``AlreadyWithdrawn``, ``AlreadyExpired``) are conflicts: the request was well
formed but the grant has already ended, which a member double-clicking "withdraw" or two
gate workers racing will meet. Everything else is malformed input from the caller.
"""

from __future__ import annotations

from holoptic.errors import Conflict, InvalidInput


class InvalidGrant(InvalidInput):
    """A grant whose fields or event history cannot go together."""

    code = "consent.invalid_grant"


class InvalidEvent(InvalidInput):
    """A consent event with a naive time, an unknown author, or out of order."""

    code = "consent.invalid_event"


class InvalidParty(InvalidInput):
    """A controller or intermediary without a name or a usable e-mail address."""

    code = "consent.invalid_party"


class InvalidSubjectRef(InvalidInput):
    """A data-subject reference that is empty or looks like a name or an e-mail."""

    code = "consent.invalid_subject_ref"


class InvalidExportOption(InvalidInput):
    """A jurisdiction, URL or key given to an export that it cannot use."""

    code = "consent.invalid_option"


class AlreadyWithdrawn(Conflict):
    """The grant was withdrawn already: it cannot be withdrawn or expire again."""

    code = "consent.already_withdrawn"


class AlreadyExpired(Conflict):
    """The grant has expired (by its date or an expiry event): it cannot be withdrawn."""

    code = "consent.already_expired"
