"""When an import asks the vault which days of a kind may already hold items."""

from __future__ import annotations

from datetime import date, timedelta

from holoptic.vault.records import BucketCache

JANUARY = (date(2020, 1, 1), date(2020, 1, 31))


class Span:
    """A ``before`` that counts how often it is asked."""

    def __init__(self, span: tuple[date, date] | None) -> None:
        self.span, self.asked = span, 0

    def __call__(self) -> tuple[date, date] | None:
        self.asked += 1
        return self.span


def test_the_first_days_are_looked_up_one_by_one() -> None:
    cache, before = BucketCache(), Span(JANUARY)
    first = date(2021, 1, 1)
    for n in range(32):
        assert cache.may_hold(("location.point", first + timedelta(n)), before)
    assert before.asked == 0
    assert not cache.may_hold(("location.point", first + timedelta(32)), before)
    assert cache.may_hold(("location.point", date(2020, 1, 15)), before)
    assert before.asked == 1


def test_a_file_read_in_parts_asks_for_the_span_before_anything_else() -> None:
    cache, before = BucketCache(ask_first=0), Span(JANUARY)
    assert not cache.may_hold(("location.point", date(2021, 1, 1)), before)
    assert cache.may_hold(("location.point", date(2020, 1, 31)), before)
    assert before.asked == 1


def test_a_day_written_since_may_hold_items_whatever_the_span() -> None:
    cache, before = BucketCache(ask_first=0), Span(None)
    day = ("location.point", date(2021, 1, 1))
    assert not cache.may_hold(day, before)
    cache.wrote(day)
    assert cache.may_hold(day, before)
    assert before.asked == 1
