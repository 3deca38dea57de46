"""An editor builds a segment and a variant for it in the admin, then previews the home page as a
visitor in that segment and asks why the hero shows what it shows."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Browser, Page, expect

from personalization.models import Question, Segment, Variant
from tests.factories import UserFactory

DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "correct-horse-battery"  # what UserFactory sets
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1"
)
SEGMENT = "Cat people in Japan on mobile"
HEADLINE = "Autumn cats on the go"


@pytest.fixture
def editor(transactional_db):
    """An editor who signs in with a password."""
    user = UserFactory(email="editor@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def condition_row(page: Page, index: int) -> dict:
    """One row of the conditions table. Tabular inline cells have no labels of their own, so
    the row's controls are found by their form names."""
    return {
        name: page.locator(f'[name="conditions-{index}-{name}"]')
        for name in ("fact", "operator", "value")
    }


def choose_fact(page: Page, index: int, fact: str) -> dict:
    row = condition_row(page, index)
    row["fact"].select_option(fact)
    return row


def test_an_editor_targets_cat_people_in_japan_on_phones_and_previews_it(
    browser: Browser, live_server, editor
):
    # The pet question makes answer.pet a fact editors can pick, with its choices.
    Question.objects.create(
        key="pet",
        prompt="Dog, cat or another friend?",
        kind="single",
        choices=[{"value": "dog", "label_en": "Dog"}, {"value": "cat", "label_en": "Cat"}],
    )
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    page = context.new_page()

    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("E-mail address").fill(editor.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    # The segment, one condition per row; the value widget follows the fact through htmx.
    page.goto(f"{live_server.url}/admin/personalization/segment/add/")
    page.get_by_label("Name:", exact=True).fill(SEGMENT)
    page.get_by_label("Slug").fill("cat-people-japan-mobile")

    country = choose_fact(page, 0, "country")
    expect(country["value"].get_by_role("option", name="Japan", exact=True)).to_have_count(1)
    expect(country["operator"]).to_have_value("eq")
    country["value"].select_option(label="Japan")

    page.get_by_role("button", name="Add another Condition").click()
    device = choose_fact(page, 1, "device")
    expect(device["value"].get_by_role("option", name="phone", exact=True)).to_have_count(1)
    device["value"].select_option(label="phone")

    page.get_by_role("button", name="Add another Condition").click()
    answer = choose_fact(page, 2, "answer.pet")
    # The plain box of an empty row becomes the question's choices.
    expect(answer["value"].get_by_role("option", name="Cat", exact=True)).to_have_count(1)
    expect(answer["operator"]).to_have_value("eq")
    answer["value"].select_option(label="Cat")

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(f"The segment “{SEGMENT}” was added successfully.")).to_be_visible()
    segment = Segment.objects.get(name=SEGMENT)
    assert [(c.fact, c.operator, c.value) for c in segment.conditions.all()] == [
        ("country", "eq", "JP"),
        ("device", "eq", "mobile"),
        ("answer.pet", "eq", "cat"),
    ]

    # The variant that segment sees in the home page hero.
    page.goto(f"{live_server.url}/admin/personalization/variant/add/")
    page.get_by_label("Slot").select_option(label="Home page hero")
    page.get_by_label("Internal name").fill("Autumn cats, phones")
    page.get_by_label("Headline [en]").fill(HEADLINE)
    page.get_by_label("Segment").select_option(label=SEGMENT)
    page.get_by_label("Priority").fill("1")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()
    assert Variant.objects.get(headline=HEADLINE).segment == segment

    # A phone in Japan that never answered the pet question is not in the segment.
    visitor = browser.new_context(
        user_agent=IPHONE,
        viewport={"width": 390, "height": 844},
        extra_http_headers={"Accept-Language": "ja-JP"},
    )
    visitor_page = visitor.new_page()
    visitor_page.goto(live_server.url)
    expect(visitor_page.locator("#slot-home-hero")).to_be_visible()
    expect(visitor_page.get_by_role("heading", name=HEADLINE)).to_have_count(0)
    visitor.close()

    # The editor previews the site as a cat person on a phone in Japan.
    page.goto(f"{live_server.url}/preview/")
    page.get_by_label("Place").select_option(label="All of Japan")
    page.get_by_label("Device", exact=True).select_option(label="phone")
    page.get_by_label("Answer: pet").select_option(label="Cat")
    page.get_by_role("button", name="Start preview").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("region", name="Preview")).to_contain_text(
        "you are viewing the site as a visitor in Japan on a phone."
    )
    hero = page.get_by_role("region", name=HEADLINE)
    expect(hero.get_by_role("heading", name=HEADLINE)).to_be_visible()

    hero.get_by_role("link", name="Why am I seeing this?").click()
    popover = hero.locator(".why-popover")
    expect(popover).to_contain_text(f"You see this because you are in the group “{SEGMENT}”")
    expect(popover.get_by_role("listitem")).to_have_text(
        ["Country is Japan", "Device is phone", "Your answer to “pet” is Cat"]
    )
    expect(page).to_have_url(re.compile(r"/$"))  # htmx: the popover opened in place
    context.close()
