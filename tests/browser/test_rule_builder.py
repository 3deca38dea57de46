"""On a phone, an editor builds "in Hokkaido, on a phone" with checkboxes, reads the rule as a
sentence while building it, saves it and previews the shop as a visitor in it: the place, the
regional offer and the segment's variant."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Browser, expect

from personalization.models import REGION_SETS, RegionSet, Segment, Slot, Variant
from shop.offers.applicator import offers_changed
from shop.offers.models import Offer, OfferKind
from tests.browser.conftest import no_sideways_scrolling
from tests.factories import UserFactory

PHONE = {"width": 360, "height": 800}
PASSWORD = "correct-horse-battery"  # what UserFactory sets
SEGMENT = "Phones in Hokkaido"
HEADLINE = "Snow tyres for paws"


@pytest.fixture
def editor(transactional_db):
    user = UserFactory(email="editor@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def rural_free_shipping(transactional_db):
    """Free shipping for rural Japan (Hokkaido among it); every worker told."""
    rural = RegionSet.objects.create(
        name="Rural Japan", slug="rural-japan", country="JP", regions=["JP-01"], is_rural=True
    )
    offer = Offer.objects.create(
        name="Free shipping to rural Japan over ¥3,000",
        kind=OfferKind.FREE_SHIPPING,
        value=Decimal(0),
        min_subtotal=Decimal(3000),
    )
    offer.region_sets.set([rural])
    REGION_SETS.bump()
    offers_changed()
    yield
    REGION_SETS.bump()
    offers_changed()


def test_an_editor_builds_a_rule_on_a_phone_and_previews_it(
    browser: Browser, live_server, editor, rural_free_shipping
):
    context = browser.new_context(viewport=PHONE, locale="en-GB", has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("E-mail address").fill(editor.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    page.goto(f"{live_server.url}/admin/personalization/segment/add/")
    page.get_by_label("Name:", exact=True).fill(SEGMENT)
    page.get_by_label("Slug").fill("phones-in-hokkaido")
    sentence = page.locator("#rule-sentence")
    expect(sentence).to_contain_text("Everyone (no conditions yet)")

    # A long list: narrowed with its filter box, then ticked with a thumb.
    first = page.locator("#conditions-0")
    first.get_by_label("Fact", exact=True).select_option("region")
    regions = first.get_by_role("group", name="Values")
    regions.get_by_role("searchbox", name="Filter the choices").fill("hokk")
    hokkaido = regions.get_by_role("checkbox", name="Hokkaido (Japan)")
    expect(regions.get_by_role("checkbox", name="Okinawa (Japan)")).to_be_hidden()
    hokkaido.check()
    expect(sentence).to_contain_text("Visitors in Hokkaido")

    page.get_by_role("button", name="Add another Condition").click()
    second = page.locator("#conditions-1")
    second.get_by_label("Fact", exact=True).select_option("device")
    second.get_by_role("group", name="Values").get_by_role("checkbox", name="phone").check()
    expect(sentence).to_contain_text("Visitors in Hokkaido, on a phone")

    # The rows stack: nothing on the page needs scrolling sideways.
    assert no_sideways_scrolling(page)
    fact_box = first.get_by_label("Fact", exact=True).bounding_box()
    assert fact_box is not None and fact_box["x"] + fact_box["width"] <= PHONE["width"]

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(f"The segment “{SEGMENT}” was added successfully.")).to_be_visible()
    segment = Segment.objects.get(name=SEGMENT)
    assert [(c.fact, c.operator, c.value) for c in segment.conditions.all()] == [
        ("region", "eq", "JP-01"),
        ("device", "eq", "mobile"),
    ]
    # The list reads each rule as a sentence too.
    expect(page.get_by_text("Visitors in Hokkaido, on a phone")).to_be_visible()

    Variant.objects.create(
        slot=Slot.objects.get(key="home-hero"),
        name="Hokkaido phones",
        headline=HEADLINE,
        segment=segment,
        priority=1,
    )
    page.get_by_role("row", name=re.compile(SEGMENT)).get_by_role("link", name="Preview").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("region", name="Preview")).to_contain_text(
        f"Previewing as: {SEGMENT} — Hokkaido, Japan · rural · phone"
    )
    expect(page.get_by_role("banner")).to_contain_text("Delivering to: Hokkaido, Japan")
    expect(page.get_by_role("main")).to_contain_text("Free shipping to rural Japan over ¥3,000")
    expect(page.get_by_role("heading", name=HEADLINE)).to_be_visible()
    context.close()
