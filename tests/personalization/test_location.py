"""Where the visitor is: chosen region > trusted CDN header > GeoIP > Accept-Language > default."""

from __future__ import annotations

import datetime
import logging
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse

from personalization.conf import app_settings
from personalization.resolvers.location import region_store
from personalization.visitor import Source, Visitor, resolve_visitor

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 5, 1, 3, 0, tzinfo=datetime.UTC)
MAXMIND = Path(__file__).resolve().parents[1] / "data" / "maxmind"
CITY_DB = str(MAXMIND / "GeoIP2-City-Test.mmdb")
PROXY = "10.0.0.2"
# In MaxMind's test databases (see tests/data/maxmind/LICENSE.md); fake places, not real ones.
LONDON = "81.2.69.142"
LINKOPING = "89.160.20.112"
JAPAN_V6 = "2001:218::1"
NOT_IN_TEST_DB = "8.8.8.8"
PLACE_FACTS = ("country", "region", "city", "latitude", "longitude", "postal_code")


@pytest.fixture(autouse=True)
def _location_settings(settings):
    settings.PERSONALIZATION_TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.PERSONALIZATION_GEOIP_PATH = ""
    settings.PERSONALIZATION_GEO_HEADERS = {}
    # Not Japan, so that a default answer never looks like a Japanese header or cookie.
    settings.PERSONALIZATION_DEFAULT_COUNTRY = "AU"


def chosen_cookie(place: str, postal_code: str = "") -> str:
    """The region cookie's value as the region picker sets it."""
    response = HttpResponse()
    region_store(response, place=place, postal_code=postal_code)
    return response.cookies[app_settings.REGION_COOKIE].value


def visitor_for(
    rf,
    *,
    remote: str = PROXY,
    forwarded: str | None = None,
    headers: dict[str, str] | None = None,
    region_cookie: str | None = None,
) -> Visitor:
    headers = dict(headers or {})
    if forwarded is not None:
        headers["X-Forwarded-For"] = forwarded
    request = rf.get("/", REMOTE_ADDR=remote, headers=headers)
    request.user = AnonymousUser()
    if region_cookie is not None:
        request.COOKIES[app_settings.REGION_COOKIE] = region_cookie
    return resolve_visitor(request=request, now=NOW)


def place(visitor: Visitor) -> dict:
    return {name: visitor[name] for name in PLACE_FACTS}


def place_sources(visitor: Visitor) -> set[Source | None]:
    return {visitor.source(name) for name in PLACE_FACTS}


def assert_no_warnings(caplog) -> None:
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


# Precedence: every source present, then the most trusted one taken away each time.

EVERY_SOURCE = {
    "forwarded": LINKOPING,
    "headers": {"CloudFront-Viewer-Country": "GB", "Accept-Language": "en-US,en;q=0.9"},
}


@pytest.fixture
def _geoip_city(settings):
    settings.PERSONALIZATION_GEOIP_PATH = CITY_DB


@pytest.mark.usefixtures("_geoip_city")
def test_a_chosen_region_beats_the_cdn_header(rf):
    visitor = visitor_for(rf, **EVERY_SOURCE, region_cookie=chosen_cookie("JP-13"))
    assert (visitor.country, visitor.region) == ("JP", "JP-13")
    assert visitor.source("country") == Source.CHOSEN


@pytest.mark.usefixtures("_geoip_city")
def test_the_cdn_header_beats_geoip(rf):
    visitor = visitor_for(rf, **EVERY_SOURCE)
    assert visitor.country == "GB"
    assert visitor.source("country") == Source.CDN


@pytest.mark.usefixtures("_geoip_city")
def test_geoip_beats_accept_language(rf):
    visitor = visitor_for(rf, forwarded=LINKOPING, headers={"Accept-Language": "en-US"})
    assert visitor.country == "SE"
    assert visitor.source("country") == Source.GEOIP


@pytest.mark.usefixtures("_geoip_city")
def test_accept_language_beats_the_default(rf):
    visitor = visitor_for(rf, headers={"Accept-Language": "en-US"})
    assert visitor.country == "US"
    assert visitor.source("country") == Source.ACCEPT_LANGUAGE


@pytest.mark.usefixtures("_geoip_city")
def test_the_default_answers_when_nothing_else_does(rf):
    visitor = visitor_for(rf)
    assert place(visitor) == dict.fromkeys(PLACE_FACTS) | {"country": "AU"}
    assert place_sources(visitor) == {Source.DEFAULT}


