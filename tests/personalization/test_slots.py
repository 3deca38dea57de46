"""Slots: which variant a visitor sees, how it renders, what it costs, and how a save reaches
every process."""

from __future__ import annotations

import datetime
import logging
import zoneinfo
from types import MappingProxyType
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kernel import snapshot
from personalization.models import Condition, Segment, SegmentMatch, Slot, Variant
from personalization.rules import condition_clean
from personalization.slots import CONTENT, content_changed, slot_choose
from personalization.visitor import Fact, Source, Visitor
from tests.factories import png_bytes
from tests.pages import page_text

pytestmark = pytest.mark.django_db

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
NOW = datetime.datetime(2025, 10, 15, 12, 0, tzinfo=TOKYO)
SLOT_KEYS = ("basket-notice", "category-banner", "home-hero", "home-strip", "product-aside")
HERO_DEFAULT = "Everything your pet needs, delivered across Japan"


def visitor(facts: dict[str, Any] | None = None, *, now: datetime.datetime = NOW) -> Visitor:
    """A desktop visitor in Japan reading English, with these facts on top."""
    merged = {"country": "JP", "device": "desktop", "language": "en", **(facts or {})}
    return Visitor(
        facts=MappingProxyType(
            {name: Fact(value, Source.REQUEST) for name, value in merged.items()}
        ),
        now=now,
    )


def segment(
    name: str, *conditions: tuple[str, str, Any], match: str = SegmentMatch.ALL, **fields
) -> Segment:
    """A segment with cleaned conditions, announced as the save signal would on commit."""
    created = Segment.objects.create(
        name=name, slug=name.lower().replace(" ", "-"), match=match, **fields
    )
    for position, (fact, operator, value) in enumerate(conditions):
        Condition.objects.create(
            segment=created,
            fact=fact,
            operator=operator,
            value=condition_clean(fact, operator, value),
            position=position,
        )
    content_changed()
    return created


def variant(headline: str, *, slot: str = "home-hero", **fields) -> Variant:
    created = Variant.objects.create(
        slot=Slot.objects.get(key=slot), name=headline, headline=headline, **fields
    )
    content_changed()
    return created


def shown(facts: dict[str, Any] | None = None, *, key: str = "home-hero") -> str:
    """The headline a visitor with these facts sees in a slot."""
    return slot_choose(key, visitor(facts)).variant.headline


# Choosing a variant


def test_everyone_sees_the_default_when_no_variant_fits():
    variant("For Britain", segment=segment("In Britain", ("country", "eq", "GB")), priority=1)
    decision = slot_choose("home-hero", visitor())
    assert decision.variant.is_default
    assert decision.variant.headline == HERO_DEFAULT
    assert decision.segment == ""


def test_an_unknown_slot_has_no_decision():
    assert slot_choose("no-such-slot", visitor()) is None


def test_the_first_matching_variant_by_priority_wins():
    japan = segment("In Japan", ("country", "eq", "JP"))
    variant("Tried second", segment=japan, priority=20)
    variant("Tried first", segment=japan, priority=10)
    variant("Tried last", priority=30)
    assert shown() == "Tried first"


def test_a_variant_whose_segment_does_not_match_is_passed_over():
    variant("For Britain", segment=segment("In Britain", ("country", "eq", "GB")), priority=1)
    variant("For Japan", segment=segment("In Japan", ("country", "eq", "JP")), priority=2)
    assert shown() == "For Japan"
    assert shown({"country": "GB"}) == "For Britain"


def test_equal_priorities_are_tried_in_the_order_they_were_created():
    first = variant("Created first", priority=5)
    second = variant("Created second", priority=5)
    assert first.pk < second.pk
    assert shown() == "Created first"


def test_a_switched_off_variant_is_never_shown():
    variant("Switched off", priority=1, is_active=False)
    assert shown() == HERO_DEFAULT


def test_a_variant_starting_now_is_live():
    variant("Starts now", priority=1, starts_at=NOW)
    assert shown() == "Starts now"


