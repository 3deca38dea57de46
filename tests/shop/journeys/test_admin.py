"""Merchandisers build journeys in the admin; placeholders are checked when they save."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from shop.journeys.models import Journey, Step
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def staff(group: str) -> Client:
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


def journey_form(**step) -> dict:
    data = {
        "name": "Basket reminder",
        "key": "basket-reminder",
        "trigger": "basket_left",
        "active": "on",
        "holdout_percent": "10",
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
        "steps-0-position": "0",
        "steps-0-kind": "marketing",
        "steps-0-anchor": "start",
        "steps-0-delay_days": "0",
        "steps-0-delay_hours": "4",
        "steps-0-send_email": "on",
        "steps-0-link": "basket",
        "steps-0-subject_en": "Still thinking about {product}?",
        "steps-0-subject_ja": "{product}はいかがですか？",
        "steps-0-body_en": "Hello {name}, your basket is waiting.",
        "steps-0-body_ja": "{name}さん、カートに商品が残っています。",
        "steps-0-cta_en": "Back to the basket",
        "steps-0-cta_ja": "カートを見る",
    }
    data.update({f"steps-0-{key}": value for key, value in step.items()})
    return data


def test_a_merchandiser_builds_a_journey_with_its_steps_in_both_languages():
    client = staff("Merchandisers")
    response = client.post(reverse("admin:journeys_journey_add"), journey_form())
    assert response.status_code == 302, response.context["errors"]
    journey = Journey.objects.get(key="basket-reminder")
    assert journey.active_since is not None
    step = journey.steps.get()
    assert step.subject_ja == "{product}はいかがですか？"
    assert step.delay_hours == 4


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Hello {nam}", "Unknown placeholder {nam}"),
        ("{name.__class__.__mro__}", "Unknown placeholder {name.__class__.__mro__}"),
        ("{name!r}", "Write the placeholder as {name}, with nothing after its name."),
        ("{name:>99999999}", "Write the placeholder as {name}, with nothing after"),
        ("Hello {name", "A brace is not closed"),
    ],
)
def test_a_bad_placeholder_is_refused_with_a_clear_message_and_nothing_saved(text, problem):
    client = staff("Merchandisers")
    response = client.post(reverse("admin:journeys_journey_add"), journey_form(body_ja=text))
    assert response.status_code == 200
    page = response.content.decode()
    assert problem in page
    assert "{name}, {order_number}, {product}, {order_url}, {shop_url}" in page  # the help
    assert not Journey.objects.exists() and not Step.objects.exists()


def test_braces_written_twice_are_plain_braces():
    client = staff("Merchandisers")
    response = client.post(
        reverse("admin:journeys_journey_add"), journey_form(body_en="Use {{code}}, {name}")
    )
    assert response.status_code == 302


def test_editors_cannot_build_journeys_and_merchandisers_cannot_read_messages():
    assert staff("Editors").get(reverse("admin:journeys_journey_add")).status_code == 403
    merchandiser = staff("Merchandisers")
    assert merchandiser.get(reverse("admin:journeys_message_changelist")).status_code == 403
