"""Errors of the vault, each with a stable code."""

from __future__ import annotations

from holoptic.errors import Conflict, HolopticError, InvalidInput, NotFound


class MemberNotFound(NotFound):
    code = "vault.member_not_found"


class CommunityNotFound(NotFound):
    code = "vault.community_not_found"


class ItemNotFound(NotFound):
    code = "vault.item_not_found"


class DuplicateEmail(Conflict):
    code = "vault.duplicate_email"


class DuplicateCommunity(Conflict):
    code = "vault.duplicate_community"


class UnknownKind(InvalidInput):
    code = "vault.unknown_kind"


class InvalidRecords(InvalidInput):
    code = "vault.invalid_records"


class ItemUnreadable(HolopticError):
    """A blob failed authentication: it was corrupted or tampered with."""

    code = "vault.item_unreadable"
    status = 500


class KeyError_(HolopticError):
    """Base for key-management failures (named to avoid the builtin)."""

    code = "vault.key_error"
    status = 500


class MasterKeyMissing(KeyError_):
    code = "vault.master_key_missing"


class MasterKeyInvalid(KeyError_):
    code = "vault.master_key_invalid"


class WrongMasterKey(KeyError_):
    code = "vault.wrong_master_key"


class MemberKeyDestroyed(KeyError_):
    """The member was deleted: their key is gone, so is their data."""

    code = "vault.member_key_destroyed"
    status = 410