def test_a_variant_starting_later_is_not_live_yet():
    variant("Starts soon", priority=1, starts_at=NOW + datetime.timedelta(seconds=1))
    assert shown() == HERO_DEFAULT


def test_a_variant_ending_now_is_no_longer_live():
    variant("Ends now", priority=1, ends_at=NOW)
    assert shown() == HERO_DEFAULT


def test_a_variant_ending_later_is_still_live():
    variant("Ends soon", priority=1, ends_at=NOW + datetime.timedelta(seconds=1))
    assert shown() == "Ends soon"


def test_a_japanese_variant_is_only_for_visitors_reading_japanese():
    variant("秋の猫", priority=1, language="ja")
    assert shown({"language": "ja"}) == "秋の猫"
    assert shown({"language": "en"}) == HERO_DEFAULT


def test_search_engines_always_get_the_default():
    variant("For everyone", priority=1)
    variant("For bots", segment=segment("Bots", ("device", "eq", "bot")), priority=2)
    assert shown({"device": "bot"}) == HERO_DEFAULT
    assert shown({"device": "desktop"}) == "For everyone"


def test_an_inactive_segment_matches_nobody():
    japan = segment("In Japan", ("country", "eq", "JP"), is_active=False)
    variant("For Japan", segment=japan, priority=1)
    assert shown() == HERO_DEFAULT


def test_a_broken_segment_is_skipped_and_logged(caplog):
    broken = Segment.objects.create(name="Regulars", slug="regulars")
    Condition.objects.create(segment=broken, fact="visits", operator="gte", value="nonsense")
    variant("For regulars", segment=broken, priority=1)
    variant("For everyone", priority=2)
    with caplog.at_level(logging.WARNING, logger="personalization.slots"):
        assert shown({"visits": 12}) == "For everyone"
    assert any(
        record.levelno == logging.WARNING and "Regulars" in record.getMessage()
        for record in caplog.records
    )


def test_a_segment_with_an_unknown_fact_is_skipped_and_logged(caplog):
    broken = Segment.objects.create(name="Shoe size", slug="shoe-size")
    Condition.objects.create(segment=broken, fact="shoe_size", operator="eq", value="42")
    variant("For big feet", segment=broken, priority=1)
    with caplog.at_level(logging.WARNING, logger="personalization.slots"):
        assert shown() == HERO_DEFAULT
    assert "Shoe size" in caplog.text


def test_a_segment_without_conditions_matches_nobody_and_is_logged(caplog):
    empty = Segment.objects.create(name="Nobody yet", slug="nobody-yet")
    variant("For nobody", segment=empty, priority=1)
    with caplog.at_level(logging.WARNING, logger="personalization.slots"):
        assert shown() == HERO_DEFAULT
    assert "Nobody yet" in caplog.text


def test_a_segment_failing_on_a_strange_fact_is_skipped_and_logged(caplog):
    regulars = segment("Regulars", ("visits", "gte", 3))
    variant("For regulars", segment=regulars, priority=1)
    with caplog.at_level(logging.WARNING, logger="personalization.slots"):
        assert shown({"visits": "many"}) == HERO_DEFAULT
    assert "Regulars" in caplog.text


def test_a_segment_matching_any_condition_needs_just_one():
    either = segment(
        "Britain or phones", ("country", "eq", "GB"), ("device", "eq", "mobile"), match="any"
    )
    variant("Either", segment=either, priority=1)
    decision = slot_choose("home-hero", visitor({"device": "mobile"}))
    assert decision.variant.headline == "Either"
    assert decision.reasons == ("Device is phone",)
    assert shown({"device": "desktop"}) == HERO_DEFAULT


