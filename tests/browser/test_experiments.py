"""An editor starts an experiment on the home hero; two visitors get different arms and keep
them; one orders; the report counts the order in that visitor's arm."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.http import HttpResponse
from playwright.sync_api import Browser, BrowserContext, Page, expect

from personalization.conf import app_settings
from personalization.experiments.buffer import event_buffer
from personalization.experiments.services import events_drain
from personalization.identity import SALT as VISITOR_ID_SALT
from personalization.models import Slot, Variant
from shop.orders.models import Order
from tests.browser.test_shopping import check_out
from tests.factories import ProductFactory, UserFactory
from tests.personalization.experiments.conftest import HERO_DEFAULT, visitor_with_arm

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 780}
PASSWORD = "correct-horse-battery"  # what UserFactory sets
HERO_B = "Order by 3 pm, at your door tomorrow"


@pytest.fixture
def editor(transactional_db):
    """An editor (the Editors group runs experiments on slot content) with a test variant for
    the home hero, switched off so that only the experiment shows it."""
    from importlib import import_module

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    # The browser tests' flush empties what data migrations made; grant the experiments too.
    state_apps = MigrationLoader(connection).project_state().apps
    import_module("accounts.migrations.0007_experiments").grant(state_apps, None)
    Variant.objects.create(
        slot=Slot.objects.get(key="home-hero"), name="Next-day delivery", headline=HERO_B,
        priority=500, is_active=False,
    )  # fmt: skip
    ProductFactory(name="Cooling gel mat", slug="cooling-gel-mat", price=Decimal(2980), stock=5)
    user = UserFactory(email="editor@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def signed(name: str, value: str, salt: str) -> str:
    response = HttpResponse()
    response.set_signed_cookie(name, value, salt=salt)
    return response.cookies[name].value


def visitor_context(browser: Browser, live_server, visitor_id: str) -> BrowserContext:
    """A browser that carries this first-party visitor id and accepts the consent banner."""
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    value = signed(app_settings.VISITOR_ID_COOKIE, visitor_id, VISITOR_ID_SALT)
    context.add_cookies(
        [{"name": app_settings.VISITOR_ID_COOKIE, "value": value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(live_server.url)
    page.get_by_role("button", name="Accept all").click()
    expect(page.get_by_role("button", name="Accept all")).to_have_count(0)
    return context


def hero(page: Page):
    return page.locator("#slot-home-hero")


def sign_in(page: Page, live_server, user) -> None:
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def test_an_editor_runs_a_hero_test_and_the_report_counts_an_order_in_its_arm(
    browser: Browser, live_server, editor
):
    event_buffer().pop(10**7)
    staff = browser.new_context(viewport=DESKTOP, locale="en-GB")
    admin = staff.new_page()
    sign_in(admin, live_server, editor)

    # The experiment: the control shows what the rules show, arm B the new hero.
    admin.goto(f"{live_server.url}/admin/experiments/experiment/add/")
    admin.get_by_label("Name:", exact=True).fill("Hero: next-day delivery")
    admin.get_by_label("Name:", exact=True).press("Tab")  # the key is filled from the name
    admin.get_by_label("Key:").fill("hero-next-day")
    expect(admin.get_by_label("Key:")).to_have_value("hero-next-day")
    admin.get_by_label("Slot:").select_option(label="Home page hero")
    for index, (key, name) in enumerate([("control", "Control"), ("b", "Arm B")]):
        admin.locator(f'[name="arms-{index}-key"]').fill(key)
        admin.locator(f'[name="arms-{index}-name"]').fill(name)
    admin.locator('[name="arms-0-is_control"]').check()
    admin.locator('[name="arms-1-variant"]').select_option(label="Next-day delivery")
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("was added successfully")

    admin.get_by_role("checkbox", name="Select this object for an action").first.check()
    admin.get_by_label("Action:").select_option(label="Start the selected experiments")
    admin.get_by_role("button", name="Go").click()
    expect(admin.locator(".messagelist")).to_contain_text("is running")

    # Two visitors whose ids the experiment's hash puts in different arms.
    shoppers = {
        arm: visitor_context(browser, live_server, visitor_with_arm("hero-next-day", arm))
        for arm in ("control", "b")
    }
    pages = {arm: context.pages[0] for arm, context in shoppers.items()}
    for _reload in range(2):
        for page in pages.values():
            page.reload()
        expect(hero(pages["control"])).to_contain_text(HERO_DEFAULT)
        expect(hero(pages["b"])).to_contain_text(HERO_B)

    # Arm B's visitor buys; the batch writer moves the buffered events into the database.
    shop = pages["b"]
    shop.goto(f"{live_server.url}/p/cooling-gel-mat/")
    shop.get_by_role("button", name="Add to basket Cooling gel mat", exact=True).click()
    expect(shop.locator("#mini-basket")).to_contain_text("1 item")
    shop.goto(f"{live_server.url}/checkout/")
    check_out(shop, card="4242 4242 4242 4242", region="JP-13", postal_code="1000001")
    expect(shop.get_by_role("heading", name="Thank you! Your order is placed.")).to_be_visible()
    assert events_drain() > 0

    # The report, from the experiment's page.
    admin.get_by_role("link", name="Hero: next-day delivery").click()
    admin.get_by_role("link", name="Report").click()
    expect(admin.get_by_role("heading", name="Report: Hero: next-day delivery")).to_be_visible()
    total = f"¥{Order.objects.get().total:,.0f}"
    arms = admin.locator("table").filter(has_text="Revenue per visitor").first
    # Arm, weight, visitors, exposures, conversions, rate, orders, revenue, per visitor.
    arm_b = rf"^Arm B 1 1 \d+ 1 100\.00 % 1 {total} {total}$"
    expect(arms.get_by_role("row", name=re.compile(arm_b))).to_be_visible()
    control = r"^Control \(control\) 1 1 \d+ 0 0\.00 % 0 ¥0 ¥0$"
    expect(arms.get_by_role("row", name=re.compile(control))).to_be_visible()
    expect(
        admin.get_by_role("img", name="Conversion rate per arm, cumulative by day")
    ).to_be_visible()

    # On a phone the charts scale down to the screen.
    phone = staff.browser.new_context(
        viewport=PHONE, locale="en-GB", storage_state=staff.storage_state()
    )
    small = phone.new_page()
    small.goto(admin.url)
    chart = small.get_by_role("img", name="Conversion rate per arm, cumulative by day")
    expect(chart).to_be_visible()
    assert chart.bounding_box()["width"] <= PHONE["width"]
    for context in (*shoppers.values(), staff, phone):
        context.close()
