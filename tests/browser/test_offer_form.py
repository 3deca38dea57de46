"""A merchandiser edits an offer: the form shows the fields the kind uses, the regions come from
a search box and chips, and the preview beside the form follows every change. Without
JavaScript every field shows and "Show prices" opens the preview as a page."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Browser, Page, expect

from shop.offers.models import Offer, OfferKind
from tests.factories import CategoryFactory, ProductFactory, UserFactory

PASSWORD = "correct-horse-battery"  # what UserFactory sets


@pytest.fixture
def merchandiser(transactional_db):
    user = UserFactory(email="merchandiser@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="Merchandisers"))
    return user


@pytest.fixture
def offer(transactional_db) -> Offer:
    food = CategoryFactory(name="Cat food", slug="cat-food")
    ProductFactory(name="Salmon cat food", slug="salmon-cat-food", price=Decimal(2400),
                   category=food)  # fmt: skip
    return Offer.objects.create(name="10% off everything", kind=OfferKind.PERCENT, value=10)


def sign_in(page: Page, live_server, user) -> None:
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def type_into(page: Page, label: str, text: str) -> None:
    """Type as a person does, key by key (the preview listens for keys, not for input)."""
    field = page.get_by_label(label)
    field.fill("")
    field.press_sequentially(text)


def test_a_merchandiser_sees_the_fields_the_kind_uses_picks_hokkaido_and_the_price_follows(
    browser: Browser, live_server, merchandiser, offer, viewport
):
    context = browser.new_context(viewport=viewport, locale="en-GB")
    page = context.new_page()
    sign_in(page, live_server, merchandiser)
    page.goto(f"{live_server.url}/admin/offers/offer/{offer.pk}/change/")

    preview = page.get_by_role("complementary", name="What it does to prices")
    expect(preview).to_contain_text(re.compile(r"Salmon cat food\s*¥2,400 → ¥2,160"))
    expect(page.get_by_label("Value:")).to_be_visible()
    expect(page.get_by_label("Buy:")).to_be_hidden()
    expect(page.get_by_label("Get free:")).to_be_hidden()
    expect(page.get_by_label("Store:")).to_be_hidden()

    page.get_by_label("Kind:").select_option(label="Buy X, get Y free")
    expect(page.get_by_label("Value:")).to_be_hidden()
    expect(page.get_by_label("Buy:")).to_be_visible()
    type_into(page, "Buy:", "2")
    type_into(page, "Get free:", "1")
    expect(preview).to_contain_text("Basket of ¥7,200: −¥2,400")

    page.get_by_label("Kind:").select_option(label="Amount off")
    expect(page.get_by_label("Buy:")).to_be_hidden()
    type_into(page, "Value:", "500")
    expect(preview).to_contain_text(re.compile(r"Salmon cat food\s*¥2,400 → ¥1,900"))

    search = page.get_by_role("searchbox", name="Search regions and region sets")
    search.fill("Hokk")
    expect(page.get_by_label("Okinawa", exact=True)).to_be_hidden()
    page.get_by_label("Hokkaido", exact=True).check()
    chip = page.get_by_role("button", name="Remove Hokkaido")
    expect(chip).to_be_visible()

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    offer.refresh_from_db()
    assert (offer.kind, offer.value, offer.buy_quantity, offer.regions) == (
        OfferKind.FIXED, Decimal(500), 0, ["JP-01"]
    )  # fmt: skip
    context.close()


def test_without_javascript_every_field_shows_and_the_preview_is_a_page(
    browser: Browser, live_server, merchandiser, offer
):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", java_script_enabled=False
    )
    page = context.new_page()
    sign_in(page, live_server, merchandiser)
    page.goto(f"{live_server.url}/admin/offers/offer/{offer.pk}/change/")

    expect(page.get_by_label("Buy:")).to_be_visible()
    expect(page.get_by_label("Store:")).to_be_visible()
    expect(page.get_by_role("searchbox")).to_have_count(0)
    expect(page.get_by_label("Hokkaido", exact=True)).to_be_attached()

    page.get_by_label("Value:").fill("25")
    page.get_by_role("button", name="Show prices").click()
    expect(page.get_by_role("heading", name="What the offer does to prices")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"¥2,400 → ¥1,800"))
    offer.refresh_from_db()
    assert offer.value == Decimal(10)
    context.close()
