"""Errors of lineage declarations, each with a stable code.

A consumer declares what it derived from the data it was given; every way such a
declaration can be wrong is its own code, so the web layer and scripts can say which
(``lineage.unknown_use`` is a typo, ``lineage.foreign_use`` is a claim on someone else's
release, ``lineage.time_order`` a derivation dated before its source).
"""

from __future__ import annotations

from holoptic.errors import InvalidInput


class InvalidDeclaration(InvalidInput):
    """A dataset or product declaration that cannot be recorded as it is."""

    code = "lineage.invalid_declaration"


class InvalidId(InvalidDeclaration):
    """An empty or overlong identifier."""

    code = "lineage.invalid_id"


class InvalidName(InvalidDeclaration):
    """A name that is blank, too long or holds control characters."""

    code = "lineage.invalid_name"


class InvalidDescription(InvalidDeclaration):
    """A description that is too long or holds control characters other than newlines."""

    code = "lineage.invalid_description"


class InvalidUrl(InvalidDeclaration):
    """A product address that is not an absolute http(s) URL of reasonable length."""

    code = "lineage.invalid_url"


class InvalidTime(InvalidDeclaration):
    """A naive datetime: lineage times are instants, so they carry their offset."""

    code = "lineage.invalid_time"


class InvalidUse(InvalidInput):
    """A use reference the gate could not have produced (unknown aggregation, naive time)."""

    code = "lineage.invalid_use"


class EmptyDataset(InvalidDeclaration):
    """A dataset derived from no use: lineage that starts nowhere proves nothing."""

    code = "lineage.empty_dataset"


class EmptyProduct(InvalidDeclaration):
    """A product derived from no dataset."""

    code = "lineage.empty_product"


class DuplicateReference(InvalidDeclaration):
    """The same use (or dataset) named twice in one declaration."""

    code = "lineage.duplicate_reference"


class UnknownUse(InvalidDeclaration):
    """A use id that no release carries."""

    code = "lineage.unknown_use"


class ForeignUse(InvalidDeclaration):
    """A use released to another consumer: a consumer derives only from its own uses."""

    code = "lineage.foreign_use"


class UnknownDataset(InvalidDeclaration):
    """A dataset id that was never declared."""

    code = "lineage.unknown_dataset"


class ForeignDataset(InvalidDeclaration):
    """A dataset declared by another consumer."""

    code = "lineage.foreign_dataset"


class TimeOrder(InvalidDeclaration):
    """A derivation dated before what it derives from."""

    code = "lineage.time_order"
