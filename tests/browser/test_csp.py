"""The Content-Security-Policy refuses nothing the shop itself serves: a shopper walks the main
pages with htmx at work, staff use the admin's htmx widgets — and the console stays clean. (The
`csp_violations` fixture in conftest.py watches every browser test the same way.)"""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Browser, expect

from personalization.slots import content_changed
from shop.orders.models import Order
from tests.factories import CategoryFactory, ProductFactory, StoreFactory, UserFactory

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def catalog(transactional_db):
    summer = CategoryFactory(name="Summer cooling", slug="summer-cooling")
    ProductFactory(
        name="Cooling gel mat",
        slug="cooling-gel-mat",
        price=Decimal(2980),
        stock=4,
        category=summer,
    )
    StoreFactory()
    content_changed()


def test_a_shopper_walks_the_shop_and_the_policy_refuses_nothing(
    browser: Browser, live_server, catalog, csp_violations
):
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    page = context.new_page()
    visited = []

    def visit(path: str) -> None:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.ok, path
        assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
        visited.append(path)

    visit("/")
    page.get_by_role("button", name="Accept all").click()
    expect(page.get_by_role("heading", name="May we remember you?")).to_be_hidden()
    # htmx: the popover that says why the hero is there opens in place.
    page.get_by_role("link", name="Why am I seeing this?").first.click()
    expect(page.locator(".why-popover").first).to_be_visible()

    visit("/products/")
    visit("/p/cooling-gel-mat/")
    page.get_by_role("button", name="Add to basket Cooling gel mat", exact=True).click()
    expect(page.locator("#mini-basket")).to_contain_text("1 item")

    visit("/basket/")
    page.get_by_label("Quantity of Cooling gel mat").fill("2")
    page.get_by_role("button", name="Update").click()
    expect(page.locator("#mini-basket")).to_contain_text("2 items")

    visit("/checkout/")
    page.get_by_label("E-mail").fill("aiko@example.com")
    page.get_by_label("Full name").fill("Aiko Tanaka")
    page.get_by_label("Prefecture, state or region").select_option("JP-13")
    page.get_by_label("Postal code").fill("1000001")
    page.get_by_label("City").fill("Chiyoda")
    page.get_by_label("Street address").fill("1-1 Chiyoda")
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry (MM/YY)").fill("12/39")
    page.get_by_label("Security code").fill("123")
    page.get_by_role("button", name="Place order and pay").click()
    expect(page.get_by_role("heading", name="Thank you! Your order is placed.")).to_be_visible()
    assert Order.objects.count() == 1

    for path in (
        "/search/?q=cooling",
        "/offers/",
        "/stores/",
        "/region/",
        "/why/",
        "/privacy/",
        "/privacy/erase/",
        "/orders/find/",
        "/accounts/login/",
        "/accounts/signup/",
    ):
        visit(path)
    context.close()
    assert csp_violations == [], visited


def test_staff_use_the_admin_and_its_htmx_widget_under_the_policy(
    browser: Browser, live_server, catalog, csp_violations
):
    UserFactory(email="admin@example.com", is_staff=True, is_superuser=True)
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("E-mail address").fill("admin@example.com")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    page.goto(f"{live_server.url}/admin/personalization/segment/add/")
    page.locator('[name="conditions-0-fact"]').select_option("country")
    values = page.locator("#conditions-0").get_by_role("group", name="Values")
    expect(values.get_by_role("checkbox", name="Japan", exact=True)).to_have_count(1)
    page.get_by_role("button", name="Add another Condition").click()
    page.locator('[name="conditions-1-fact"]').select_option("device")
    expect(
        page.locator("#conditions-1")
        .get_by_role("group", name="Values")
        .get_by_role("checkbox", name="phone")
    ).to_have_count(1)

    for path in (
        "/admin/offers/offer/",
        "/admin/offers/offer/add/",
        "/admin/offers/offer/preview/",
        "/admin/orders/order/",
        "/admin/checkout/payment/",
        "/admin/catalog/product/add/",
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.ok, path
    context.close()
    assert csp_violations == []


def test_the_watch_sees_what_the_policy_refuses(
    browser: Browser, live_server, transactional_db, csp_violations
):
    """The watch itself: an inline style and an inline script are refused and reported."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{live_server.url}/stores/")
    with page.expect_console_message(lambda message: "style-src" in message.text):
        page.evaluate(
            """() => {
                const style = document.createElement("style");
                style.textContent = "body { color: red }";
                document.head.append(style);
            }"""
        )
    with page.expect_console_message(lambda message: "script-src" in message.text):
        page.evaluate(
            """() => {
                const script = document.createElement("script");
                script.textContent = "window.ran = true";
                document.head.append(script);
            }"""
        )
    assert page.evaluate("() => window.ran") is None
    context.close()
    directives = " ".join(csp_violations)
    assert "style-src" in directives
    assert "script-src" in directives
    csp_violations.clear()  # seen on purpose: the fixture must not fail this test
