"""Events: what the shop reports for enrolled visitors reaches Enrollment in batches; orders
carry their revenue and margin, returns count against the order's arm, and nothing a browser
sends can inflate a metric."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from personalization.experiments.events import EventKind, record, record_return
from personalization.experiments.models import Enrollment, ExperimentEvent, VisitorAccount
from personalization.experiments.services import events_purge
from shop.orders.models import Order, OrderStatus
from shop.orders.services import order_status_set
from tests.conftest import checkout_submit
from tests.factories import UserFactory

from .conftest import HERO_B, HERO_DEFAULT, buffered, drain, slot_experiment, visitor_with_arm

pytestmark = pytest.mark.django_db


@pytest.fixture
def arm_b(as_visitor):
    slot_experiment()
    client = as_visitor(visitor_with_arm("hero-test", "b"))
    assert HERO_B in client.get("/").content.decode()
    return client


def test_adding_to_the_basket_is_recorded_with_the_arm(
    arm_b, product, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # recorded once the line is saved
        response = arm_b.post(reverse("basket:add"), {"product": product.pk, "quantity": 2})
    assert response.status_code == 302
    drain()
    enrollment = Enrollment.objects.get()
    assert (enrollment.arm.key, enrollment.exposures, enrollment.add_to_basket) == ("b", 1, 1)
    added = ExperimentEvent.objects.get(kind="add_to_basket")
    assert added.value == product.price * 2


def test_a_failed_add_to_the_basket_is_not_recorded(
    arm_b, product, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        arm_b.post(reverse("basket:add"), {"product": product.pk, "quantity": 50})  # too many
    drain()
    assert Enrollment.objects.get().add_to_basket == 0


def test_an_order_by_an_enrolled_visitor_is_attributed_with_revenue_and_margin(
    arm_b, product, checkout_data, django_capture_on_commit_callbacks
):
    product.cost_price = Decimal(600)
    product.save()
    with django_capture_on_commit_callbacks(execute=True):
        arm_b.post(reverse("basket:add"), {"product": product.pk, "quantity": 2})
    checkout_submit(arm_b, checkout_data)
    order = Order.objects.get()
    assert order.status == OrderStatus.PAID
    assert drain() >= 4  # exposure(s), add, checkout, order
    enrollment = Enrollment.objects.get()
    assert enrollment.converted and enrollment.orders == 1 and enrollment.checkouts >= 1
    assert enrollment.revenue == order.total
    lines_total = sum(line.total for line in order.lines.all())
    assert enrollment.margin == lines_total - Decimal(1200)
    placed = ExperimentEvent.objects.get(kind="order")
    assert placed.order_id == order.number and placed.arm.key == "b"


def test_an_order_reported_twice_counts_once(arm_b):
    visitor = arm_b.get("/").wsgi_request.visitor
    record(visitor, EventKind.ORDER, value=Decimal(1000), order_id="SF-1")
    record(visitor, EventKind.ORDER, value=Decimal(1000), order_id="SF-1")
    drain()
    record(visitor, EventKind.ORDER, value=Decimal(1000), order_id="SF-1")
    drain()
    assert Enrollment.objects.get().orders == 1


def test_a_cancelled_paid_order_counts_as_returned_against_its_arm(
    arm_b, product, checkout_data, django_capture_on_commit_callbacks
):
    arm_b.post(reverse("basket:add"), {"product": product.pk, "quantity": 1})
    checkout_submit(arm_b, checkout_data)
    drain()
    order = Order.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        order_status_set(order=order, status=OrderStatus.CANCELLED)
    drain()
    enrollment = Enrollment.objects.get()
    assert enrollment.returned == 1 and enrollment.returned_value == order.total
    assert ExperimentEvent.objects.get(kind="return").arm.key == "b"


def test_a_return_after_the_attribution_window_is_not_counted(arm_b, settings):
    settings.PERSONALIZATION_EXPERIMENT_ATTRIBUTION_DAYS = 30
    visitor = arm_b.get("/").wsgi_request.visitor
    placed = timezone.now() - datetime.timedelta(days=40)
    record(visitor, EventKind.ORDER, value=Decimal(1000), order_id="SF-9", at=placed)
    drain()
    record_return(order_id="SF-9", value=Decimal(1000))
    drain()
    assert Enrollment.objects.get().returned == 0


def test_a_script_posting_a_thousand_fake_add_to_basket_events_cannot_inflate_conversions(
    arm_b, product, django_capture_on_commit_callbacks
):
    # There is no endpoint that takes metrics from a browser: the nearest thing, the click
    # counter, counts clicks of the visitor's own arm and never orders or adds.
    for _ in range(1000):
        arm_b.get(reverse("experiments:click"), {"e": "hero-test", "k": "order", "x": "99999"})
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            arm_b.post(reverse("basket:add"), {"product": 999_999, "quantity": 1})  # no such one
    drain()
    enrollment = Enrollment.objects.get()
    assert (enrollment.orders, enrollment.converted, enrollment.revenue) == (0, False, 0)
    assert enrollment.add_to_basket == 0
    assert enrollment.clicks == 1000  # counted as clicks, which is what they are


def test_malformed_or_forged_buffer_entries_are_dropped(arm_b):
    from personalization.experiments.buffer import event_buffer

    buffered()
    event_buffer().push(
        ["not json", json.dumps({"k": "order", "e": 999, "a": 999, "v": "x", "t": "2025-01-01"}),
         json.dumps({"k": "nonsense"})]
    )  # fmt: skip
    assert drain() == 0
    assert not Enrollment.objects.exists()


def test_the_buffer_drains_in_batches(arm_b):
    visitor = arm_b.get("/").wsgi_request.visitor
    for _ in range(25):
        record(visitor, EventKind.CLICK)
    from personalization.experiments.services import events_drain

    assert events_drain(batch=10) == 27  # two exposures and 25 clicks
    assert Enrollment.objects.get().clicks == 25
    assert ExperimentEvent.objects.count() == 27


def test_raw_events_past_the_retention_window_are_purged(arm_b, settings):
    settings.PERSONALIZATION_EXPERIMENT_EVENT_DAYS = 90
    visitor = arm_b.get("/").wsgi_request.visitor
    record(visitor, EventKind.CLICK, at=timezone.now() - datetime.timedelta(days=91))
    drain()
    assert events_purge() == 1
    assert ExperimentEvent.objects.filter(kind="click").count() == 0
    assert Enrollment.objects.get().clicks == 1  # the totals stay


def test_a_signed_in_shopper_keeps_the_arm_they_had_as_a_visitor(arm_b, client):
    user = UserFactory(email="aiko@example.com")
    response = arm_b.post(
        reverse("account_login"), {"login": user.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert HERO_B in arm_b.get("/").content.decode()
    account = VisitorAccount.objects.get(user=user)
    assert account.assignments == {"hero-test": "b"}
    buffered()
    arm_b.get("/")
    drain()
    assert Enrollment.objects.count() == 1  # the same visitor before and after signing in


def test_the_account_carries_the_arm_to_another_browser(arm_b, as_visitor, client):
    from django.test import Client

    from personalization.conf import app_settings

    user = UserFactory(email="aiko@example.com")
    arm_b.post(reverse("account_login"), {"login": user.email, "password": "correct-horse-battery"})
    other = Client()
    other.cookies[app_settings.CONSENT_COOKIE] = arm_b.cookies[app_settings.CONSENT_COOKIE].value
    other = as_visitor(visitor_with_arm("hero-test", "control"), other)
    assert HERO_DEFAULT in other.get("/").content.decode()
    other.post(reverse("account_login"), {"login": user.email, "password": "correct-horse-battery"})
    # The browser's own arm wins: the shopper keeps seeing what this browser just showed.
    assert HERO_DEFAULT in other.get("/").content.decode()
    # A third browser, with no arm of its own, tests under the account's visitor id: arm b.
    third = Client()
    third.cookies[app_settings.CONSENT_COOKIE] = arm_b.cookies[app_settings.CONSENT_COOKIE].value
    third.post(reverse("account_login"), {"login": user.email, "password": "correct-horse-battery"})
    assert HERO_B in third.get("/").content.decode()


def test_erasing_my_data_forgets_the_accounts_visitor_id_and_the_arms_cookie(arm_b):
    user = UserFactory(email="aiko@example.com")
    arm_b.post(reverse("account_login"), {"login": user.email, "password": "correct-horse-battery"})
    assert VisitorAccount.objects.filter(user=user).exists()
    response = arm_b.post(reverse("personalization:erase"), {"password": "correct-horse-battery"})
    assert response.status_code == 302
    assert not VisitorAccount.objects.filter(user=user).exists()
    from personalization.conf import app_settings

    assert response.cookies[app_settings.EXPERIMENT_COOKIE]["max-age"] == 0


def test_joining_an_offer_test_is_its_exposure_once(as_visitor):
    from .conftest import offer_experiment

    offer_experiment("winter-offer")
    client = as_visitor(visitor_with_arm("winter-offer", "treatment"))
    client.get("/")
    client.get("/")  # the arm is in the cookie now: no second exposure
    drain()
    enrollment = Enrollment.objects.get()
    assert (enrollment.arm.key, enrollment.exposures) == ("treatment", 1)
    assert enrollment.first_exposure_at is not None


def test_the_celery_tasks_drain_and_purge(arm_b):
    from personalization.experiments.tasks import drain_events, purge_events
    from shop.celery import app

    assert "personalization.experiments.tasks.drain_events" in app.tasks
    assert drain_events.delay().get() == 1  # the exposure of the page above
    assert purge_events.delay().get() == 0
    assert Enrollment.objects.get().exposures == 1
