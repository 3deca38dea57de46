"""Tested slots on pages: the exposure is recorded only when the slot renders, with no SQL
query; the "why" panel says so; the button's click is counted through a local redirect only."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from personalization.experiments.models import Enrollment, ExperimentEvent

from .conftest import HERO_B, buffered, drain, slot_experiment, visitor_with_arm

pytestmark = pytest.mark.django_db


def queries(client, path: str = "/") -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_exposure_is_recorded_when_the_slot_renders(as_visitor):
    slot_experiment()
    as_visitor(visitor_with_arm("hero-test", "b")).get("/")
    events = [json.loads(item) for item in buffered()]
    assert [(e["k"], e["d"]) for e in events] == [("exposure", "desktop")]


def test_no_exposure_on_a_page_without_the_slot(as_visitor):
    slot_experiment()
    client = as_visitor(visitor_with_arm("hero-test", "b"))
    assert client.get(reverse("personalization:privacy")).status_code == 200
    assert buffered() == []


def test_the_control_is_exposed_too(as_visitor):
    slot_experiment()
    as_visitor(visitor_with_arm("hero-test", "control")).get("/")
    assert [json.loads(item)["k"] for item in buffered()] == ["exposure"]


def test_a_running_experiment_adds_no_sql_query_to_the_page(
    as_visitor, django_capture_on_commit_callbacks, settings
):
    settings.PAGECACHE_ENABLED = False  # what a render costs, not a page from the cache
    client = as_visitor("q" * 22)
    client.get("/")  # warm: snapshots loaded, the id and session cookies set
    without = queries(client)
    with django_capture_on_commit_callbacks(execute=True):  # saved and announced, as in the admin
        slot_experiment()
    vid = visitor_with_arm("hero-test", "b")
    client = as_visitor(vid)
    client.get("/")  # the new versions are loaded once per process
    with_experiment = queries(client)
    assert HERO_B in client.get("/").content.decode()
    assert with_experiment == without
    assert ExperimentEvent.objects.count() == 0  # nothing written on the request path


def test_the_why_panel_names_the_test_and_the_arm(as_visitor):
    slot_experiment()
    client = as_visitor(visitor_with_arm("hero-test", "b"))
    page = client.get(
        reverse("personalization:why_slot", args=["home-hero"]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "You are part of a test of" in page and "(you see Arm B)" in page
    why = client.get(reverse("personalization:why")).content.decode()
    assert "Test: Test of home-hero" in why
    assert "you are part of this test (Arm B)" in why


def test_the_button_of_a_tested_slot_goes_through_the_click_counter(as_visitor):
    slot_experiment()
    client = as_visitor(visitor_with_arm("hero-test", "b"))
    page = client.get("/").content.decode()
    link = reverse("experiments:click") + "?e=hero-test&amp;next=%2Fproducts%2F"
    assert link in page
    buffered()
    response = client.get(link.replace("&amp;", "&"))
    assert response.status_code == 302 and response["Location"] == "/products/"
    assert [json.loads(item)["k"] for item in buffered()] == ["click"]


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example/", "http:evil", "javascript:x",
     "\\\\evil.example", ""],
)  # fmt: skip
def test_a_forged_click_link_never_leaves_the_site(as_visitor, target):
    slot_experiment()
    client = as_visitor(visitor_with_arm("hero-test", "b"))
    response = client.get(reverse("experiments:click"), {"e": "hero-test", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_replayed_click_link_counts_only_for_a_visitor_taking_part(client):
    slot_experiment()
    # Someone else's link, opened by a browser that takes part in nothing.
    response = client.get(reverse("experiments:click"), {"e": "hero-test", "next": "/products/"})
    assert response["Location"] == "/products/"
    assert buffered() == []


def test_the_click_counter_refuses_to_change_anything_by_post(as_visitor):
    slot_experiment()
    client = as_visitor(visitor_with_arm("hero-test", "b"))
    response = client.post(reverse("experiments:click"), {"e": "hero-test", "next": "/"})
    assert response.status_code in (403, 405)
    assert buffered() == []


def test_exposures_drain_into_one_enrollment_per_visitor(as_visitor):
    experiment = slot_experiment()
    client = as_visitor(visitor_with_arm("hero-test", "b"))
    client.get("/")
    client.get("/")
    assert drain() == 2
    enrollment = Enrollment.objects.get()
    assert enrollment.experiment == experiment and enrollment.arm.key == "b"
    assert enrollment.exposures == 2 and enrollment.first_exposure_on is not None
    assert ExperimentEvent.objects.filter(kind="exposure").count() == 2


def test_the_data_export_lists_the_tests_and_arms(as_visitor):
    slot_experiment()
    client = as_visitor(visitor_with_arm("hero-test", "b"))
    data = client.get(reverse("personalization:export")).json()
    assert data["experiments"] == {"holdout": False, "experiment.hero-test": "b"}
