"""A customer reads a journey's message on a phone and a desktop, with and without JavaScript."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, expect

from shop.journeys.models import Contact
from shop.journeys.services import journeys_run
from tests.factories import ProductFactory
from tests.shop.journeys.conftest import NOON_TOKYO, customer, make_journey, paid_order


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_customer_reads_a_message_follows_it_and_stops_marketing_e_mails(
    browser: Browser, live_server, transactional_db, viewport, javascript
):
    user = customer(time_zone="Asia/Tokyo")
    make_journey(steps=[{"subject_en": "Care tips for {product}", "cta_en": "See your order"}])
    order = paid_order(user, product=ProductFactory(name="Cooling gel mat"))
    journeys_run(now=NOON_TOKYO)
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()

    page.goto(f"{live_server.url}/accounts/profile/")
    page.get_by_role("link", name="1 unread message").click()
    expect(page.get_by_role("heading", name="Messages")).to_be_visible()
    page.get_by_role("link", name=re.compile("Care tips for Cooling gel mat")).click()
    expect(page.get_by_role("heading", name="Care tips for Cooling gel mat")).to_be_visible()
    page.get_by_role("link", name="See your order").click()
    expect(page).to_have_url(re.compile(rf"/orders/{order.number}/$"))

    page.goto(f"{live_server.url}/accounts/messages/")
    expect(page.get_by_text("0 unread messages")).to_be_visible()
    page.get_by_label(re.compile("Also e-mail me tips")).uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("We will not e-mail you")
    assert Contact.objects.get(user=user).marketing_email is False
    context.close()