def test_a_segment_matching_no_condition_excludes_anyone_meeting_one():
    neither = segment(
        "Not Britain, not phones", ("country", "eq", "GB"), ("device", "eq", "mobile"), match="none"
    )
    variant("Neither", segment=neither, priority=1)
    decision = slot_choose("home-hero", visitor())
    assert decision.variant.headline == "Neither"
    assert decision.segment == "Not Britain, not phones"
    assert shown({"device": "mobile"}) == HERO_DEFAULT
    assert shown({"country": "GB"}) == HERO_DEFAULT


def test_a_segment_matching_all_conditions_needs_every_one():
    both = segment("Phones in Japan", ("country", "eq", "JP"), ("device", "eq", "mobile"))
    variant("Both", segment=both, priority=1)
    decision = slot_choose("home-hero", visitor({"device": "mobile"}))
    assert decision.variant.headline == "Both"
    assert decision.reasons == ("Country is Japan", "Device is phone")
    assert shown({"device": "desktop"}) == HERO_DEFAULT


# The slot on the page


def test_the_home_page_shows_the_variant_of_a_matching_visitor(client):
    japanese = segment("Reads Japanese", ("language", "eq", "ja"))
    variant("Autumn cats", segment=japanese, priority=1)
    japanese_page = client.get("/", HTTP_ACCEPT_LANGUAGE="ja")
    assert "Autumn cats" in page_text(japanese_page)
    assert HERO_DEFAULT not in page_text(japanese_page)
    english_page = page_text(client.get("/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Autumn cats" not in english_page
    assert HERO_DEFAULT in english_page


def test_the_home_page_follows_the_default_country(client, settings):
    variant("For Britain", segment=segment("In Britain", ("country", "eq", "GB")), priority=1)
    assert "For Britain" not in page_text(client.get("/"))
    settings.PERSONALIZATION_DEFAULT_COUNTRY = "GB"
    assert "For Britain" in page_text(client.get("/"))


def test_editors_html_is_sanitized_on_the_page(client):
    variant(
        "Safe",
        priority=1,
        body=(
            '<p><strong>Fresh</strong> food<script>alert("body")</script> '
            '<a href="javascript:alert(1)">click</a> <a href="https://example.com/">ok</a>'
            '<img src=x onerror="alert(2)"></p>'
        ),
    )
    page = client.get("/").content.decode()
    assert "<strong>Fresh</strong> food" in page
    assert "alert(" not in page
    assert "javascript:" not in page
    assert "onerror" not in page
    assert '<a rel="noopener noreferrer">click</a>' in page
    assert 'href="https://example.com/"' in page


def test_the_headline_is_escaped(client):
    variant('<em>Big</em> & "bold" <script>alert(1)</script>', priority=1)
    page = client.get("/").content.decode()
    assert "&lt;em&gt;Big&lt;/em&gt; &amp; &quot;bold&quot; &lt;script&gt;" in page
    assert "<script>alert(1)" not in page


# What editors may save


def hero() -> Slot:
    return Slot.objects.get(key="home-hero")


def errors_of(candidate: Variant) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        candidate.full_clean()
    return error.value.message_dict


def test_an_image_needs_alt_text():
    candidate = Variant(
        slot=hero(),
        name="Picture",
        image=SimpleUploadedFile("cat.png", png_bytes(), content_type="image/png"),
    )
    assert errors_of(candidate)["alt_text"] == ["Describe the image for people who cannot see it."]
    candidate.alt_text = "A cat asleep in a basket"
    candidate.full_clean()


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "//evil.example/", "/\\evil.example/", "ftp://example.com/", "cats"],
)
def test_a_button_link_must_be_ours_or_a_web_address(url):
    candidate = Variant(slot=hero(), name="Button", cta_label="Go", cta_url=url)
    assert errors_of(candidate)["cta_url"] == [
        "Use a link on this site (/…) or a web address (https://…)."
    ]


@pytest.mark.parametrize("url", ["/products/", "https://example.com/cats", "http://example.com/"])
def test_a_button_link_to_our_pages_or_the_web_is_accepted(url):
    Variant(slot=hero(), name="Button", cta_label="Go", cta_url=url).full_clean()


