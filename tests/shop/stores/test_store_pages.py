"""The stores and emergency pages put what is near the visitor first, and only what can help."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import StoreFactory
from tests.pages import page_text

pytestmark = pytest.mark.django_db

GEO = {
    "country": "X-Geo-Country",
    "region": "X-Geo-Region",
    "latitude": "X-Geo-Lat",
    "longitude": "X-Geo-Lon",
}


@pytest.fixture(autouse=True)
def _behind_our_cdn(settings):
    settings.PERSONALIZATION_TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.PERSONALIZATION_GEO_HEADERS = GEO


def visit(client, name: str, *, country: str, region: str = "", at=None) -> str:
    headers = {"X-Geo-Country": country}
    if region:
        headers["X-Geo-Region"] = region
    if at:
        headers["X-Geo-Lat"], headers["X-Geo-Lon"] = (str(c) for c in at)
    response = client.get(reverse(name), headers=headers, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 200
    return page_text(response)


@pytest.fixture
def stores():
    def store(name, country, region, city, latitude, longitude, zone, vet=False):
        return StoreFactory(
            name=name, country=country, region=region, city=city,
            latitude=Decimal(latitude), longitude=Decimal(longitude), time_zone=zone,
            is_vet_partner=vet,
        )  # fmt: skip

    return [
        store("Sydney Harbour", "AU", "AU-NSW", "Sydney", "-33.87", "151.21", "Australia/Sydney",
              vet=True),
        store("Osaka Umeda", "JP", "JP-27", "Osaka", "34.70", "135.50", "Asia/Tokyo", vet=True),
        store("Tokyo Shibuya", "JP", "JP-13", "Tokyo", "35.66", "139.70", "Asia/Tokyo"),
        store("Sapporo Odori", "JP", "JP-01", "Sapporo", "43.06", "141.35", "Asia/Tokyo",
              vet=True),
    ]  # fmt: skip


def order_in(text: str, names: list[str]) -> list[str]:
    return sorted(names, key=text.index)


def test_a_visitor_in_tokyo_sees_the_nearest_stores_first_with_their_distance(client, stores):
    text = visit(client, "stores:list", country="JP", region="13", at=(35.68, 139.76))
    names = [s.name for s in stores]
    assert order_in(text, names) == ["Tokyo Shibuya", "Osaka Umeda", "Sapporo Odori",
                                     "Sydney Harbour"]  # fmt: skip
    assert "6 km from you" in text  # Tokyo Station to Shibuya


def test_without_coordinates_the_visitors_region_comes_first_then_their_country(client, stores):
    text = visit(client, "stores:list", country="JP", region="01")
    assert order_in(text, [s.name for s in stores])[:1] == ["Sapporo Odori"]
    assert text.index("Sydney Harbour") > text.index("Tokyo Shibuya")
    assert "km from you" not in text


def test_the_emergency_page_lists_only_partner_vets_in_the_visitors_country(client, stores):
    text = visit(client, "stores:emergency", country="JP", region="27", at=(34.69, 135.19))
    assert "Partner vets in Japan" in text
    assert order_in(text, ["Osaka Umeda", "Sapporo Odori"]) == ["Osaka Umeda", "Sapporo Odori"]
    assert "Sydney Harbour" not in text
    assert "Tokyo Shibuya" not in text  # a store without a vet is no help here


def test_a_californian_is_told_plainly_that_there_is_no_partner_vet_near_them(client, stores):
    text = visit(client, "stores:emergency", country="US", region="CA", at=(37.77, -122.42))
    assert "We have no partner vet in United States" in text
    assert "emergency animal hospital that is open now" in text
    for store in stores:
        assert store.name not in text


def test_a_page_showing_hours_leaves_the_shared_answer_as_it_was(rf):
    from django.middleware.csrf import get_token
    from django.template import Context, Template

    from personalization.visitor import resolve_visitor
    from shop.stores.templatetags.stores_tags import hours_decided

    store = StoreFactory()
    store.refresh_from_db()  # its hours as times
    request = rf.get("/")
    request.visitor = resolve_visitor(request=request)
    template = Template("{% load stores_tags %}{% store_hours store %}")
    html = template.render(Context({"request": request, "store": store, "csrf_token": "x"}))
    assert store.city in html
    answer = hours_decided(
        request, store.opens_at.isoformat(), store.closes_at.isoformat(), store.time_zone,
        store.city,
    )  # fmt: skip
    # No visitor's token (nor the request it belongs to) is kept with an answer others get.
    assert "csrf_token" not in answer
    assert get_token(request) not in str(answer)


@pytest.mark.parametrize(("month", "opens_in_tokyo"), [(1, "19:00"), (7, "18:00")])
def test_hours_in_the_visitors_time_follow_the_visitors_moment(rf, month, opens_in_tokyo):
    """A London store opens at 10:00, in Tokyo at 19:00 in winter and 18:00 in summer time:
    on the date of the visitor's request, whatever day the server thinks it is (the answer is
    shared for that moment's minute)."""
    import datetime

    from personalization.visitor import resolve_visitor
    from shop.stores.templatetags.stores_tags import hours_decided

    request = rf.get("/")
    moment = datetime.datetime(2026, month, 15, 3, 0, tzinfo=datetime.UTC)
    request.visitor = resolve_visitor(overrides={"timezone": "Asia/Tokyo"}, now=moment)
    answer = hours_decided(request, "10:00:00", "18:00:00", "Europe/London", "London")
    assert (answer["opens"], answer["local"]["opens"]) == ("10:00", opens_in_tokyo)
