"""A phone's first screen shows the shop, not its chrome; no page makes a phone scroll sideways,
not even with long time-zone names."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import PHONE, no_sideways_scrolling
from tests.factories import StoreFactory

LONG_ZONE = "America/Argentina/ComodRivadavia"


def test_the_first_screen_on_a_phone_shows_the_hero_above_a_compact_consent_sheet(
    browser: Browser, live_server
):
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    page = context.new_page()
    page.goto(live_server.url)

    header = page.get_by_role("banner").bounding_box()
    # One row (brand, search icon, account, basket), the menu and the delivery place: a sixth
    # of the screen, where it used to be three rows and a search form.
    assert header is not None and header["height"] <= PHONE["height"] / 6
    expect(page.get_by_role("searchbox", name="Search products")).to_be_hidden()

    sheet = page.get_by_role("region", name="May we remember you?")
    expect(sheet).to_be_visible()
    sheet_box = sheet.bounding_box()
    assert sheet_box is not None
    assert abs(sheet_box["y"] + sheet_box["height"] - PHONE["height"]) <= 2  # at the bottom
    assert sheet_box["height"] <= PHONE["height"] * 0.35

    headline = page.locator("#slot-home-hero h1")
    box = headline.bounding_box()
    assert box is not None and box["y"] + box["height"] <= sheet_box["y"]  # not covered
    context.close()


@pytest.fixture
def argentine_vet(transactional_db, settings):
    settings.PERSONALIZATION_TRUSTED_PROXIES = ["127.0.0.1/32"]
    settings.PERSONALIZATION_GEO_HEADERS = {
        "country": "X-Geo-Country",
        "timezone": "X-Geo-Tz",
    }
    return StoreFactory(
        name="Clínica Veterinaria Comodoro Rivadavia", country="AR", region="AR-U",
        city="Comodoro Rivadavia", address="Avenida Hipólito Yrigoyen 1234, Barrio Centro",
        latitude=Decimal("-45.86"), longitude=Decimal("-67.48"),
        time_zone="America/Argentina/Buenos_Aires", is_vet_partner=True,
    )  # fmt: skip


def test_store_pages_fit_a_phone_with_long_time_zone_names(
    browser: Browser, live_server, argentine_vet
):
    context = browser.new_context(
        viewport=PHONE, extra_http_headers={"X-Geo-Country": "AR", "X-Geo-Tz": LONG_ZONE}
    )
    page = context.new_page()
    for path in ("/stores/", "/stores/emergency/"):
        page.goto(live_server.url + path)
        expect(page.get_by_role("main")).to_contain_text(LONG_ZONE)
        expect(page.get_by_role("main")).to_contain_text(argentine_vet.name)
        assert no_sideways_scrolling(page), path
    context.close()
