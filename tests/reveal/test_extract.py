"""Pure extraction: small records in, observations of holders out (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from holoptic.reveal.domains import domain_of, host_of, parent_domains, registrable_domain
from holoptic.reveal.extract import PD, Observation, extract
from holoptic.reveal.model import TrackerDomain
from holoptic.reveal.parties import META, slug_of
from holoptic.reveal.trackers import TrackerIndex

ANALYTICS = TrackerDomain(
    "google-analytics.com",
    "google_analytics",
    "Google Analytics",
    "site_analytics",
    "google",
    "Google",
    "http://www.google.com",
    None,
)
PIXEL = TrackerDomain(
    "px.example", "pixelco", "PixelCo", "advertising", None, None, "https://pixel.example/", None
)
TRACKERS = TrackerIndex([ANALYTICS, PIXEL])


def by_slug(observations: list[Observation]) -> dict[str, Observation]:
    return {o.party.slug: o for o in observations}


def test_custom_audiences_name_advertisers_and_what_meta_received() -> None:
    records = [
        {"advertiser": "Café du Port SARL", "types": ["data_file", "remarketing"]},
        {"advertiser": "Shoes & Co", "types": ["in_store"]},
    ]
    seen = by_slug(extract("ads.custom_audience", records, TRACKERS))
    assert list(seen) == ["cafe-du-port", "meta", "shoes"]
    cafe = seen["cafe-du-port"]
    assert cafe.party.name == "Café du Port SARL"
    assert cafe.party.kind == "advertiser"
    assert cafe.categories == {PD + "Profile", PD + "Contact", PD + "BrowsingBehaviour"}
    assert cafe.purposes == {"advertising"}
    assert cafe.details == ("data_file, remarketing",)
    assert ("email", "") in cafe.identifiers
    assert seen["shoes"].categories == {PD + "Profile", PD + "Location", PD + "Purchase"}
    meta = seen["meta"]
    assert meta.party == META
    assert meta.count == 2
    assert meta.received_from == ("cafe-du-port",)  # the uploaded list, not the shop visits
    assert meta.details == ("Café du Port SARL", "Shoes & Co")


def test_the_demo_generators_shapes_are_read_too() -> None:
    records = [{"advertiser": "Fnac", "audience_type": "data_file", "source": "facebook"}]
    seen = by_slug(extract("ads.custom_audience", records, TRACKERS))
    assert seen["fnac"].details == ("data_file",)
    assert seen["meta"].received_from == ("fnac",)
    interests = extract("ads.interest", [{"interest": "Cycling", "source": "instagram"}], TRACKERS)
    assert [(o.party.slug, o.details) for o in interests] == [("meta", ("Cycling",))]


def test_off_meta_activity_is_a_company_passing_events_to_meta() -> None:
    records = [
        {"time": "2024-03-01T10:00:00Z", "company": "lemonde.fr", "event": "PAGE_VIEW", "id": "1"},
        {"time": "2024-03-02T11:00:00Z", "company": "lemonde.fr", "event": "PURCHASE", "id": "2"},
    ]
    seen = by_slug(extract("ads.off_platform", records, TRACKERS))
    company = seen["lemonde-fr"]
    assert company.party.domains == ("lemonde.fr",)
    assert company.count == 2
    assert company.first == datetime(2024, 3, 1, 10, tzinfo=UTC)
    assert company.last == datetime(2024, 3, 2, 11, tzinfo=UTC)
    assert company.days == ((date(2024, 3, 1), 1), (date(2024, 3, 2), 1))
    assert company.categories == {PD + "BrowsingBehaviour", PD + "Purchase"}
    assert company.details == ("PAGE_VIEW", "PURCHASE")
    assert seen["meta"].received_from == ("lemonde-fr",)
    assert seen["meta"].details == ("lemonde.fr: PAGE_VIEW", "lemonde.fr: PURCHASE")


def test_inferred_interests_and_other_categories_are_evidence_on_meta() -> None:
    records = [
        {"name": "Jazz", "list": "ad_interests"},
        {"name": "Frequent travellers", "list": "other_categories"},
    ]
    (meta,) = extract("ads.interest", records, TRACKERS)
    assert meta.party.slug == "meta"
    assert meta.categories == {PD + "Interest", PD + "Profile"}
    assert meta.details == ("Jazz", "Frequent travellers")
    assert meta.purposes == {"advertising"}


def test_ad_interactions_name_the_advertiser_and_meta() -> None:
    records = [{"time": "2023-11-14T22:13:20Z", "title": "Decathlon", "action": "Clicked ad"}]
    seen = by_slug(extract("ads.interaction", records, TRACKERS))
    assert set(seen) == {"decathlon", "meta"}
    assert seen["decathlon"].details == ("Clicked ad",)
    assert seen["decathlon"].categories == {PD + "Behavioural"}


def test_only_google_activity_from_ads_names_google() -> None:
    records = [
        {
            "time": "2024-01-01T09:00:00Z",
            "header": "YouTube",
            "title": "Watched x",
            "from_ads": True,
        },
        {"time": "2024-01-01T10:00:00Z", "header": "Search", "title": "Searched for y"},
    ]
    (google,) = extract("activity.event", records, TRACKERS)
    assert (google.party.slug, google.party.kind, google.count) == ("google", "platform", 1)
    assert google.purposes == {"advertising"}


def test_browsing_visits_map_hosts_and_parent_domains_to_trackers() -> None:
    records = [
        {"time": "2024-05-01T08:00:00Z", "url": "https://www.google-analytics.com/collect"},
        {"time": "2024-05-01T09:00:00Z", "url": "https://a.b.px.example:8443/p.gif?u=1"},
        {"time": "2024-05-02T09:00:00Z", "url": "https://unknown.example.org/"},
        {"time": "2024-05-02T09:00:00Z", "url": "about:blank"},
        {"time": "not a time", "url": "https://px.example/"},
    ]
    seen = by_slug(extract("browsing.visit", records, TRACKERS))
    assert set(seen) == {"google", "pixelco"}  # unknown hosts are simply not trackers
    assert seen["google"].purposes == {"site_analytics"}
    assert seen["google"].categories == {PD + "BrowserHistory", PD + "IPAddress"}
    pixel = seen["pixelco"]
    assert (pixel.party.name, pixel.party.kind, pixel.count) == ("PixelCo", "tracker", 2)
    assert pixel.party.domains == ("pixel.example", "px.example")
    assert pixel.details == ("a.b.px.example", "px.example")
    assert pixel.days == ((date(2024, 5, 1), 1),)  # the record without a time has no day


def test_page_requests_keep_third_parties_only() -> None:
    page = {"page_host": "www.px.example", "time": "2024-05-01T08:00:00.123Z"}
    records = [
        {**page, "host": "cdn.px.example"},  # the page's own site
        {**page, "host": "ssl.google-analytics.com", "sets_cookies": True},
        {"host": "px.example", "time": "2024-05-01T08:00:01Z"},  # no page: kept
    ]
    seen = by_slug(extract("browsing.request", records, TRACKERS))
    assert seen["google"].categories == {PD + "BrowsingBehaviour", PD + "IPAddress", PD + "UID"}
    assert seen["pixelco"].count == 1


def test_malformed_records_and_unknown_kinds_give_nothing() -> None:
    assert extract("location.point", [{"time": "2024-01-01T00:00:00Z"}], TRACKERS) == []
    bad = [{"advertiser": ""}, {"types": ["data_file"]}, "not an object", {"company": 3}]
    assert extract("ads.custom_audience", bad, TRACKERS) == []
    assert extract("ads.off_platform", bad, TRACKERS) == []


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Google LLC", "google"),
        ("Meta Platforms Ireland Ltd.", "meta-platforms-ireland"),
        ("Vinted - Buy and sell clothes", "vinted-buy-and-sell-clothes"),
        ("Société Générale S.A.", "societe-generale"),
        ("Müller GmbH & Co. KG", "muller"),
        ("Facebook", "facebook"),
    ],
)
def test_slugs_are_stable(name: str, slug: str) -> None:
    assert slug_of(name) == slug


def test_a_name_without_letters_still_gets_a_slug() -> None:
    assert slug_of("!!!") == slug_of("!!!") != slug_of("???")
    assert slug_of("!!!").startswith("holder-")


def test_domains() -> None:
    assert host_of("HTTPS://User@WWW.Example.COM:8080/x") == "www.example.com"
    assert host_of("data:text/plain,hello") is None
    assert parent_domains("a.b.example.co.uk") == [
        "a.b.example.co.uk",
        "b.example.co.uk",
        "example.co.uk",
        "co.uk",
    ]
    assert registrable_domain("www.bbc.co.uk") == "bbc.co.uk"
    assert registrable_domain("stats.g.doubleclick.net") == "doubleclick.net"
    assert domain_of("https://www.facebook.com/") == "facebook.com"
    assert domain_of("Booking.com") == "booking.com"
    assert domain_of("no domain here") is None
