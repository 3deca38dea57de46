"""Comparing pages with and without the next best action: an experiment keyed
`next-best-action` hides it from its control arm; exposures and clicks reach its report."""

from __future__ import annotations

import json

import pytest

from personalization.actions.base import Action
from personalization.experiments.models import Enrollment
from personalization.experiments.services import events_drain
from tests.personalization.actions import fakes

from .conftest import buffered, offer_experiment, visitor_with_arm

pytestmark = pytest.mark.django_db

TITLE = "Arriving Thursday — track it"


@pytest.fixture(autouse=True)
def one_action(settings):
    settings.PERSONALIZATION_ACTION_PROVIDERS = ["tests.personalization.actions.fakes.provider"]
    fakes.PROPOSED[:] = [
        Action(kind="order-arriving", key="order-arriving:1", title=TITLE,
               url="/orders/find/", cta="Track your order", score=80, why="Because.")
    ]  # fmt: skip
    yield
    fakes.PROPOSED.clear()


@pytest.mark.parametrize(("arm", "shown"), [("control", False), ("treatment", True)])
def test_the_control_arm_sees_no_action_and_both_arms_are_exposed(as_visitor, arm, shown):
    offer_experiment("next-best-action")
    visitor = as_visitor(visitor_with_arm("next-best-action", arm))
    assert (TITLE in visitor.get("/").content.decode()) is shown
    events = [json.loads(item) for item in buffered()]
    assert [e["k"] for e in events] == ["exposure"]


def test_a_click_on_the_action_counts_for_the_clicker_s_arm(as_visitor):
    offer_experiment("next-best-action")
    treated = as_visitor(visitor_with_arm("next-best-action", "treatment"))
    page = treated.get("/").content.decode()
    link = next(part for part in page.split('"') if part.startswith("/t/click/"))
    response = treated.get(link.replace("&amp;", "&"))
    assert response.status_code == 302 and response["Location"] == "/orders/find/"
    events_drain()
    enrollment = Enrollment.objects.get()
    assert enrollment.arm.key == "treatment"
    assert enrollment.clicks == 1


def test_without_the_experiment_everyone_sees_the_action_and_nothing_is_recorded(as_visitor):
    visitor = as_visitor("v" * 22)
    assert TITLE in visitor.get("/").content.decode()
    assert buffered() == []
