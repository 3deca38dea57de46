"""A shopper in rural Hokkaido gets free shipping; moving the delivery to Tokyo takes it away."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, expect

from personalization.models import REGION_SETS, RegionSet
from shop.offers.applicator import offers_changed
from shop.offers.models import Offer, OfferKind
from tests.factories import ProductFactory

DESKTOP = {"width": 1280, "height": 900}


def _snapshots_bump() -> None:
    REGION_SETS.bump()
    offers_changed()


@pytest.fixture
def rural_free_shipping(transactional_db):
    """Free shipping over ¥3,000 for rural Japan, and a ¥3,500 product; every worker told."""
    _snapshots_bump()
    rural = RegionSet.objects.create(
        name="Rural Japan", slug="rural-japan", country="JP", regions=["JP-01"], is_rural=True
    )
    offer = Offer.objects.create(
        name="Free shipping to rural Japan",
        kind=OfferKind.FREE_SHIPPING,
        value=Decimal(0),
        min_subtotal=Decimal(3000),
    )
    offer.region_sets.set([rural])
    ProductFactory(name="Hay feeder", slug="hay-feeder", price=Decimal(3500), stock=5)
    _snapshots_bump()
    yield
    _snapshots_bump()


def test_free_shipping_follows_the_delivery_region(
    browser: Browser, live_server, rural_free_shipping
):
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    page = context.new_page()
    header = page.get_by_role("banner")
    main = page.get_by_role("main")

    page.goto(f"{live_server.url}/region/")
    page.get_by_label("Deliver to").select_option(label="Hokkaido")
    page.get_by_role("button", name="Save").click()
    expect(header).to_contain_text("Delivering to: Hokkaido, Japan")

    page.goto(f"{live_server.url}/p/hay-feeder/")
    page.get_by_role("button", name="Add to basket Hay feeder", exact=True).click()
    expect(page.locator("#mini-basket")).to_contain_text("1 item")
    page.goto(f"{live_server.url}/basket/")
    expect(page.get_by_role("heading", name="Your basket")).to_be_visible()
    expect(main).to_contain_text("Free shipping to rural Japan")
    expect(main).to_contain_text(re.compile(r"Shipping\s*Free"))
    expect(main).to_contain_text(re.compile(r"Total\s*¥3,500"))

    header.get_by_role("link", name="change delivery region").click()
    page.get_by_label("Deliver to").select_option(label="Tokyo")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/basket/$"))
    expect(header).to_contain_text("Delivering to: Tokyo, Japan")
    expect(main).to_contain_text(re.compile(r"Shipping\s*¥600"))
    expect(main).not_to_contain_text("Free shipping to rural Japan")
    expect(main).to_contain_text(re.compile(r"Total\s*¥4,100"))
    expect(page.get_by_text("Add ¥1,500 more for free shipping.")).to_be_visible()
    context.close()
