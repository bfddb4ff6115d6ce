"""Errors about consumers, each with a stable code."""

from __future__ import annotations

from holoptic.errors import Conflict, HolopticError, InvalidInput, NotFound


class ConsumerNotFound(NotFound):
    code = "consumer.not_found"


class InvalidConsumer(InvalidInput):
    code = "consumer.invalid"


class ConsumerNotApproved(HolopticError):
    """A pending or suspended consumer asked for something only approved ones may."""

    code = "consumer.not_approved"
    status = 403


class ConsumerAlreadyApproved(Conflict):
    code = "consumer.already_approved"
