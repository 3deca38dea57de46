"""A new shopper finds a product, fills the basket and checks out — with and without JavaScript."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, expect

from shop.checkout.models import TestPaymentIntent
from shop.orders.models import Order, OrderStatus
from tests.factories import CategoryFactory, ProductFactory


@pytest.fixture
def catalog(transactional_db):
    summer = CategoryFactory(name="Summer cooling", slug="summer-cooling")
    ProductFactory(
        name="Cooling gel mat",
        slug="cooling-gel-mat",
        description="Keeps dogs cool on hot days.",
        price=Decimal(2980),
        stock=4,
        category=summer,
    )
    ProductFactory(name="Heated bed", slug="heated-bed", category=summer, stock=2)


def check_out(page, *, card: str, region: str, postal_code: str) -> None:
    """Fill the checkout form as a shopper in Japan would, and place the order."""
    page.get_by_label("E-mail").fill("aiko@example.com")
    page.get_by_label("Full name").fill("Aiko Tanaka")
    page.get_by_label("Prefecture, state or region").select_option(region)
    page.get_by_label("Postal code").fill(postal_code)
    page.get_by_label("City").fill("Sapporo")
    page.get_by_label("Street address").fill("Kita 1 Nishi 2")
    page.get_by_label("Card number").fill(card)
    page.get_by_label("Expiry (MM/YY)").fill("12/39")
    page.get_by_label("Security code").fill("123")
    page.get_by_role("button", name="Place order and pay").click()


def test_a_new_shopper_searches_buys_and_follows_the_order(
    browser: Browser, live_server, catalog, viewport
):
    context = browser.new_context(viewport=viewport, locale="en-GB")
    page = context.new_page()
    page.goto(live_server.url)

    searchbox = page.get_by_role("searchbox", name="Search products")
    if viewport["width"] < 640:
        # A phone's header is one row: the search form waits behind its icon.
        expect(searchbox).to_be_hidden()
        page.get_by_role("link", name="Search products").click()
    searchbox.fill("cooling")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", name="Results for “cooling”")).to_be_visible()
    page.get_by_role("link", name="Cooling gel mat").first.click()
    expect(page.get_by_role("heading", name="Cooling gel mat")).to_be_visible()

    # With JavaScript, htmx updates the header's basket without leaving the page.
    url = page.url
    page.get_by_label("Quantity", exact=True).fill("2")
    page.get_by_role("button", name="Add to basket Cooling gel mat", exact=True).click()
    expect(page.locator("#mini-basket")).to_contain_text("2 items")
    expect(page.get_by_role("status").first).to_contain_text("is in your basket")
    assert page.url == url

    page.locator("#mini-basket").click()
    expect(page.get_by_role("heading", name="Your basket")).to_be_visible()
    page.get_by_role("link", name="Go to checkout").click()

    check_out(page, card="4242 4242 4242 4242", region="JP-01", postal_code="060-0001")

    expect(page.get_by_role("heading", name="Thank you! Your order is placed.")).to_be_visible()
    timeline = page.get_by_role("list").filter(has_text="Delivered")
    expect(timeline).to_contain_text("Paid")
    expect(page.locator("[aria-current=step]")).to_contain_text("Paid")
    order = Order.objects.get()
    assert order.total == Decimal(5960)
    expect(page.get_by_role("heading", name=f"Order {order.number}")).to_be_visible()
    context.close()


def test_a_declined_card_keeps_the_basket(browser: Browser, live_server, catalog):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/p/heated-bed/")
    page.get_by_role("button", name="Add to basket Heated bed", exact=True).click()
    expect(page.locator("#mini-basket")).to_contain_text("1 item")
    page.goto(f"{live_server.url}/checkout/")
    check_out(page, card="4000 0000 0000 0002", region="JP-13", postal_code="1000001")
    expect(page.get_by_role("alert")).to_contain_text("Your card was declined")
    expect(page.locator("#mini-basket")).to_contain_text("1 item")
    # The card is asked again, never shown again; the order written before paying is cancelled.
    expect(page.get_by_label("Card number")).to_have_value("")
    expect(page.get_by_label("Security code")).to_have_value("")
    assert Order.objects.get().status == OrderStatus.CANCELLED
    assert not TestPaymentIntent.objects.filter(status="captured").exists()
    context.close()


def test_the_basket_works_with_javascript_off(browser: Browser, live_server, catalog, viewport):
    context = browser.new_context(viewport=viewport, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/p/cooling-gel-mat/")
    page.get_by_role("button", name="Add to basket Cooling gel mat", exact=True).click()
    # Without htmx the form posts and the server redirects back with a message.
    expect(page).to_have_url(re.compile(r"/p/cooling-gel-mat/$"))
    expect(page.locator("#mini-basket")).to_contain_text("1 item")

    page.goto(f"{live_server.url}/basket/")
    page.get_by_label("Quantity of Cooling gel mat").fill("3")
    page.get_by_role("button", name="Update").click()
    expect(page.get_by_role("status").first).to_contain_text("Your basket was updated.")
    expect(page.locator("#mini-basket")).to_contain_text("3 items")

    page.get_by_role("button", name="Remove Cooling gel mat").click()
    expect(page.get_by_text("Your basket is empty.")).to_be_visible()
    context.close()
