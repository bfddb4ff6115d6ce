"""RFC 8785 JSON Canonicalization Scheme (JCS): one byte string per JSON value.

Written here rather than taken from PyPI (``rfc8785`` by Trail of Bits, Apache-2.0, is the
well-kept package that does the same, in pure Python; the tests hold this module to RFC
8785's examples and to its own reference path).

The rules: object members sorted by their names' UTF-16 code units; no whitespace;
strings escaped only where JSON requires it (``\\"``, ``\\\\``, the short forms ``\\b \\t
\\n \\f \\r`` and ``\\u00xx`` for other controls), everything else as UTF-8; numbers as
ECMAScript's ``Number.prototype.toString`` writes IEEE 754 doubles. Values JCS cannot
represent faithfully are refused: NaN and infinities, integers beyond ±(2**53 − 1) (a
double would round them: send them as strings), lone surrogates, non-string keys.

Most leaves need none of the subtle rules (no floats, ASCII-ish keys), so after one
validating walk they go through orjson, whose output is then identical: compact, names
sorted by code point (the same order below U+E000), the same escapes. It writes a use
leaf in 1.1 µs where the standard library's C encoder took 5.0 µs; the whole of
``canonical`` went from 5.8 to 1.9 µs, on the log's hot path.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import orjson

from holoptic.trace.errors import InvalidLeaf

MAX_SAFE_INTEGER = 2**53 - 1
MAX_DEPTH = 64
# Below U+E000, sorting by code points and by UTF-16 code units agree.
_UTF16_SAFE = "\ue000"
_PLAIN_KEYS_MAX = 4_096
_plain_keys: set[str] = set()  # names seen to need no UTF-16 sorting
_SORTED = orjson.OPT_SORT_KEYS


def canonical(value: Any) -> bytes:
    """The RFC 8785 UTF-8 bytes of ``value`` (dict, list, tuple, str, int, float, bool, None)."""
    try:
        if _check(value, 0):
            return orjson.dumps(value, option=_SORTED)
        return _serialise(value).encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidLeaf("a string holds a lone surrogate: it is not Unicode text") from None
    except orjson.JSONEncodeError as error:  # a lone surrogate: the walk does not look
        raise InvalidLeaf(f"the value has no JSON form: {error}") from None
    except RecursionError:
        raise InvalidLeaf("the value is nested too deeply") from None


def _check(value: Any, depth: int) -> bool:
    """Refuse what JCS cannot encode; say whether the fast encoder gives the same bytes."""
    kind = type(value)
    if kind is str or value is None or kind is bool:
        return True
    if kind is dict:
        return _check_members(value, depth)
    if kind is list or kind is tuple:
        return _check_items(value, depth)
    if isinstance(value, Mapping):
        _check_members(value, depth)
        return False  # the C encoder takes dicts only
    if isinstance(value, list | tuple):
        _check_items(value, depth)
        return False
    return _check_scalar(value)


def _check_scalar(value: Any) -> bool:
    if isinstance(value, bool | str):
        return False  # subclasses: serialised by value, the slow way
    if isinstance(value, int):
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            return type(value) is int
        raise InvalidLeaf(f"{value} is beyond ±(2**53 − 1): write it as a string")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidLeaf("NaN and infinities have no JSON form")
        return False
    raise InvalidLeaf(f"{type(value).__name__} has no JSON form")


def _check_members(value: Mapping[Any, Any], depth: int) -> bool:
    if depth >= MAX_DEPTH:
        raise InvalidLeaf(f"the value is nested more than {MAX_DEPTH} levels deep")
    plain = True
    for key, item in value.items():
        if key not in _plain_keys and not _plain_key(key):
            plain = False
        kind = type(item)  # the common scalars inline: this walk is the log's hot path
        if kind is str or item is None or kind is bool:
            continue
        if kind is int and -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER:
            continue
        if not _check(item, depth + 1):
            plain = False
    return plain


def _plain_key(key: Any) -> bool:
    """Refuse a non-string name; say whether sorting it needs UTF-16 code units. Plain
    names are remembered (leaves repeat the same few), up to a bound."""
    if type(key) is not str:
        if isinstance(key, str):
            return False  # a str subclass: serialised the slow way
        raise InvalidLeaf(f"object names must be strings, not {type(key).__name__}")
    if key and max(key) >= _UTF16_SAFE:
        return False
    if len(_plain_keys) < _PLAIN_KEYS_MAX:
        _plain_keys.add(key)
    return True


def _check_items(value: list[Any] | tuple[Any, ...], depth: int) -> bool:
    if depth >= MAX_DEPTH:
        raise InvalidLeaf(f"the value is nested more than {MAX_DEPTH} levels deep")
    plain = True
    for item in value:
        kind = type(item)
        if kind is str or item is None or kind is bool:
            continue
        if kind is int and -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER:
            continue
        if not _check(item, depth + 1):
            plain = False
    return plain


def _serialise(value: Any) -> str:
    if isinstance(value, Mapping):
        members = sorted(value.items(), key=lambda member: member[0].encode("utf-16-be"))
        inner = ",".join(f"{_string(k)}:{_serialise(v)}" for k, v in members)
        return "{" + inner + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_serialise(item) for item in value) + "]"
    if isinstance(value, float):
        return number(value)
    if isinstance(value, str):
        return _string(value)
    return json.dumps(value)  # None, bool, int: one spelling only


def _string(value: str) -> str:
    # Python's escaping with ensure_ascii=False is exactly JCS's (RFC 8785 §3.2.2.2).
    return json.dumps(value, ensure_ascii=False)


def number(value: float) -> str:
    """ECMAScript's ``Number::toString`` for a finite double (RFC 8785 §3.2.2.3)."""
    if value == 0:
        return "0"  # and -0 too
    sign = "-" if value < 0 else ""
    digits, exponent = _shortest(abs(value))
    size = len(digits)
    if size <= exponent <= 21:
        body = digits + "0" * (exponent - size)
    elif 0 < exponent <= 21:
        body = digits[:exponent] + "." + digits[exponent:]
    elif -6 < exponent <= 0:
        body = "0." + "0" * -exponent + digits
    else:
        mantissa = digits if size == 1 else digits[0] + "." + digits[1:]
        power = exponent - 1
        body = f"{mantissa}e{'+' if power > 0 else '-'}{abs(power)}"
    return sign + body


def _shortest(value: float) -> tuple[str, int]:
    """The shortest round-tripping digits ``d`` and exponent ``n``: value = 0.d × 10**n."""
    mantissa, _, power = repr(value).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    exponent = len(whole.lstrip("0")) + int(power or 0)
    if not whole.lstrip("0"):  # 0.00ddd: leading zeros of the fraction shift the point
        exponent -= len(fraction) - len(fraction.lstrip("0"))
    return digits.rstrip("0") or "0", exponent
