"""Offers and experiments: the holdout gets only offers for everyone; an offer targeted at an
experiment's arm through a segment reaches that arm only."""

from __future__ import annotations

import pytest

from personalization.facts import fact_spec
from personalization.models import Condition, Segment
from personalization.rules import condition_clean
from personalization.slots import content_changed
from shop.offers.applicator import offers_for_visitor
from tests.personalization.experiments.conftest import offer_experiment

pytestmark = pytest.mark.django_db


def names(visitor) -> set[str]:
    return {found.offer.name for found in offers_for_visitor(visitor)}


def test_the_holdout_gets_no_targeted_offer_but_keeps_offers_for_everyone(make_offer, make_visitor):
    make_offer(name="For everyone")
    make_offer(name="Tokyo only", regions=["JP-13"])
    make_offer(name="Japan only", countries=["JP"])
    assert names(make_visitor("JP-13")) == {"For everyone", "Tokyo only", "Japan only"}
    assert names(make_visitor("JP-13", holdout=True)) == {"For everyone"}


def test_an_offer_targeted_at_an_arm_reaches_only_that_arm(make_offer, make_visitor):
    offer_experiment("winter-offer")
    segment = Segment.objects.create(name="Winter test: treatment", slug="winter-treatment")
    Condition.objects.create(
        segment=segment,
        fact="experiment.winter-offer",
        operator="eq",
        value=condition_clean("experiment.winter-offer", "eq", "treatment"),
    )
    content_changed()
    make_offer(name="Winter warmth 15% off", segment=segment)
    assert "Winter warmth 15% off" in names(
        make_visitor("JP-01", **{"experiment.winter-offer": "treatment"})
    )
    assert "Winter warmth 15% off" not in names(
        make_visitor("JP-01", **{"experiment.winter-offer": "control"})
    )
    assert "Winter warmth 15% off" not in names(make_visitor("JP-01"))


def test_the_rule_builder_offers_each_experiment_with_its_arms():
    offer_experiment("winter-offer")
    spec = fact_spec("experiment.winter-offer")
    assert spec is not None and "eq" in spec.rule_operators
    assert ("treatment", "Treatment") in spec.choices()
    assert ("control", "Control") in spec.choices()
