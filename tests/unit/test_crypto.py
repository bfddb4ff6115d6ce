"""Envelope encryption: wrap, seal, tamper detection."""

from __future__ import annotations

import pytest

from holoptic.vault.crypto import MasterKey, MemberCipher
from holoptic.vault.errors import ItemUnreadable, MasterKeyInvalid, WrongMasterKey


def test_master_key_round_trips_through_its_text_form() -> None:
    key = MasterKey.generate()
    assert MasterKey.parse(key.encode()).secret == key.secret
    assert key.key_id == MasterKey.parse(key.encode()).key_id
    assert key.encode() not in repr(key)


@pytest.mark.parametrize("text", ["", "not base64 !!", "holoptic-master-key-v1:c2hvcnQ"])
def test_malformed_master_keys_are_refused(text: str) -> None:
    with pytest.raises(MasterKeyInvalid):
        MasterKey.parse(text)


def test_wrapped_key_opens_only_with_its_master_and_member() -> None:
    master, other = MasterKey.generate(), MasterKey.generate()
    data_key = MemberCipher.new_key()
    wrapped = master.wrap("member-1", data_key)
    assert master.unwrap("member-1", wrapped) == data_key
    with pytest.raises(WrongMasterKey):
        other.unwrap("member-1", wrapped)
    with pytest.raises(WrongMasterKey):
        master.unwrap("member-2", wrapped)


def test_blob_is_bound_to_its_item_id() -> None:
    cipher = MemberCipher(MemberCipher.new_key())
    blob = cipher.seal("item-a", b'{"secret":"value"}\n')
    assert b"secret" not in blob
    assert cipher.open("item-a", blob) == b'{"secret":"value"}\n'
    with pytest.raises(ItemUnreadable, match="item-b"):
        cipher.open("item-b", blob)


def test_flipped_bit_fails_authentication() -> None:
    cipher = MemberCipher(MemberCipher.new_key())
    blob = bytearray(cipher.seal("item-a", b"payload"))
    blob[-1] ^= 0x01
    with pytest.raises(ItemUnreadable, match="integrity"):
        cipher.open("item-a", bytes(blob))


def test_truncated_blob_is_unreadable_not_a_crash() -> None:
    cipher = MemberCipher(MemberCipher.new_key())
    with pytest.raises(ItemUnreadable):
        cipher.open("item-a", b"\x01short")


def test_content_hash_is_keyed_per_member() -> None:
    one, two = MemberCipher(MemberCipher.new_key()), MemberCipher(MemberCipher.new_key())
    assert one.content_hash(b"x") == one.content_hash(b"x")
    assert one.content_hash(b"x") != two.content_hash(b"x")


def test_email_index_ignores_case_and_spaces() -> None:
    key = MasterKey.generate()
    assert key.email_index(" Ana@Example.org") == key.email_index("ana@example.org")
    assert MasterKey.generate().email_index("ana@example.org") != key.email_index("ana@example.org")
