"""Scenario 12: a guest asks about her order at night, is told at once who will answer and
when; the agent answers from the inbox beside her order; the answer appears on her page
without a reload."""

from __future__ import annotations

import datetime
import re
import zoneinfo
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Browser, expect

from shop.orders.models import Order, OrderEvent, OrderStatus
from shop.support.models import SavedReply, Shift
from tests.factories import UserFactory

DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "correct-horse-battery"


@pytest.fixture
def night(transactional_db, settings):
    """Ken works only on a day after tomorrow (Tokyo time), so the team is closed now."""
    settings.SHOP_SUPPORT_POLL_SECONDS = 1
    ken = UserFactory(email="ken@example.com", first_name="Ken", is_staff=True)
    ken.groups.add(Group.objects.get(name="Support"))
    tokyo_today = timezone.now().astimezone(zoneinfo.ZoneInfo("Asia/Tokyo")).date()
    Shift.objects.create(
        agent=ken,
        weekday=(tokyo_today + datetime.timedelta(days=2)).weekday(),
        starts=datetime.time(9),
        ends=datetime.time(18),
    )
    order = Order.objects.create(
        email="aiko@example.com", name="Aiko Tanaka", country="JP", region="JP-13",
        postal_code="1000001", city="Chiyoda", address="1-1", shipping_method="standard",
        shipping_price=Decimal(0), subtotal=Decimal(3000), total=Decimal(3000), currency="JPY",
        status=OrderStatus.SHIPPED, tracking_number="JP123", idempotency_key="browser-1",
    )  # fmt: skip
    OrderEvent.objects.create(order=order, status=OrderStatus.PLACED)
    SavedReply.objects.create(
        title_en="On its way",
        body_en="Good morning {name}, order {order_number} left yesterday.",
        body_ja="{name}様、ご注文{order_number}は昨日発送しました。",
    )
    return ken, order


def test_a_guest_asks_at_night_and_sees_the_answer_without_reloading(
    browser: Browser, live_server, night
):
    ken, order = night
    shopper = browser.new_context(viewport=DESKTOP, locale="en-GB").new_page()
    shopper.goto(f"{live_server.url}/orders/find/")
    shopper.get_by_label("Order number").fill(order.number)
    shopper.get_by_label("E-mail used for the order").fill(order.email)
    shopper.get_by_role("button", name="Show my order").click()
    expect(shopper.get_by_role("heading", name=f"Order {order.number}")).to_be_visible()

    shopper.get_by_role("link", name="Ask about this order").click()
    expect(shopper.get_by_role("heading", name=f"Ask about order {order.number}")).to_be_visible()
    shopper.get_by_label("Your name").fill("Aiko")
    shopper.get_by_label("Your e-mail").fill("aiko@example.com")
    shopper.get_by_label("Your message").fill("Has my parcel left yet?")
    shopper.get_by_role("button", name="Send").click()

    thread = shopper.locator("#support-thread")
    expect(thread).to_contain_text("Has my parcel left yet?")
    expect(thread).to_contain_text("We're closed")
    expect(thread).to_contain_text(re.compile(r"Ken will answer by \d\d:\d\d your time"))
    shopper_url = shopper.url  # the order page: the conversation came in place, no new page

    staff = browser.new_context(viewport=DESKTOP, locale="en-GB").new_page()
    staff.goto(f"{live_server.url}/admin/login/?next=/support/inbox/")
    staff.get_by_label("E-mail address").fill(ken.email)
    staff.get_by_label("Password").fill(PASSWORD)
    staff.get_by_role("button", name="Log in").click()
    expect(staff.get_by_role("heading", name="Support inbox")).to_be_visible()
    staff.get_by_role("link", name="Aiko").click()
    customer = staff.locator(".support-customer")
    expect(customer).to_contain_text(order.number)
    expect(customer).to_contain_text("Shipped")
    staff.get_by_label("Saved reply").select_option(label="On its way")
    staff.get_by_role("button", name="Use this reply").click()
    reply = staff.get_by_role("textbox", name="Reply")
    expect(reply).to_have_value(f"Good morning Aiko, order {order.number} left yesterday.")
    reply.fill("Good morning Aiko, it left yesterday: tracking JP123.")
    staff.get_by_role("button", name="Send reply").click()
    expect(staff.locator(".support-thread")).to_contain_text("tracking JP123")

    expect(thread).to_contain_text("it left yesterday: tracking JP123.")
    assert shopper.url == shopper_url


def test_without_javascript_a_guest_asks_from_the_footer_and_reads_the_promise(
    browser: Browser, live_server, night
):
    page = browser.new_context(
        viewport={"width": 360, "height": 780}, java_script_enabled=False
    ).new_page()
    page.goto(live_server.url)
    page.get_by_role("button", name="Essential only").click()  # the sheet over the footer
    page.get_by_role("link", name="Ask us").click()
    expect(page.get_by_role("heading", name="Ask us")).to_be_visible()
    page.get_by_label("Your name").fill("Aiko")
    page.get_by_label("Your e-mail").fill("aiko@example.com")
    page.get_by_label("Your message").fill("Do you sell cat trees?")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Your question")).to_be_visible()
    expect(page.locator("#support-thread")).to_contain_text("Do you sell cat trees?")
    expect(page.locator("#support-thread")).to_contain_text("Ken will answer by")
    page.get_by_label("Your message").fill("And scratching posts?")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#support-thread")).to_contain_text("And scratching posts?")
