"""The demo journeys load once, in both languages, with placeholders the admin would accept."""

from __future__ import annotations

import pytest

from shop.demo.loaders.journeys import journeys_load
from shop.demo.rows import Tally
from shop.journeys.models import Journey, Step
from shop.journeys.placeholders import placeholders_check

pytestmark = pytest.mark.django_db


def test_the_demo_journeys_load_again_changing_nothing():
    journeys_load(tally=Tally())
    tally = Tally()
    journeys_load(tally=tally)
    assert tally.lines() == ["Journeys: 0 created, 0 updated, 2 unchanged"]
    assert set(Journey.objects.values_list("key", "active")) == {
        ("after-the-order", True),
        ("basket-reminder", True),
    }


def test_every_demo_step_is_written_in_english_and_japanese_with_valid_placeholders():
    journeys_load(tally=Tally())
    for step in Step.objects.all():
        for name in ("subject", "body", "cta"):
            for language in ("en", "ja"):
                text = getattr(step, f"{name}_{language}")
                assert text and placeholders_check(text) == [], (step, name, language)