def test_without_a_request_the_default_place_is_used():
    visitor = resolve_visitor(now=NOW)
    assert visitor.country == "AU"
    assert visitor.source("country") == Source.DEFAULT


@pytest.mark.usefixtures("_geoip_city")
def test_the_winning_source_gives_all_place_facts_none_mixed_in(rf):
    headers = {
        "CloudFront-Viewer-Country": "JP",
        "CloudFront-Viewer-City": "Osaka",
        "CloudFront-Viewer-Latitude": "34.69",
        "CloudFront-Viewer-Longitude": "135.50",
        "CloudFront-Viewer-Time-Zone": "Asia/Tokyo",
    }
    visitor = visitor_for(rf, headers=headers, region_cookie=chosen_cookie("JP-13"))
    assert place(visitor) == dict.fromkeys(PLACE_FACTS) | {"country": "JP", "region": "JP-13"}
    assert place_sources(visitor) == {Source.CHOSEN}
    assert visitor.source("timezone") == Source.DERIVED


# The visitor's own choice.


def test_a_chosen_region_with_a_postal_code_keeps_the_postal_code(rf):
    visitor = visitor_for(rf, region_cookie=chosen_cookie("JP-13", postal_code="100-1234"))
    assert visitor["postal_code"] == "100-1234"
    assert visitor.source("postal_code") == Source.CHOSEN


def test_a_chosen_whole_country_with_a_postal_code_keeps_the_postal_code(rf):
    # The region picker accepts "All of Japan" with a postal code.
    visitor = visitor_for(rf, region_cookie=chosen_cookie("JP", postal_code="100-1234"))
    assert (visitor.country, visitor["region"]) == ("JP", None)
    assert visitor["postal_code"] == "100-1234"
    assert visitor.source("postal_code") == Source.CHOSEN


def test_a_chosen_country_without_regions_is_used(rf):
    visitor = visitor_for(rf, region_cookie=chosen_cookie("FR"))
    assert (visitor.country, visitor["region"]) == ("FR", None)
    assert visitor.source("country") == Source.CHOSEN


def test_a_tampered_region_cookie_is_ignored(rf, caplog):
    tampered = chosen_cookie("JP-13").replace("JP-13", "JP-47", 1)
    visitor = visitor_for(rf, region_cookie=tampered)
    assert visitor.country == "AU"
    assert visitor.source("country") == Source.DEFAULT
    assert_no_warnings(caplog)


def test_an_unsigned_region_cookie_is_ignored(rf, caplog):
    visitor = visitor_for(rf, region_cookie="JP-13")
    assert visitor.source("country") == Source.DEFAULT
    assert_no_warnings(caplog)


@pytest.mark.parametrize("code", ["JP-99", "US-13", "XX", "XX-01", "JPN", "jp-13", " "])
def test_a_signed_cookie_with_an_unknown_place_is_ignored(rf, caplog, code):
    visitor = visitor_for(
        rf, headers={"Accept-Language": "ja-JP"}, region_cookie=chosen_cookie(code)
    )
    assert visitor.country == "JP"
    assert visitor.source("country") == Source.ACCEPT_LANGUAGE
    assert_no_warnings(caplog)


# CDN headers, believed only from a trusted proxy.


def test_cloudfront_headers_give_the_whole_place(rf):
    headers = {
        "CloudFront-Viewer-Country": "JP",
        "CloudFront-Viewer-Country-Region": "13",
        "CloudFront-Viewer-City": "Ch%C5%AB%C5%8D%20City",
        "CloudFront-Viewer-Latitude": "35.66",
        "CloudFront-Viewer-Longitude": "139.77",
        "CloudFront-Viewer-Time-Zone": "Asia/Tokyo",
    }
    visitor = visitor_for(rf, forwarded="203.0.113.9", headers=headers)
    assert place(visitor) == {
        "country": "JP",
        "region": "JP-13",
        "city": "Chūō City",
        "latitude": 35.66,
        "longitude": 139.77,
        "postal_code": None,
    }
    assert visitor["timezone"] == "Asia/Tokyo"
    assert place_sources(visitor) | {visitor.source("timezone")} == {Source.CDN}


def test_cloudflare_country_header_gives_the_country(rf):
    visitor = visitor_for(rf, headers={"CF-IPCountry": "GB", "CF-Region-Code": "ENG"})
    assert (visitor.country, visitor.region) == ("GB", "GB-ENG")
    assert visitor.source("country") == Source.CDN