def test_the_default_is_for_everyone():
    candidate = Variant(
        slot=Slot.objects.create(key="new-slot", name="New", kind="strip"),
        name="Default",
        is_default=True,
        segment=segment("In Japan", ("country", "eq", "JP")),
    )
    assert (
        "The default is for everyone, always: no segment or dates."
        in (errors_of(candidate)["is_default"])
    )


def test_a_slot_has_one_default_only():
    candidate = Variant(slot=hero(), name="Second default", is_default=True)
    assert errors_of(candidate)["__all__"]


def test_the_end_comes_after_the_start():
    candidate = Variant(slot=hero(), name="Backwards", starts_at=NOW, ends_at=NOW)
    assert errors_of(candidate)["ends_at"] == ["The end must come after the start."]


# What it costs


def home_queries(client) -> tuple[int, str]:
    client.get("/")  # warm-up: this process loads the new content version
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    return len(queries), page_text(response)


def test_the_home_page_costs_the_same_queries_however_many_segments(client):
    japan = segment("In Japan", ("country", "eq", "JP"))
    variant("For Japan", segment=japan, priority=1000)
    one, text = home_queries(client)
    assert "For Japan" in text

    segments = Segment.objects.bulk_create(
        Segment(name=f"Segment {n}", slug=f"segment-{n}") for n in range(99)
    )
    Condition.objects.bulk_create(
        Condition(segment=s, fact=fact, operator=op, value=value, position=position)
        for s in segments
        for position, (fact, op, value) in enumerate(
            [("country", "in", ["GB", "US"]), ("device", "eq", "mobile"), ("visits", "gte", 3)]
        )
    )
    slots = list(Slot.objects.all())
    Variant.objects.bulk_create(
        Variant(slot=slot, name=f"{slot.key} {s.pk} {n}", headline="Not you", segment=s,
                priority=n)
        for slot in slots
        for s in segments
        for n in range(3)
    )  # fmt: skip
    content_changed()
    assert Segment.objects.count() == 100
    assert Variant.objects.filter(is_default=False).count() == 1 + 99 * 3 * len(slots)

    many, text = home_queries(client)
    assert "For Japan" in text
    assert many == one


