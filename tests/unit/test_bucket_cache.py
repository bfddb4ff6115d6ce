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


def test_a_day_grown_in_place_counts_against_the_capacity() -> None:
    """The writer adds a day's new lines to the cached set, then puts it back: the
    growth must count, or a long import keeps every day it met (memory grew with the
    file: 392 MB for a 2 GB Apple Health export)."""
    cache = BucketCache(capacity=100)
    first = date(2021, 1, 1)
    for n in range(50):
        bucket = ("health.heart_rate", first + timedelta(n))
        present: set[str] = set()
        cache.put(bucket, present)
        for part in range(3):
            grown = cache.get(bucket)
            assert grown is present
            grown.update(f"{n}:{part}:{line}" for line in range(20))
            cache.put(bucket, grown)
        assert cache.size <= 100
    assert cache.get(("health.heart_rate", first)) is None  # the oldest day was let go
    assert cache.get(("health.heart_rate", first + timedelta(49))) is not None