def test_vercel_headers_give_the_whole_place(rf):
    headers = {
        "X-Vercel-IP-Country": "US",
        "X-Vercel-IP-Country-Region": "CA",
        "X-Vercel-IP-City": "San%20Francisco",
        "X-Vercel-IP-Latitude": "37.7749",
        "X-Vercel-IP-Longitude": "-122.4194",
        "X-Vercel-IP-Timezone": "America/Los_Angeles",
    }
    visitor = visitor_for(rf, headers=headers)
    assert place(visitor) == {
        "country": "US",
        "region": "US-CA",
        "city": "San Francisco",
        "latitude": 37.7749,
        "longitude": -122.4194,
        "postal_code": None,
    }
    assert visitor["timezone"] == "America/Los_Angeles"
    assert visitor.source("country") == Source.CDN


def test_a_lowercase_cdn_country_is_accepted(rf):
    visitor = visitor_for(rf, headers={"CloudFront-Viewer-Country": "jp"})
    assert visitor.country == "JP"
    assert visitor.source("country") == Source.CDN


def test_a_full_region_code_in_the_cdn_header_is_accepted(rf):
    headers = {"CloudFront-Viewer-Country": "JP", "CloudFront-Viewer-Country-Region": "JP-27"}
    assert visitor_for(rf, headers=headers).region == "JP-27"


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"CloudFront-Viewer-Country": "US"}, id="cloudfront"),
        pytest.param({"CF-IPCountry": "US"}, id="cloudflare"),
        pytest.param({"X-Vercel-IP-Country": "US"}, id="vercel"),
    ],
)
@pytest.mark.usefixtures("_geoip_city")
def test_a_cdn_header_from_an_untrusted_address_changes_nothing(rf, headers):
    plain = visitor_for(rf, remote=LONDON)
    spoofed = visitor_for(rf, remote=LONDON, headers=headers)
    assert dict(spoofed.facts) == dict(plain.facts)
    assert (spoofed.country, spoofed.source("country")) == ("GB", Source.GEOIP)


def test_a_cdn_header_is_ignored_without_trusted_proxies(rf, settings):
    settings.PERSONALIZATION_TRUSTED_PROXIES = []
    visitor = visitor_for(rf, headers={"CF-IPCountry": "US"})
    assert visitor.source("country") == Source.DEFAULT


def test_custom_geo_header_names_are_read(rf, settings):
    settings.PERSONALIZATION_GEO_HEADERS = {
        "country": "X-Geo-Country",
        "region": "X-Geo-Region",
        "city": "X-Geo-City",
        "latitude": "X-Geo-Lat",
        "longitude": "X-Geo-Lon",
        "timezone": "X-Geo-Tz",
    }
    headers = {
        "X-Geo-Country": "GB",
        "X-Geo-Region": "SCT",
        "X-Geo-City": "Inverness",
        "X-Geo-Lat": "57.48",
        "X-Geo-Lon": "-4.22",
        "X-Geo-Tz": "Europe/London",
    }
    visitor = visitor_for(rf, headers=headers)
    assert place(visitor) == {
        "country": "GB",
        "region": "GB-SCT",
        "city": "Inverness",
        "latitude": 57.48,
        "longitude": -4.22,
        "postal_code": None,
    }
    assert visitor["timezone"] == "Europe/London"
    assert visitor.source("country") == Source.CDN


def test_a_custom_country_header_alone_is_enough(rf, settings):
    settings.PERSONALIZATION_GEO_HEADERS = {"country": "X-Country-Code"}
    visitor = visitor_for(rf, headers={"X-Country-Code": "KR"})
    assert (visitor.country, visitor["region"]) == ("KR", None)
    assert visitor.source("country") == Source.CDN


def test_a_custom_geo_header_from_an_untrusted_address_is_ignored(rf, settings):
    settings.PERSONALIZATION_GEO_HEADERS = {"country": "X-Country-Code"}
    visitor = visitor_for(rf, remote="198.51.100.7", headers={"X-Country-Code": "KR"})
    assert visitor.source("country") == Source.DEFAULT


# Bad values from outside: dropped, never trusted, never an exception.


