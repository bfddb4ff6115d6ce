"""Errors of the reveal capability, each with a stable code."""

from __future__ import annotations

from holoptic.errors import ConfigurationError, InvalidInput, NotFound


class HolderNotFound(NotFound):
    """The member's records show no holder with this slug."""

    code = "reveal.holder_not_found"


class DirectoryRecordNotFound(NotFound):
    """The active directory version has no record with this slug (or none is loaded)."""

    code = "reveal.directory_record_not_found"


class SyncFailed(InvalidInput):
    """A reference source could not be loaded; the previous version stays active."""

    code = "reveal.sync_failed"


class TrackerDataUnavailable(ConfigurationError):
    """The tracker database shipped with the ``whotracksme`` package cannot be read."""

    code = "reveal.trackers_unavailable"
