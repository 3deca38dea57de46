"""The rule builder in the admin: checkbox values stored as before, the rule as one sentence
(server-side, refreshed with htmx), the slot page's order, and previews of a segment that show
the site as a visitor in it would see it, offers included."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from personalization.models import REGION_SETS, Question, RegionSet, Segment, Slot
from personalization.preview import segment_example_facts
from personalization.rules import condition_clean, segment_describe
from shop.offers.applicator import offers_changed
from shop.offers.models import Offer, OfferKind
from tests.factories import UserFactory
from tests.pages import page_text
from tests.personalization.test_content_admin import (
    SEGMENT_ADD,
    WIDGET,
    Controls,
    hero_variant,
    segment_form,
    segment_with,
)

pytestmark = pytest.mark.django_db

SENTENCE = reverse("admin:personalization_segment_sentence")
SEGMENTS = reverse("admin:personalization_segment_changelist")


@pytest.fixture
def editor_client(client) -> Client:
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


@pytest.fixture
def rural_japan() -> RegionSet:
    region_set = RegionSet.objects.create(
        name="Rural Japan", slug="rural-japan", country="JP", regions=["JP-01", "JP-05"],
        is_rural=True,
    )  # fmt: skip
    REGION_SETS.bump()
    return region_set


@pytest.fixture
def pet_question() -> Question:
    return Question.objects.create(
        key="pet",
        prompt="Dog, cat or another friend?",
        prompt_ja="犬派？猫派？",
        kind="single",
        choices=[
            {"value": "dog", "label_en": "Dog", "label_ja": "犬"},
            {"value": "cat", "label_en": "Cat", "label_ja": "猫"},
        ],
    )


def saved_conditions() -> list[tuple[str, str, object]]:
    segment = Segment.objects.get(slug="phones-in-japan")
    return [(c.fact, c.operator, c.value) for c in segment.conditions.all()]


# Checkboxes store what the multi-select stored


def test_one_ticked_box_for_is_is_stored_as_one_value(editor_client):
    response = editor_client.post(
        SEGMENT_ADD,
        segment_form(
            {"fact": "region", "operator": "eq", "value": ["JP-01"]},
            {"fact": "device", "operator": "eq", "value": ["mobile"]},
        ),
    )
    assert response.status_code == 302, page_text(response)
    assert saved_conditions() == [("region", "eq", "JP-01"), ("device", "eq", "mobile")]


def test_several_ticked_boxes_are_stored_as_a_list(editor_client):
    editor_client.post(
        SEGMENT_ADD,
        segment_form(
            {"fact": "region", "operator": "in", "value": ["JP-01", "JP-47"]},
            {"fact": "weekday", "operator": "not_in", "value": ["saturday", "sunday"]},
        ),
    )
    assert saved_conditions() == [
        ("region", "in", ["JP-01", "JP-47"]),
        ("weekday", "not_in", ["saturday", "sunday"]),
    ]


def test_two_ticked_boxes_for_is_ask_for_is_one_of(editor_client):
    response = editor_client.post(
        SEGMENT_ADD, segment_form({"fact": "country", "operator": "eq", "value": ["JP", "KR"]})
    )
    assert response.status_code == 200
    assert "Tick one value for “is”, or choose “is one of”." in page_text(response)
    assert not Segment.objects.exists()


def test_a_saved_condition_shows_its_values_ticked(editor_client):
    segment = segment_with("Phones", ("device", "in", ["mobile", "tablet"]))
    response = editor_client.get(reverse("admin:personalization_segment_change", args=[segment.pk]))
    checked = [
        box["value"]
        for box in Controls(response.content.decode()).inputs
        if box.get("name") == "conditions-0-value" and "checked" in box
    ]
    assert checked == ["mobile", "tablet"]


def test_a_long_list_has_a_filter_box_and_a_short_one_does_not(editor_client):
    regions = editor_client.get(WIDGET, {"conditions-0-fact": "region"}).content.decode()
    device = editor_client.get(WIDGET, {"conditions-0-fact": "device"}).content.decode()
    assert 'class="checklist-filter"' in regions
    assert "Hokkaido (Japan)" in regions
    assert 'class="checklist-filter"' not in device
    # The filter box is never posted with the form.
    filters = [i for i in Controls(regions).inputs if i.get("class") == "checklist-filter"]
    assert filters and "name" not in filters[0]


def test_the_swapped_controls_keep_their_names_for_screen_readers(editor_client):
    response = editor_client.get(WIDGET, {"conditions-2-fact": "device"})
    markup = response.content.decode()
    assert Controls(markup).selects["conditions-2-operator"]["attrs"]["aria-label"] == "Operator"
    assert 'role="group" aria-label="Values"' in markup


def test_the_rule_builder_brings_its_script_and_phone_styles(editor_client):
    markup = editor_client.get(SEGMENT_ADD).content.decode()
    assert "js/admin_checklist.js" in markup
    assert "css/admin_rules.css" in markup
    assert "<script>" not in markup.split("</head>")[1]  # nothing inline (CSP)


# The whole rule in one sentence


@pytest.mark.parametrize(
    ("match", "conditions", "sentence"),
    [
        ("all", [("region", "eq", "JP-01"), ("device", "eq", "mobile")],
         "Visitors in Hokkaido, on a phone"),
        ("all", [("country", "eq", "JP"), ("area", "eq", "rural"), ("device", "eq", "mobile"),
                 ("local_time", "between", ["05:00", "07:00"])],
         "Visitors in Japan, in a rural area, on a phone, between 05:00 and 07:00"),
        ("all", [("country", "not_in", ["JP", "GB"]), ("season", "eq", "winter")],
         "Visitors outside Japan and United Kingdom, in winter"),
        ("any", [("device", "in", ["mobile", "tablet"]), ("visits", "gte", 3)],
         "Visitors on a phone or a tablet, or who have visited at least 3 times"),
        ("none", [("signed_in", "eq", "yes")], "Everyone except visitors signed in"),
        ("all", [("language", "eq", "ja"), ("weekday", "in", ["saturday", "sunday"])],
         "Visitors reading Japanese, on Saturday or Sunday"),
        ("all", [("browser", "starts_with", "Mobile")],
         "Visitors where Browser starts with Mobile"),
        ("all", [], "Everyone (no conditions yet)"),
    ],
)  # fmt: skip
def test_a_rule_reads_as_one_sentence(match, conditions, sentence):
    cleaned = [(f, o, condition_clean(f, o, v)) for f, o, v in conditions]
    assert segment_describe(match, cleaned) == sentence


def test_an_answer_reads_with_its_question_and_choice(pet_question):
    cleaned = condition_clean("answer.pet", "eq", "cat")
    assert segment_describe("all", [("answer.pet", "eq", cleaned)]) == (
        "Visitors who answered “Dog, cat or another friend?” with Cat"
    )


@pytest.mark.parametrize(
    ("match", "conditions", "sentence"),
    [
        ("all", [("region", "eq", "JP-01"), ("device", "eq", "mobile")],
         "北海道にいる、スマートフォンを使う訪問者"),
        ("all", [("local_time", "between", ["05:00", "07:00"]), ("season", "eq", "winter")],
         "05:00〜07:00に訪れる、冬に訪れる訪問者"),
        ("any", [("area", "eq", "rural"), ("answer.pet", "eq", "cat")],
         "地方にいる、または「犬派？猫派？」に猫と答えた訪問者"),
    ],
)  # fmt: skip
def test_a_rule_reads_as_one_sentence_in_japanese(pet_question, match, conditions, sentence):
    cleaned = [(f, o, condition_clean(f, o, v)) for f, o, v in conditions]
    with translation.override("ja"):
        assert segment_describe(match, cleaned) == sentence


def test_the_sentence_follows_the_form_as_posted_and_saves_nothing(editor_client):
    data = segment_form(
        {"fact": "region", "operator": "eq", "value": ["JP-01"]},
        {"fact": "device", "operator": "eq", "value": ["mobile"]},
        {"fact": "season", "operator": "eq", "value": ["winter"], "DELETE": "on"},
        {"fact": "country", "operator": "eq", "value": []},  # not finished yet: left out
    )
    response = editor_client.post(SENTENCE, data)
    assert response.status_code == 200
    assert page_text(response) == "Who is in this segment Visitors in Hokkaido, on a phone"
    assert 'id="rule-sentence"' in response.content.decode()
    assert not Segment.objects.exists()


def test_the_sentence_needs_a_csrf_token(editor_client):
    user = editor_client.session["_auth_user_id"]
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(UserFactory._meta.model.objects.get(pk=user))
    response = strict.post(SENTENCE, segment_form())
    assert response.status_code == 403


def test_the_sentence_is_for_staff_only(client):
    client.force_login(UserFactory())
    response = client.post(SENTENCE, segment_form())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_sentence_is_for_staff_who_may_edit_segments(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.post(SENTENCE, segment_form()).status_code == 403


def test_the_segment_form_shows_the_saved_rule_as_a_sentence(editor_client):
    segment = segment_with("Rural phones", ("area", "eq", "rural"), ("device", "eq", "mobile"))
    response = editor_client.get(reverse("admin:personalization_segment_change", args=[segment.pk]))
    markup = response.content.decode()
    assert "Visitors in a rural area, on a phone" in page_text(response)
    assert f'hx-post="{SENTENCE}"' in markup


def test_the_segment_list_shows_each_rule_as_a_sentence(editor_client):
    segment_with("Hokkaido phones", ("region", "eq", "JP-01"), ("device", "eq", "mobile"))
    assert "Visitors in Hokkaido, on a phone" in page_text(editor_client.get(SEGMENTS))


# The slot page: variants in the order they are tried


def test_the_slot_page_lists_the_default_last_as_it_is_tried_last(editor_client):
    segment = segment_with("Phones", ("device", "eq", "mobile"))
    hero_variant("Second choice", segment=segment, priority=5)
    hero_variant("First choice", segment=segment, priority=1)
    slot = Slot.objects.get(key="home-hero")
    text = page_text(
        editor_client.get(reverse("admin:personalization_slot_change", args=[slot.pk]))
    )
    first, second = text.index("First choice"), text.index("Second choice")
    default = text.index("Home page hero — default")
    assert first < second < default


# Previewing a segment: a visitor who is in it, offers included


def test_the_example_visitor_of_a_rural_region_set_lives_there(rural_japan):
    segment = segment_with(
        "Rural Hokkaido",
        ("area", "eq", "rural"),
        ("region_sets", "contains", "rural-japan"),
        ("device", "eq", "mobile"),
    )
    assert segment_example_facts(segment) == {
        "country": "JP", "region": "JP-01", "device": "mobile"
    }  # fmt: skip


def test_the_example_visitor_of_a_rural_area_is_placed_in_a_rural_region(rural_japan):
    segment = segment_with("Rural", ("area", "eq", "rural"))
    assert segment_example_facts(segment) == {"country": "JP", "region": "JP-01"}


def test_the_example_visitor_of_a_time_window_has_a_local_hour_inside_it():
    segment = segment_with(
        "Early", ("local_time", "between", ["05:00", "07:00"]), ("device", "eq", "mobile")
    )
    assert segment_example_facts(segment) == {"local_hour": 5, "device": "mobile"}


def test_the_example_visitor_of_a_part_of_the_day_has_an_hour_in_it():
    segment = segment_with("Evenings", ("part_of_day", "eq", "evening"))
    assert segment_example_facts(segment) == {"local_hour": 17}


@pytest.mark.parametrize(
    ("conditions", "facts"),
    [
        ([("region", "eq", "JP-01"), ("season", "eq", "winter")],
         {"country": "JP", "region": "JP-01", "season": "winter"}),
        ([("country", "in", ["GB", "JP"]), ("visits", "gte", 3)],
         {"country": "GB", "region": None, "visits": 3}),
        ([("weekday", "in", ["saturday", "sunday"]), ("signed_in", "eq", "no")],
         {"weekday": "saturday", "signed_in": False}),
        ([("visits", "between", [2, 4]), ("utm_campaign", "eq", "spring")],
         {"visits": 2, "utm_campaign": "spring"}),
        ([("local_time", "between", ["22:00", "02:00"])], {"local_hour": 22}),
    ],
)  # fmt: skip
def test_the_example_visitor_meets_every_condition(conditions, facts):
    segment = segment_with("Example", *conditions)
    assert segment_example_facts(segment) == facts


def test_the_example_visitor_of_any_of_meets_the_first_condition_it_can(pet_question):
    segment = segment_with("Cats or Kobe", ("answer.pet", "eq", "cat"), ("region", "eq", "JP-28"))
    segment.match = "any"
    assert segment_example_facts(segment) == {"answer.pet": "cat"}


def test_the_example_visitor_of_none_of_fails_every_condition():
    segment = segment_with("Not in Japan", ("country", "eq", "JP"), ("device", "eq", "mobile"))
    segment.match = "none"
    facts = segment_example_facts(segment)
    assert facts["country"] != "JP"
    assert facts["device"] != "mobile"


@pytest.fixture
def rural_offer(rural_japan) -> Offer:
    offer = Offer.objects.create(
        name="Free shipping to rural Japan over ¥3,000",
        kind=OfferKind.FREE_SHIPPING,
        value=Decimal(0),
        min_subtotal=Decimal(3000),
    )
    offer.region_sets.set([rural_japan])
    offers_changed()
    return offer


def test_previewing_rural_hokkaido_shows_what_a_visitor_there_sees(editor_client, rural_offer):
    segment = segment_with(
        "Rural Hokkaido",
        ("region_sets", "contains", "rural-japan"),
        ("area", "eq", "rural"),
        ("device", "eq", "mobile"),
    )
    hero_variant("Snow-day deliveries", segment=segment, priority=1)
    editor_client.get(reverse("personalization:preview_segment", args=[segment.pk]), {"next": "/"})
    text = page_text(editor_client.get("/"))
    assert "Previewing as: Rural Hokkaido — Hokkaido, Japan · rural · phone" in text
    assert "Delivering to: Hokkaido, Japan" in text
    assert "Free shipping to rural Japan over ¥3,000" in text  # the regional offer's strip
    assert "Snow-day deliveries" in text  # the segment's variant


def test_staff_adjust_a_segments_preview_and_keep_its_name_while_it_still_matches(
    editor_client, rural_japan
):
    segment = segment_with("Rural", ("area", "eq", "rural"))
    editor_client.get(reverse("personalization:preview_segment", args=[segment.pk]))
    form = editor_client.get(reverse("personalization:preview")).context["form"]
    assert form.initial["place"] == "JP-01"
    assert form.initial["segment"] == segment.pk

    # Another rural place: still the segment.
    editor_client.post(
        reverse("personalization:preview"),
        {"place": "JP-05", "device": "tablet", "segment": segment.pk, "next": "/"},
    )
    text = page_text(editor_client.get("/"))
    assert "Previewing as: Rural — Akita, Japan · rural · tablet" in text

    # Tokyo is not rural: the preview goes on, but no longer in the segment's name.
    response = editor_client.post(
        reverse("personalization:preview"),
        {"place": "JP-13", "segment": segment.pk, "next": "/"},
        follow=True,
    )
    text = page_text(response)
    assert "A visitor with these facts is not in “Rural”." in text
    assert "Previewing as: a visitor — Tokyo, Japan · urban" in text


def test_a_shared_link_names_the_segment_it_previews(editor_client, rural_japan):
    segment = segment_with("Rural", ("area", "eq", "rural"))
    editor_client.get(reverse("personalization:preview_segment", args=[segment.pk]))
    url = editor_client.get(reverse("personalization:preview_link")).context["url"]
    text = page_text(Client().get(url, follow=True))
    assert "Previewing as: Rural — Hokkaido, Japan · rural" in text


def test_the_example_visitor_is_built_for_the_moment_asked(rural_japan):
    # Pure in `now`: the same segment gives the same facts whenever it is asked.
    segment = segment_with("Rural", ("area", "eq", "rural"))
    winter = datetime.datetime(2026, 1, 15, 12, tzinfo=datetime.UTC)
    assert segment_example_facts(segment, now=winter) == segment_example_facts(
        segment, now=timezone.now()
    )


def test_the_preview_bar_names_the_hour_it_sets(editor_client, rural_japan):
    segment = segment_with(
        "Early cat people", ("local_hour", "between", [5, 7]), ("device", "eq", "mobile")
    )
    editor_client.get(reverse("personalization:preview_segment", args=[segment.pk]))
    text = page_text(editor_client.get("/"))
    assert "Previewing as: Early cat people" in text
    assert "Local hour: 5" in text