@pytest.mark.parametrize(
    "country",
    ["J" * 300, "J\x00P", "XX", "T1", "JPN", "", "日本", "<script>"],
    ids=["oversized", "nul-byte", "unknown", "tor", "three-letters", "empty", "non-ascii", "html"],
)
def test_a_bad_cdn_country_falls_through_to_the_next_source(rf, caplog, country):
    headers = {"CF-IPCountry": country, "Accept-Language": "ja-JP"}
    visitor = visitor_for(rf, headers=headers)
    assert visitor.country == "JP"
    assert visitor.source("country") == Source.ACCEPT_LANGUAGE
    assert_no_warnings(caplog)


@pytest.mark.parametrize(
    "region",
    ["US-CA", "1" * 300, "13; DROP", "<b>", "JP-", "\x00"],
    ids=["other-country", "oversized", "injection", "html", "dangling-dash", "nul-byte"],
)
def test_a_bad_cdn_region_is_dropped_and_the_country_kept(rf, caplog, region):
    headers = {"CloudFront-Viewer-Country": "JP", "CloudFront-Viewer-Country-Region": region}
    visitor = visitor_for(rf, headers=headers)
    assert (visitor.country, visitor["region"]) == ("JP", None)
    assert visitor.source("country") == Source.CDN
    assert_no_warnings(caplog)


@pytest.mark.parametrize(
    "city",
    ["x" * 300, "%00Tokyo", "Tokyo\x07", "Tokyo%0ASet-Cookie: a=b"],
    ids=["oversized", "nul", "bell", "newline"],
)
def test_a_bad_cdn_city_is_dropped(rf, caplog, city):
    headers = {"CloudFront-Viewer-Country": "JP", "CloudFront-Viewer-City": city}
    visitor = visitor_for(rf, headers=headers)
    assert (visitor.country, visitor["city"]) == ("JP", None)
    assert_no_warnings(caplog)


@pytest.mark.parametrize(
    "zone", ["Mars/Olympus", "../../etc/passwd", "/etc/localtime", "Asia/Tokyo\x00", "x" * 300]
)
def test_a_bad_cdn_time_zone_is_dropped(rf, caplog, zone):
    headers = {"CloudFront-Viewer-Country": "JP", "CloudFront-Viewer-Time-Zone": zone}
    visitor = visitor_for(rf, headers=headers)
    assert visitor["timezone"] == "Asia/Tokyo"  # the country's own zone
    assert visitor.source("timezone") == Source.DERIVED
    assert_no_warnings(caplog)


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [("NaN", "nan"), ("1e999", "-1e999"), ("inf", "-Infinity"), ("91", "181"), ("north", "")],
)
def test_bad_cdn_coordinates_are_dropped(rf, caplog, latitude, longitude):
    headers = {
        "CloudFront-Viewer-Country": "JP",
        "CloudFront-Viewer-Latitude": latitude,
        "CloudFront-Viewer-Longitude": longitude,
    }
    visitor = visitor_for(rf, headers=headers)
    assert (visitor["latitude"], visitor["longitude"]) == (None, None)
    assert visitor.country == "JP"
    assert_no_warnings(caplog)


# GeoIP on the client's address.


@pytest.mark.parametrize("database", ["GeoIP2-City-Test.mmdb", "GeoLite2-City-Test.mmdb"])
def test_a_geoip_city_database_gives_the_whole_place(rf, settings, database):
    settings.PERSONALIZATION_GEOIP_PATH = str(MAXMIND / database)
    visitor = visitor_for(rf, forwarded=LONDON)
    assert place(visitor) == {
        "country": "GB",
        "region": "GB-ENG",
        "city": "London",
        "latitude": 51.5142,
        "longitude": -0.0931,
        "postal_code": None,
    }
    assert visitor["timezone"] == "Europe/London"
    assert place_sources(visitor) | {visitor.source("timezone")} == {Source.GEOIP}


@pytest.mark.parametrize("database", ["GeoIP2-Country-Test.mmdb", "GeoLite2-Country-Test.mmdb"])
def test_a_geoip_country_database_gives_only_the_country(rf, settings, database):
    settings.PERSONALIZATION_GEOIP_PATH = str(MAXMIND / database)
    visitor = visitor_for(rf, forwarded=LONDON)
    assert place(visitor) == dict.fromkeys(PLACE_FACTS) | {"country": "GB"}
    assert visitor.source("country") == Source.GEOIP
    assert visitor.source("timezone") == Source.DERIVED


