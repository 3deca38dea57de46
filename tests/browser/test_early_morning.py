"""5 a.m. on a phone: the home page asks "Is it urgent?" before anything else it suggests; yes
leads to the emergency steps and a partner vet's number to tap, no puts the question away."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import PHONE, no_sideways_scrolling
from tests.factories import StoreFactory

PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)


def zone_where_it_is_early_morning() -> str:
    """A fixed-offset zone (Etc/GMT±N) where it is now 5 a.m. (4 a.m. in the last minutes of
    an hour, so the page and the test agree on the hour), as a CDN would report it."""
    now = datetime.datetime.now(datetime.UTC)
    wanted = 5 if now.minute < 55 else 4
    offset = (wanted - now.hour) % 24
    if offset > 14:
        offset -= 24
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"  # Etc/GMT-9 is UTC+9


@pytest.fixture
def night_vet(transactional_db, settings):
    settings.PERSONALIZATION_TRUSTED_PROXIES = ["127.0.0.1/32"]
    settings.PERSONALIZATION_GEO_HEADERS = {"country": "X-Geo-Country", "timezone": "X-Geo-Tz"}
    return StoreFactory(
        name="Kobe Night Animal Clinic", country="JP", region="JP-28", phone="078-555-0199",
        is_vet_partner=True, opens_at="00:00", closes_at="23:59",
    )  # fmt: skip


def phone_at_dawn(browser: Browser):
    return browser.new_context(
        viewport=PHONE,
        user_agent=PHONE_UA,
        locale="en-GB",
        extra_http_headers={"X-Geo-Country": "JP", "X-Geo-Tz": zone_where_it_is_early_morning()},
    )


def test_at_five_in_the_morning_a_phone_is_asked_whether_it_is_urgent(
    browser: Browser, live_server, night_vet
):
    context = phone_at_dawn(browser)
    page = context.new_page()
    page.goto(live_server.url)
    page.get_by_role("button", name="Essential only").click()

    question = page.get_by_role("region", name="Is it urgent?")
    expect(question).to_be_visible()
    expect(question).to_contain_text("Nearest partner vet open now: Kobe Night Animal Clinic")
    call = question.get_by_role("link", name="Call Kobe Night Animal Clinic")
    expect(call).to_have_attribute("href", "tel:0785550199")
    assert no_sideways_scrolling(page)

    question.get_by_role("link", name="Yes, help me now").click()
    expect(page.get_by_role("heading", name="Emergency pet care", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="If your pet is unwell right now")).to_be_visible()
    vet = page.get_by_role("listitem").filter(has_text="Kobe Night Animal Clinic")
    expect(vet.get_by_role("link", name="078-555-0199")).to_have_attribute(
        "href", "tel:078-555-0199"
    )
    context.close()


def test_no_puts_the_question_away_without_a_page_load_and_it_stays_away(
    browser: Browser, live_server, night_vet
):
    context = phone_at_dawn(browser)
    page = context.new_page()
    page.goto(live_server.url)
    page.get_by_role("button", name="Essential only").click()
    question = page.get_by_role("region", name="Is it urgent?")
    question.get_by_role("link", name="Why am I seeing this?").click()
    expect(question).to_contain_text("a.m. where you are and you are on a phone")
    question.get_by_role("button", name="Close").click()
    expect(question).not_to_contain_text("a.m. where you are")

    question.get_by_role("button", name="No, just browsing").click()
    expect(page.get_by_role("region", name="Is it urgent?")).to_have_count(0)
    page.reload()
    expect(page.get_by_role("heading", name="Is it urgent?")).to_have_count(0)
    context.close()
