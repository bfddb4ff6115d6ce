"""RFC 8785 canonical JSON: the RFC's own examples, number table and refusals."""

from __future__ import annotations

import json
import struct
from collections import OrderedDict
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from holoptic.trace.canonical import MAX_SAFE_INTEGER, _serialise, canonical, number
from holoptic.trace.errors import InvalidLeaf

# RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical spelling.
NUMBERS = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


@pytest.mark.parametrize(("bits", "expected"), NUMBERS)
def test_numbers_as_ecmascript_writes_them(bits: str, expected: str) -> None:
    value = struct.unpack(">d", bytes.fromhex(bits))[0]
    assert number(value) == expected
    assert canonical([value]) == f"[{expected}]".encode()


def test_the_rfc_example() -> None:
    """RFC 8785 §3.2.2: whitespace, literals, numbers and string escapes."""
    source = (
        '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], '
        '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", '
        '"literals": [null, true, false]}'
    )
    expected = (
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )
    assert canonical(json.loads(source)) == expected.encode()


def test_names_sort_by_utf16_code_units() -> None:
    """RFC 8785 §3.2.3: the emoji (a surrogate pair) sorts before U+FB33."""
    value = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    names = [name for name, _ in json.loads(canonical(value), object_pairs_hook=list)]
    assert names == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]


def test_the_fast_path_and_the_slow_path_agree() -> None:
    value: dict[str, Any] = {"b": [1, "é", None], "a": {"z": True, "\u00e9": "x"}, "c": ""}
    assert canonical(value) == canonical(OrderedDict(value))  # OrderedDict: the slow path
    assert canonical(value) == b'{"a":{"z":true,"\xc3\xa9":"x"},"b":[1,"\xc3\xa9",null],"c":""}'


PLAIN_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER)
    | st.text(
        st.characters(max_codepoint=0xFFFF, exclude_categories=["Cs"])
        | st.sampled_from("\x00\x1f\x7f\u2028")
    ),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.text(st.characters(max_codepoint=0xDFFF, exclude_categories=["Cs"]), max_size=6),
            inner,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@given(PLAIN_JSON)
def test_the_fast_encoder_writes_what_the_reference_path_writes(value: Any) -> None:
    """orjson (values with none of JCS's subtle cases) against ``_serialise``, which
    applies every rule itself: escapes, control characters, key order, integers."""
    assert canonical(value) == _serialise(value).encode("utf-8")


NESTED: list[Any] = []
for _ in range(70):
    NESTED = [NESTED]


@pytest.mark.parametrize(
    "value",
    [
        float("nan"),
        float("inf"),
        2**53,
        -(2**53),
        {1: "a"},
        {"a": b"bytes"},
        "\ud800",
        {"deep": NESTED},
    ],
    ids=["nan", "inf", "2^53", "-2^53", "int-key", "bytes", "surrogate", "deep"],
)
def test_what_jcs_cannot_represent_is_refused(value: object) -> None:
    with pytest.raises(InvalidLeaf):
        canonical(value)