def test_a_warm_process_reads_no_content_from_the_database(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # saved and committed
        variant("Cached", priority=1)
    assert shown() == "Cached"
    with CaptureQueriesContext(connection) as queries:
        for key in SLOT_KEYS:
            slot_choose(key, visitor())
    assert len(queries) == 0


# A save reaches every process


def test_a_save_in_one_process_reaches_the_others_through_the_shared_cache(
    monkeypatch, django_capture_on_commit_callbacks
):
    process_one: dict = {}
    process_two: dict = {}
    monkeypatch.setattr(snapshot, "_local", process_one)
    assert shown() == HERO_DEFAULT  # process 1 loads version A
    version_a = process_one[CONTENT.name][0]

    monkeypatch.setattr(snapshot, "_local", process_two)
    assert shown() == HERO_DEFAULT  # process 2 starts empty and loads version A too
    assert process_two[CONTENT.name][0] == version_a

    with django_capture_on_commit_callbacks(execute=True):
        Variant.objects.create(slot=hero(), name="Autumn", headline="Autumn cats", priority=1)
    assert cache.get(f"personalization:snapshot:{CONTENT.name}") != version_a
    assert shown() == "Autumn cats"  # process 2, on its next call

    monkeypatch.setattr(snapshot, "_local", process_one)
    assert process_one[CONTENT.name][0] == version_a  # still holding the old content…
    assert shown() == "Autumn cats"  # …until its next call asks the shared cache
    assert process_one[CONTENT.name][0] == process_two[CONTENT.name][0]


def test_a_process_with_an_empty_snapshot_sees_the_latest_save(
    django_capture_on_commit_callbacks,
):
    assert shown() == HERO_DEFAULT
    with django_capture_on_commit_callbacks(execute=True):
        Variant.objects.create(slot=hero(), name="Autumn", headline="Autumn cats", priority=1)
    snapshot._local.clear()  # a new worker
    assert shown() == "Autumn cats"


def test_an_edit_to_a_segment_condition_reaches_the_slot(django_capture_on_commit_callbacks):
    britain = segment("Target", ("country", "eq", "GB"))
    variant("Targeted", segment=britain, priority=1)
    assert shown() == HERO_DEFAULT
    with django_capture_on_commit_callbacks(execute=True):
        condition = britain.conditions.get()
        condition.value = "JP"
        condition.save()
    assert shown() == "Targeted"


# "Why am I seeing this?"


def test_the_why_page_explains_every_slot(client):
    japan = segment("Shoppers in Japan", ("country", "eq", "JP"))
    variant("Autumn in Japan", segment=japan, priority=1)
    response = client.get(reverse("personalization:why"))
    page = response.content.decode()
    for key in SLOT_KEYS:
        assert f'id="slot-{key}"' in page
    text = page_text(response)
    for name in ("Home page hero", "Home page strip", "Category banner", "Product page aside",
                 "Basket notice"):  # fmt: skip
        assert name in text
    assert "Home page hero: “Autumn in Japan”" in text
    assert "You see this because you are in the group “Shoppers in Japan”: Country is Japan" in (
        text
    )
    # Every other slot (the recommendation places too) shows its default.
    assert text.count("This is what everyone sees: nothing about you changed it.") == (
        Slot.objects.count() - 1
    )


def test_the_why_popover_names_the_segment_and_the_conditions_met(client):
    phones = segment("Phones in Japan", ("country", "in", ["JP", "KR"]), ("language", "eq", "en"))
    variant("Autumn on the go", segment=phones, priority=1)
    response = client.get(
        reverse("personalization:why_slot", args=["home-hero"]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    text = page_text(response)
    assert "You see this because you are in the group “Phones in Japan”:" in text
    assert "Country is one of Japan, Korea (South)" in text
    assert "Language is English" in text
    assert "<html" not in response.content.decode()


def test_the_why_popover_reads_in_the_visitors_language_whoever_loaded_the_content(client):
    japan = segment("Shoppers in Japan", ("country", "eq", "JP"))
    variant("Autumn in Japan", segment=japan, priority=1)
    client.get("/", headers={"Accept-Language": "ja"})  # a Japanese reader comes first
    response = client.get(
        reverse("personalization:why_slot", args=["home-hero"]),
        headers={"HX-Request": "true", "Accept-Language": "en"},
    )
    assert "Country is Japan" in page_text(response)


def test_the_why_popover_says_when_nothing_about_the_visitor_changed_the_slot(client):
    response = client.get(
        reverse("personalization:why_slot", args=["home-strip"]), headers={"HX-Request": "true"}
    )
    assert "This is what everyone sees: nothing about you changed it." in page_text(response)


def test_the_why_link_without_htmx_goes_to_the_why_page(client):
    response = client.get(reverse("personalization:why_slot", args=["home-hero"]))
    assert response.status_code == 302
    assert response["Location"] == "/why/#slot-home-hero"


def test_the_why_popover_of_an_unknown_slot_is_not_found(client):
    response = client.get(
        reverse("personalization:why_slot", args=["no-such-slot"]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 404


def test_a_slot_with_nothing_to_show_is_left_out_of_the_page(client, category):
    # The migrated category banner's default has no headline, text, picture or button.
    page = client.get(reverse("catalog:category", args=[category.slug])).content.decode()
    assert 'id="slot-category-banner"' not in page

    default = Variant.objects.get(slot__key="category-banner", is_default=True)
    default.headline = "Free delivery on food over ¥5,000"
    default.save()
    page = client.get(reverse("catalog:category", args=[category.slug])).content.decode()
    assert 'id="slot-category-banner"' in page
    assert "Free delivery on food over ¥5,000" in page
