"""dump_spec writes TOML that parse_spec reads back to the very same spec."""

from __future__ import annotations

from hypothesis import given, settings

from holoptic.currency import dump_spec, parse_spec
from holoptic.currency.model import CurrencySpec
from holoptic.currency.validate import validate
from tests.currency.strategies import specs


@settings(max_examples=300, deadline=None)
@given(specs())
def test_dump_then_parse_gives_the_same_spec(spec: CurrencySpec) -> None:
    assert validate(spec) == []  # the strategy only builds valid specs
    text = dump_spec(spec)
    assert parse_spec(text) == spec
    assert dump_spec(parse_spec(text)) == text
