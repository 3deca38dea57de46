"""The visitor's clock: their time zone from where they are, and their local hour, day, part of
the day and season at a fixed moment."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest

from personalization.conf import app_settings
from personalization.visitor import Source, resolve_visitor

pytestmark = pytest.mark.django_db

# Wednesday 15 January 2025, 03:30 UTC: 12:30 in Tokyo, 03:30 in London, 11:30 in Perth.
NOW = datetime.datetime(2025, 1, 15, 3, 30, tzinfo=datetime.UTC)
EDGE = "10.0.0.2"


@pytest.fixture
def trusted_edge(settings):
    """Requests from EDGE come through our CDN, whose location headers are believed."""
    settings.PERSONALIZATION_TRUSTED_PROXIES = ["10.0.0.0/8"]


def test_a_visitor_in_japan_is_on_tokyo_time(visitor_request):
    visitor = resolve_visitor(
        request=visitor_request(headers={"Accept-Language": "ja-JP"}), now=NOW
    )
    assert visitor["country"] == "JP"
    assert visitor["timezone"] == "Asia/Tokyo"
    assert visitor.source("timezone") == Source.DERIVED


def test_a_visitor_who_chose_western_australia_is_on_perth_time(
    visitor_request, region_cookie_value
):
    request = visitor_request(cookies={app_settings.REGION_COOKIE: region_cookie_value("AU-WA")})
    visitor = resolve_visitor(request=request, now=NOW)
    assert visitor["timezone"] == "Australia/Perth"


def test_a_visitor_in_britain_is_on_london_time(visitor_request):
    visitor = resolve_visitor(
        request=visitor_request(headers={"Accept-Language": "en-GB"}), now=NOW
    )
    assert visitor["country"] == "GB"
    assert visitor["timezone"] == "Europe/London"


def test_a_visitor_in_australia_without_a_state_is_on_the_most_populous_zone(visitor_request):
    # zone.tab lists Australia's zones east to west, Lord Howe Island (382 people) first.
    visitor = resolve_visitor(
        request=visitor_request(headers={"Accept-Language": "en-AU"}), now=NOW
    )
    assert visitor["country"] == "AU"
    assert visitor["timezone"] == "Australia/Sydney"


def test_a_place_with_no_time_zone_of_its_own_gets_the_default(visitor_request, trusted_edge):
    # Bouvet Island is a country code without any zone in the tz database.
    request = visitor_request(REMOTE_ADDR=EDGE, headers={"CloudFront-Viewer-Country": "BV"})
    visitor = resolve_visitor(request=request, now=NOW)
    assert visitor["country"] == "BV"
    assert visitor["timezone"] == app_settings.DEFAULT_TIME_ZONE
    assert visitor.source("timezone") == Source.DEFAULT


def test_the_cdn_time_zone_wins_over_the_country_zone(visitor_request, trusted_edge):
    headers = {"CloudFront-Viewer-Country": "US", "CloudFront-Viewer-Time-Zone": "America/Denver"}
    visitor = resolve_visitor(request=visitor_request(REMOTE_ADDR=EDGE, headers=headers), now=NOW)
    assert visitor["timezone"] == "America/Denver"
    assert visitor.source("timezone") == Source.CDN


def test_a_cdn_time_zone_that_does_not_exist_falls_back_to_the_country_zone(
    visitor_request, trusted_edge
):
    headers = {"CloudFront-Viewer-Country": "GB", "CloudFront-Viewer-Time-Zone": "Mars/Olympus"}
    visitor = resolve_visitor(request=visitor_request(REMOTE_ADDR=EDGE, headers=headers), now=NOW)
    assert visitor["timezone"] == "Europe/London"


def test_the_local_hour_day_and_part_of_day_are_the_visitors_own():
    visitor = resolve_visitor(overrides={"country": "JP"}, now=NOW)
    assert visitor["local_time"] == NOW.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert visitor["local_date"] == datetime.date(2025, 1, 15)
    assert (visitor["local_hour"], visitor["weekday"], visitor["part_of_day"]) == (
        12,
        "wednesday",
        "afternoon",
    )


def test_it_is_already_tomorrow_in_tokyo_while_still_today_in_london(visitor_request):
    evening_utc = datetime.datetime(2025, 1, 15, 20, 0, tzinfo=datetime.UTC)
    tokyo = resolve_visitor(
        request=visitor_request(headers={"Accept-Language": "ja-JP"}), now=evening_utc
    )
    london = resolve_visitor(
        request=visitor_request(headers={"Accept-Language": "en-GB"}), now=evening_utc
    )
    assert (tokyo["weekday"], tokyo["local_hour"], tokyo["part_of_day"]) == (
        "thursday",
        5,
        "morning",
    )
    assert (london["weekday"], london["local_hour"], london["part_of_day"]) == (
        "wednesday",
        20,
        "evening",
    )


@pytest.mark.parametrize(
    ("hour", "part"),
    [
        (4, "night"),
        (5, "morning"),
        (11, "morning"),
        (12, "afternoon"),
        (16, "afternoon"),
        (17, "evening"),
        (21, "evening"),
        (22, "night"),
        (0, "night"),
    ],
)
def test_the_part_of_day_follows_the_local_hour(hour, part):
    now = datetime.datetime(2025, 1, 15, hour, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert resolve_visitor(overrides={"country": "JP"}, now=now)["part_of_day"] == part


def test_january_is_winter_in_japan(visitor_request):
    visitor = resolve_visitor(
        request=visitor_request(headers={"Accept-Language": "ja-JP"}), now=NOW
    )
    assert visitor["season"] == "winter"


def test_january_is_summer_in_australia(visitor_request):
    visitor = resolve_visitor(
        request=visitor_request(headers={"Accept-Language": "en-AU"}), now=NOW
    )
    assert visitor["season"] == "summer"


def test_july_is_winter_in_australia(visitor_request):
    july = datetime.datetime(2025, 7, 15, 3, 30, tzinfo=datetime.UTC)
    visitor = resolve_visitor(
        request=visitor_request(headers={"Accept-Language": "en-AU"}), now=july
    )
    assert visitor["season"] == "winter"


def test_a_southern_latitude_from_the_cdn_makes_january_summer(visitor_request, trusted_edge):
    # The Falkland Islands are not on the list of southern countries: the latitude decides.
    headers = {
        "CloudFront-Viewer-Country": "FK",
        "CloudFront-Viewer-Latitude": "-51.69",
        "CloudFront-Viewer-Longitude": "-57.86",
    }
    visitor = resolve_visitor(request=visitor_request(REMOTE_ADDR=EDGE, headers=headers), now=NOW)
    assert visitor["latitude"] == pytest.approx(-51.69)
    assert visitor["season"] == "summer"


def test_a_northern_latitude_wins_over_a_southern_country(visitor_request, trusted_edge):
    # Boa Vista, Brazil, is north of the equator.
    headers = {
        "CloudFront-Viewer-Country": "BR",
        "CloudFront-Viewer-Latitude": "2.82",
        "CloudFront-Viewer-Longitude": "-60.67",
    }
    visitor = resolve_visitor(request=visitor_request(REMOTE_ADDR=EDGE, headers=headers), now=NOW)
    assert visitor["season"] == "winter"


def test_the_preview_local_hour_moves_the_part_of_day():
    visitor = resolve_visitor(overrides={"country": "JP", "local_hour": 20}, now=NOW)
    assert visitor["local_hour"] == 20
    assert visitor.source("local_hour") == Source.PREVIEW
    assert visitor["part_of_day"] == "evening"
    assert visitor["weekday"] == "wednesday"
