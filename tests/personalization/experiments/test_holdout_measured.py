"""The holdout is measured: every counted visitor is in the built-in experiment
`personalization-holdout`, in its arm `holdout` or `personalized`, and the holdout report
compares the two with what they did."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from personalization.conf import app_settings
from personalization.experiments.assignment import (
    HOLDOUT_KEY,
    experiments,
    in_holdout,
)
from personalization.experiments.holdout import holdout_report
from personalization.experiments.models import Enrollment, Experiment, ExperimentKind
from personalization.experiments.services import holdout_experiment_ensure
from shop.orders.models import Order
from tests.conftest import checkout_submit

from .conftest import drain

pytestmark = pytest.mark.django_db


@pytest.fixture
def half_held_out(settings):
    settings.PERSONALIZATION_HOLDOUT_PERCENT = 50


def visitor_id(*, held_out: bool) -> str:
    for number in range(10_000):
        vid = f"visitor-{number:014d}"[:22]
        if in_holdout(vid) == held_out:
            return vid
    raise AssertionError("no visitor found")


def test_the_holdout_experiment_is_created_once_with_its_two_arms():
    first = holdout_experiment_ensure()
    again = holdout_experiment_ensure()
    assert first.pk == again.pk and first.kind == ExperimentKind.HOLDOUT
    assert sorted(first.arms.values_list("key", "is_control")) == [
        ("holdout", True),
        ("personalized", False),
    ]
    assert Experiment.objects.count() == 1


def test_without_a_holdout_nothing_is_created_or_recorded(as_visitor):
    as_visitor(visitor_id(held_out=False)).get("/")
    drain()
    assert not Experiment.objects.exists() and not Enrollment.objects.exists()


def test_both_groups_are_measured_and_an_order_goes_to_its_group(
    half_held_out,
    as_visitor,
    consent_cookie_value,
    product,
    checkout_data,
    django_capture_on_commit_callbacks,
):
    held = as_visitor(visitor_id(held_out=True))
    other = Client()
    other.cookies[app_settings.CONSENT_COOKIE] = consent_cookie_value(
        "personalization", "analytics"
    )
    personalized = as_visitor(visitor_id(held_out=False), other)
    for client in (held, personalized):
        assert client.get("/").status_code == 200
        assert client.get(reverse("catalog:products")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        personalized.post(reverse("basket:add"), {"product": product.pk, "quantity": 1})
    checkout_submit(personalized, checkout_data)
    order = Order.objects.get()
    drain()
    rows = {row.arm.key: row for row in Enrollment.objects.filter(experiment__key=HOLDOUT_KEY)}
    assert set(rows) == {"holdout", "personalized"}
    assert rows["holdout"].exposures >= 2 and not rows["holdout"].converted
    assert rows["personalized"].converted and rows["personalized"].revenue == order.total
    assert rows["personalized"].add_to_basket == 1
    report = holdout_report()
    assert report.measured and report.overall is not None
    assert report.overall.holdout["visitors"] == 1 and report.overall.holdout["converted"] == 0
    assert report.overall.personalized["visitors"] == 1
    assert report.overall.personalized["converted"] == 1
    assert report.overall.personalized_rpv == float(order.total)


def test_a_warm_page_costs_no_query_for_the_holdout(
    half_held_out, as_visitor, django_assert_max_num_queries
):
    client = as_visitor(visitor_id(held_out=False))
    client.get("/")
    client.get("/")
    assert HOLDOUT_KEY in experiments().by_key
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert not [q for q in queries.captured_queries if "experiments_" in q["sql"]]
