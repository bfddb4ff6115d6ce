"""Holders from real exports, through the real importers, on both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from holoptic.bootstrap import Services
from holoptic.db.schema import metadata
from holoptic.reveal.extract import PD
from holoptic.reveal.model import ATTRIBUTION, HolderView
from holoptic.reveal.report import report_document
from holoptic.reveal.trackers import package_dump
from tests.conftest import shared_path

IG_ZIP = ("fixtures", "instagram", "whatif_IG_public_test_file.zip")
HAR = ("fixtures", "har", "pagexray_aftonbladet.se.har")
ADS = "whatif_IG_public_test_file.zip/ads_information/instagram_ads_and_businesses/"
OFF_META = (
    "whatif_IG_public_test_file.zip/apps_and_websites_off_of_instagram/apps_and_websites/"
    "your_activity_off_meta_technologies.json"
)


def holders(services: Services, member_id: str) -> dict[str, HolderView]:
    return {h.slug: h for h in services.reveal.report(member_id).holders}


def test_the_instagram_exports_advertisers_and_who_passed_data_to_meta(services: Services) -> None:
    member = services.vault.add_member("Iris")
    assert services.imports.run(member.id, [shared_path(*IG_ZIP)]).ok
    found = holders(services, member.id)
    audiences = ADS + "advertisers_using_your_activity_or_information.json"
    for slug, name, types in (
        ("bla", "bla", "data_file, remarketing"),
        ("test", "test", "data_file, remarketing"),
        ("bsc", "BSc", "remarketing"),
    ):
        advertiser = found[slug]
        assert (advertiser.name, advertiser.kind, advertiser.purposes) == (
            name,
            "advertiser",
            ("advertising",),
        )
        (evidence,) = advertiser.evidence
        assert (evidence.file_name, evidence.kind, evidence.details) == (
            audiences,
            "ads.custom_audience",
            (types,),
        )
    assert PD + "Contact" in found["bla"].categories  # it uploaded a list with the member
    assert PD + "Contact" not in found["bsc"].categories

    vinted = found["vinted-buy-and-sell-clothes"]
    assert (vinted.name, vinted.count) == ("Vinted - Buy and sell clothes", 3)
    assert {e.file_name for e in vinted.evidence} == {OFF_META}
    assert vinted.first_seen == datetime(1970, 7, 17, 15, 23, 40, tzinfo=UTC)
    assert vinted.last_seen == datetime(1975, 6, 1, 6, 17, 40, tzinfo=UTC)
    assert vinted.activity == ((date(1970, 7, 17), 2), (date(1975, 6, 1), 1))

    meta = found["meta"]
    assert meta.kind == "platform"
    assert meta.received_from == ("bla", "test", "vinted-buy-and-sell-clothes")
    assert {PD + "Interest", PD + "Profile", PD + "BrowsingBehaviour"} <= set(meta.categories)
    details = {d for e in meta.evidence for d in e.details}
    assert {"Work at BSC", "BSC", "BCS", "bla"} <= details
    document = report_document(services.reveal.report(member.id))
    by_slug = {h["slug"]: h for h in document["holders"]}
    assert by_slug["vinted-buy-and-sell-clothes"]["passed_to"] == ["meta"]
    assert by_slug["meta"]["received_from"] == ["bla", "test", "vinted-buy-and-sell-clothes"]


def test_a_page_capture_shows_its_tracker_companies_and_purposes(services: Services) -> None:
    member = services.vault.add_member("Hugo")
    assert services.imports.run(member.id, [shared_path(*HAR)]).ok
    found = holders(services, member.id)
    expected = {  # per WhoTracks.me, for this capture's third-party hosts
        "google": ("platform", ("site_analytics",), "www.google-analytics.com"),
        "appnexus": ("tracker", ("advertising",), "ib.adnxs.com"),
        "mixpanel": ("tracker", ("site_analytics",), "api.mixpanel.com"),
        "hotjar": ("tracker", ("site_analytics",), "static.hotjar.com"),
        "amazon": ("tracker", ("hosting",), "d3k1yiza4eej55.cloudfront.net"),
    }
    for slug, (kind, purposes, host) in expected.items():
        holder = found[slug]
        assert (holder.kind, holder.purposes) == (kind, purposes), slug
        assert holder.evidence[0].file_name == "pagexray_aftonbladet.se.har"
        assert host in holder.evidence[0].details
    assert found["google"].count == 3  # its three requests to google-analytics.com
    assert found["google"].first_seen is not None
    assert found["google"].first_seen.date() == date(2015, 8, 29)
    assert not any("aftonbladet" in slug for slug in found)  # the site itself, and its CDN


def test_the_report_document_and_reference_versions(services: Services) -> None:
    member = services.vault.add_member("Iris")
    services.imports.run(member.id, [shared_path(*IG_ZIP)])
    document = report_document(services.reveal.report(member.id))
    assert document["reference"] == {
        "whotracksme": package_dump().version,
        "datenanfragen": None,
        "attribution": ATTRIBUTION,
    }
    assert "CC BY 4.0" in ATTRIBUTION
    first = document["holders"][0]
    assert {"slug", "name", "kind", "categories", "purposes", "first_seen", "last_seen"} <= set(
        first
    )
    assert {"count", "evidence", "received_from", "contact", "match", "activity"} <= set(first)
    assert first["contact"] is None  # no directory loaded


def test_an_empty_vault_has_no_holders_and_a_report_stores_nothing(services: Services) -> None:
    member = services.vault.add_member("Nobody")
    assert services.reveal.report(member.id).holders == ()
    services.imports.run(member.id, [shared_path(*IG_ZIP)])
    before = _row_counts(services)
    services.reveal.report(member.id)
    assert _row_counts(services) == before  # nothing about the member's holders is written


def _row_counts(services: Services) -> dict[str, int]:
    with services.engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in metadata.sorted_tables
        }
