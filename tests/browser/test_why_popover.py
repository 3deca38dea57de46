"""On a phone, "Why am I seeing this?" is a small button in the block's corner whose answer opens
over the block and closes again, without leaving the page."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.browser.conftest import PHONE


def test_the_why_button_opens_the_explanation_over_the_block_and_closes_it(
    browser: Browser, live_server
):
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    page = context.new_page()
    page.goto(live_server.url)
    page.get_by_role("button", name="Essential only").click()

    hero = page.locator("#slot-home-hero")
    why = hero.get_by_role("link", name="Why am I seeing this?")
    # A corner button, not a line of text under the block.
    box, block = why.bounding_box(), hero.bounding_box()
    assert box["width"] <= 48 and box["y"] - block["y"] < 16
    why.click()
    explanation = hero.locator(".why-popover")
    expect(explanation).to_contain_text("nothing about you changed it")
    assert page.url.rstrip("/") == live_server.url  # still on the page

    explanation.get_by_role("button", name="Close").click()
    expect(explanation).to_be_hidden()
    context.close()
