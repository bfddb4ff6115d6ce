"""Language negotiation."""

from __future__ import annotations

import pytest

from holoptic.i18n import negotiate


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "fr"),
        ("", "fr"),
        ("en-GB,en;q=0.9", "en"),
        ("de-DE,en;q=0.5,fr;q=0.8", "fr"),
        ("de", "fr"),
        ("en;q=0,fr;q=0.1", "fr"),
        ("fr;q=abc,en", "en"),
    ],
)
def test_negotiate(header: str | None, expected: str) -> None:
    assert negotiate(header) == expected
