"""Payment orders: signed by the payer's key, refused when forged, tampered or stale."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from holoptic.ledger.amounts import InvalidAmount, format_amount, parse_amount
from holoptic.ledger.orders import (
    PaymentOrder,
    SignatureInvalid,
    StaleOrder,
    new_private_key,
    public_key_of,
    sign_order,
    verify_order,
)

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
ORDER = PaymentOrder("t-1", "VAL", "alice", "bob", 1250, "food", NOW)


def test_a_signed_order_verifies_and_any_change_breaks_it() -> None:
    key = new_private_key()
    signature = sign_order(ORDER, key)
    verify_order(ORDER, signature, public_key_of(key), NOW)
    for changed in (
        replace(ORDER, amount=12500),
        replace(ORDER, payee="mallory"),
        replace(ORDER, id="t-2"),
        replace(ORDER, category=None),
    ):
        with pytest.raises(SignatureInvalid):
            verify_order(changed, signature, public_key_of(key), NOW)


def test_another_members_key_or_garbage_is_refused() -> None:
    signature = sign_order(ORDER, new_private_key())
    with pytest.raises(SignatureInvalid):
        verify_order(ORDER, signature, public_key_of(new_private_key()), NOW)
    with pytest.raises(SignatureInvalid):
        verify_order(ORDER, b"\x00" * 64, public_key_of(new_private_key()), NOW)
    with pytest.raises(SignatureInvalid):
        verify_order(ORDER, b"short", b"not a key", NOW)


def test_a_stale_order_is_refused() -> None:
    key = new_private_key()
    signature = sign_order(ORDER, key)
    with pytest.raises(StaleOrder):
        verify_order(ORDER, signature, public_key_of(key), NOW + timedelta(minutes=11))


@pytest.mark.parametrize(
    ("text", "decimals", "minor"),
    [("12.50", 2, 1250), ("12.5", 2, 1250), ("3", 0, 3), ("0.01", 2, 1), (" 7 ", 2, 700)],
)
def test_amounts_parse(text: str, decimals: int, minor: int) -> None:
    assert parse_amount(text, decimals) == minor


@pytest.mark.parametrize("text", ["12.505", "-1", "0", "abc", "NaN", "Infinity", "1e30", ""])
def test_bad_amounts_are_refused(text: str) -> None:
    with pytest.raises(InvalidAmount):
        parse_amount(text, 2)


@given(st.integers(min_value=1, max_value=10**12), st.integers(min_value=0, max_value=6))
def test_formatting_round_trips(minor: int, decimals: int) -> None:
    assert parse_amount(format_amount(minor, decimals), decimals) == minor


def test_records_holding_line_separators_read_back_whole() -> None:
    from holoptic.trace.canonical import canonical
    from holoptic.vault.records import decode_lines

    records = [{"title": "a\u2028b\u2029c\x85d"}, {"title": "plain"}]
    payload = b"\n".join(canonical(r) for r in records)
    assert decode_lines(payload) == records
