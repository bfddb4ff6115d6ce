"""The tracker list: read from the whotracksme package, versioned, loaded once."""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.resources

import pytest

from holoptic.bootstrap import Services
from holoptic.reveal.errors import TrackerDataUnavailable
from holoptic.reveal.model import WHOTRACKSME
from holoptic.reveal.trackers import ASSET, TrackerIndex, package_dump, read_dump


def test_the_package_dump_is_read_and_identified() -> None:
    dump = package_dump()
    data = importlib.resources.files("whotracksme").joinpath(ASSET).read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    assert dump.sha256 == sha
    assert dump.version == f"{importlib.metadata.version('whotracksme')}+sha256.{sha[:12]}"
    index = TrackerIndex(dump.rows)
    assert len(index) == len(dump.rows) > 1000
    click = index.find("stats.g.doubleclick.net")
    assert click is not None
    assert (click.tracker_name, click.company_name, click.category) == (
        "DoubleClick",
        "Google",
        "advertising",
    )
    analytics = index.find("www.google-analytics.com")
    assert analytics is not None and analytics.category == "site_analytics"
    assert index.find("holoptic.example") is None
    assert index.find("com") is None


def test_a_broken_dump_is_a_clear_error() -> None:
    with pytest.raises(TrackerDataUnavailable, match="unreadable"):
        read_dump("CREATE TABLE nonsense(;")


def test_the_list_is_loaded_at_first_use_and_only_once(services: Services) -> None:
    first = services.reveal.trackers()
    again = services.reveal.trackers()
    assert first.id == again.id
    assert first.active and first.source == WHOTRACKSME
    assert first.record_count == len(package_dump().rows)
    with services.uow() as uow:
        assert [v.id for v in uow.reveal.versions(WHOTRACKSME)] == [first.id]
        assert len(uow.reveal.tracker_domains(first.id)) == first.record_count