def test_a_geoip_folder_prefers_the_city_database(rf, settings):
    settings.PERSONALIZATION_GEOIP_PATH = str(MAXMIND)
    visitor = visitor_for(rf, forwarded=LINKOPING)
    assert (visitor.country, visitor.region, visitor["city"]) == ("SE", "SE-E", "Linköping")
    assert visitor.source("city") == Source.GEOIP


@pytest.mark.usefixtures("_geoip_city")
def test_geoip_locates_an_ipv6_client(rf):
    visitor = visitor_for(rf, forwarded=JAPAN_V6)
    assert place(visitor) == {
        "country": "JP",
        "region": None,
        "city": None,
        "latitude": 35.68536,
        "longitude": 139.75309,
        "postal_code": None,
    }
    assert visitor["timezone"] == "Asia/Tokyo"
    assert visitor.source("country") == Source.GEOIP


@pytest.mark.usefixtures("_geoip_city")
def test_an_address_missing_from_the_geoip_database_falls_through(rf, caplog):
    visitor = visitor_for(rf, forwarded=NOT_IN_TEST_DB, headers={"Accept-Language": "ja-JP"})
    assert visitor.country == "JP"
    assert visitor.source("country") == Source.ACCEPT_LANGUAGE
    assert_no_warnings(caplog)


@pytest.mark.parametrize(
    "address",
    ["10.1.2.3", "192.168.1.20", "172.16.0.1", "127.0.0.1", "169.254.10.1", "::1", "fe80::1"],
)
@pytest.mark.usefixtures("_geoip_city")
def test_a_non_public_address_is_not_looked_up(rf, settings, address):
    settings.PERSONALIZATION_TRUSTED_PROXIES = []
    visitor = visitor_for(rf, remote=address, headers={"Accept-Language": "ja-JP"})
    assert visitor["client_ip"] == address
    assert visitor.source("country") == Source.ACCEPT_LANGUAGE


def test_a_missing_geoip_database_falls_back_to_the_bundled_one(rf, settings, tmp_path):
    settings.PERSONALIZATION_GEOIP_PATH = str(tmp_path / "GeoIP2-City.mmdb")
    visitor = visitor_for(rf, forwarded=LONDON)
    assert visitor.country == "GB"
    assert visitor.source("country") == Source.GEOIP


def test_a_corrupt_geoip_database_falls_back_to_the_bundled_one(rf, settings, tmp_path):
    # A truncated download, say: the page must still place the visitor.
    corrupt = tmp_path / "GeoIP2-City.mmdb"
    corrupt.write_bytes(b"not a MaxMind database")
    settings.PERSONALIZATION_GEOIP_PATH = str(corrupt)
    visitor = visitor_for(rf, forwarded=LONDON)
    assert visitor.country == "GB"
    assert visitor.source("country") == Source.GEOIP


def test_without_a_geoip_path_the_bundled_database_gives_the_country(rf):
    visitor = visitor_for(rf, forwarded="8.8.8.8")
    assert place(visitor) == dict.fromkeys(PLACE_FACTS) | {"country": "US"}
    assert visitor.source("country") == Source.GEOIP


def test_without_a_geoip_path_a_non_public_address_is_not_looked_up(rf):
    visitor = visitor_for(rf, forwarded="192.168.1.20")
    assert visitor.source("country") == Source.DEFAULT


# The browser's language.


def test_an_accept_language_region_gives_the_country(rf):
    visitor = visitor_for(rf, headers={"Accept-Language": "ja-JP,ja;q=0.9"})
    assert place(visitor) == dict.fromkeys(PLACE_FACTS) | {"country": "JP"}
    assert place_sources(visitor) == {Source.ACCEPT_LANGUAGE}


def test_an_accept_language_without_a_region_gives_the_default(rf):
    visitor = visitor_for(rf, headers={"Accept-Language": "ja"})
    assert visitor.country == "AU"
    assert visitor.source("country") == Source.DEFAULT


@pytest.mark.parametrize(
    "header",
    ["!!!###", "ja-XX", "zh-Hant-TW;q=abc", ";;;,,,", "x" * 5000, "ja-JP\x00"],
    ids=["punctuation", "unknown-region", "bad-quality", "separators", "oversized", "nul"],
)
def test_a_garbage_accept_language_gives_the_default(rf, caplog, header):
    visitor = visitor_for(rf, headers={"Accept-Language": header})
    assert visitor.country == "AU"
    assert visitor.source("country") == Source.DEFAULT
    assert_no_warnings(caplog)
