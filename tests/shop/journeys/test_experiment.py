"""A journey against no journey: the customer's experiment arm decides, and each message's
events (sent, clicked; the held-out customer's would-be send) land in the experiment."""

from __future__ import annotations

import pytest
from django.urls import reverse

from personalization.experiments.models import Enrollment, ExperimentEvent, VisitorAccount
from personalization.experiments.services import events_drain
from shop.journeys.models import Journey, Message, MessageState, Run
from shop.journeys.services import journeys_run
from tests.personalization.experiments.conftest import offer_experiment, visitor_with_arm

from .conftest import NOON_TOKYO, customer, make_journey, paid_order

pytestmark = pytest.mark.django_db


def test_the_control_arm_gets_no_journey_and_both_arms_are_measured(
    client, product, django_capture_on_commit_callbacks
):
    experiment = offer_experiment(key="after-order-test", traffic_percent=100)
    journey = make_journey()
    Journey.objects.filter(pk=journey.pk).update(experiment=experiment)
    control, treatment = customer(time_zone="Asia/Tokyo"), customer(time_zone="Asia/Tokyo")
    VisitorAccount.objects.create(
        user=control, visitor_id=visitor_with_arm("after-order-test", "control")
    )
    VisitorAccount.objects.create(
        user=treatment, visitor_id=visitor_with_arm("after-order-test", "treatment")
    )
    for user in (control, treatment):
        paid_order(user, product=product)

    with django_capture_on_commit_callbacks(execute=True):  # the sent event waits for commit
        journeys_run(now=NOON_TOKYO)

    assert Run.objects.get(user=control).holdout is True
    assert Message.objects.get(user=control).state == MessageState.HELD_OUT
    sent = Message.objects.get(user=treatment)
    assert sent.state == MessageState.SENT
    client.force_login(treatment)
    client.get(reverse("journeys:go", kwargs={"pk": sent.pk}))
    client.get(reverse("journeys:go", kwargs={"pk": sent.pk}))  # a second click counts once

    events_drain()

    counts = {
        row.arm.key: (row.exposures, row.clicks)
        for row in Enrollment.objects.filter(experiment=experiment).select_related("arm")
    }
    assert counts == {"control": (1, 0), "treatment": (1, 1)}
    assert ExperimentEvent.objects.filter(experiment=experiment).count() == 3


def test_a_customer_outside_the_experiment_gets_the_journey(product):
    experiment = offer_experiment(key="after-order-test", traffic_percent=100)
    journey = make_journey()
    Journey.objects.filter(pk=journey.pk).update(experiment=experiment)
    user = customer(time_zone="Asia/Tokyo")  # never signed in with a tested browser
    paid_order(user, product=product)

    journeys_run(now=NOON_TOKYO)

    assert Message.objects.get(user=user).state == MessageState.SENT
    events_drain()
    assert not Enrollment.objects.filter(experiment=experiment).exists()
