"""A visitor tells the shop where to deliver, and sees the header and store hours follow; the
consent banner goes away in place when accepted."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from tests.factories import StoreFactory

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def london_store(transactional_db):
    return StoreFactory(
        name="Storefront Covent Garden",
        country="GB",
        region="GB-ENG",
        city="London",
        postal_code="WC2E 8RF",
        time_zone="Europe/London",
        opens_at="09:00",
        closes_at="17:30",
    )


def hours_in(zone_name: str, store_zone: str = "Europe/London") -> str:
    """Today's 09:00–17:30 in London, as the visitor in `zone_name` reads them."""
    store = zoneinfo.ZoneInfo(store_zone)
    today = timezone.now().astimezone(store).date()
    local = [
        datetime.datetime.combine(today, datetime.time.fromisoformat(at), tzinfo=store)
        .astimezone(zoneinfo.ZoneInfo(zone_name))
        .strftime("%H:%M")
        for at in ("09:00", "17:30")
    ]
    return f"{local[0]}–{local[1]} your time, {zone_name}"


def test_a_visitor_picks_a_region_and_sees_store_hours_follow(
    browser: Browser, live_server, london_store
):
    # A browser that names a language but no country: the shop's default country, Japan.
    context = browser.new_context(viewport=DESKTOP, extra_http_headers={"Accept-Language": "en"})
    page = context.new_page()
    header = page.get_by_role("banner")
    store = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Storefront Covent Garden")
    )

    page.goto(f"{live_server.url}/stores/")
    expect(header).to_contain_text("Delivering to: Japan")
    expect(store).to_contain_text("09:00–17:30 in London")
    expect(store).to_contain_text(hours_in("Asia/Tokyo"))

    page.goto(f"{live_server.url}/region/")
    page.get_by_label("Deliver to").select_option(label="Hokkaido")
    page.get_by_role("button", name="Save").click()
    expect(header).to_contain_text("Delivering to: Hokkaido, Japan")
    expect(page.get_by_role("status").first).to_contain_text("we will show what we deliver there")

    page.goto(f"{live_server.url}/stores/")
    expect(store).to_contain_text(hours_in("Asia/Tokyo"))
    header.get_by_role("link", name="change delivery region").click()
    expect(page.get_by_label("Deliver to")).to_have_value("JP-01")
    page.get_by_label("Deliver to").select_option(label="England")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/stores/$"))
    expect(header).to_contain_text("Delivering to: England, United Kingdom")
    expect(store).to_contain_text("09:00–17:30 in London")
    expect(store).not_to_contain_text("your time")
    context.close()


def test_accepting_the_consent_banner_removes_it_without_a_page_load(
    browser: Browser, live_server, transactional_db
):
    context = browser.new_context(viewport=DESKTOP, extra_http_headers={"Accept-Language": "en"})
    page = context.new_page()
    page.goto(live_server.url)
    banner = page.get_by_role("region", name="May we remember you?")
    expect(banner).to_be_visible()

    page.evaluate("window.storefrontLoaded = 'still the same page'")
    banner.get_by_role("button", name="Accept all").click()
    expect(banner).to_have_count(0)
    assert page.evaluate("window.storefrontLoaded") == "still the same page"

    page.reload()
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    expect(banner).to_have_count(0)
    context.close()
