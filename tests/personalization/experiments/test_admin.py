"""Running experiments from the admin: arms checked, start and stop, who may manage which."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from personalization.experiments.models import Arm, Experiment, ExperimentStatus
from personalization.models import Slot, Variant
from tests.factories import UserFactory

from .conftest import offer_experiment, slot_experiment

pytestmark = pytest.mark.django_db


def staff(*groups: str) -> Client:
    user = UserFactory(is_staff=True)
    for group in groups:
        user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


def form(arms: list[dict], **fields) -> dict:
    slot = Slot.objects.get(key="home-hero")
    data = {
        "name": "Hero test", "key": "hero-admin", "kind": "slot", "slot": slot.pk,
        "traffic_percent": 100, "primary_metric": "conversion",
        "guardrail_metrics": ["return_rate"],
        "arms-TOTAL_FORMS": len(arms), "arms-INITIAL_FORMS": 0,
        "arms-MIN_NUM_FORMS": 0, "arms-MAX_NUM_FORMS": 1000, **fields,
    }  # fmt: skip
    for n, arm in enumerate(arms):
        for name, value in arm.items():
            data[f"arms-{n}-{name}"] = value
    return data


def b_variant(slot: str = "home-hero") -> Variant:
    return Variant.objects.create(
        slot=Slot.objects.get(key=slot), name="B", headline="B", is_active=False
    )


def test_an_editor_creates_a_slot_experiment_with_two_arms():
    variant = b_variant()
    response = staff("Editors").post(
        reverse("admin:experiments_experiment_add"),
        form([{"key": "control", "name": "Control", "weight": 1, "is_control": "on"},
              {"key": "b", "name": "B", "weight": 1, "variant": variant.pk}]),
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    experiment = Experiment.objects.get(key="hero-admin")
    assert experiment.status == ExperimentStatus.DRAFT and experiment.arms.count() == 2
    assert experiment.guardrail_metrics == ["return_rate"]


@pytest.mark.parametrize(
    ("arms", "message"),
    [
        ([{"key": "control", "name": "C", "weight": 1, "is_control": "on"}], "at least two arms"),
        ([{"key": "a", "name": "A", "weight": 1, "variant": "B"},
          {"key": "b", "name": "B", "weight": 1, "variant": "B"}], "Exactly one arm"),
        ([{"key": "c", "name": "C", "weight": 1, "is_control": "on"},
          {"key": "d", "name": "D", "weight": 1, "is_control": "on"}], "Exactly one arm"),
        ([{"key": "c", "name": "C", "weight": 1, "is_control": "on"},
          {"key": "b", "name": "B", "weight": 0, "variant": "B"}], "greater than or equal to 1"),
        ([{"key": "c", "name": "C", "weight": 1, "is_control": "on"},
          {"key": "b", "name": "B", "weight": 1, "variant": "OTHER"}], "another slot"),
    ],
)  # fmt: skip
def test_arms_are_checked(arms, message):
    variant, other = b_variant(), b_variant("home-strip")
    for arm in arms:
        if arm.get("variant") == "B":
            arm["variant"] = variant.pk
        elif arm.get("variant") == "OTHER":
            arm["variant"] = other.pk
    response = staff("Editors").post(reverse("admin:experiments_experiment_add"), form(arms))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Experiment.objects.exists()


def test_start_and_stop_from_the_list():
    experiment = slot_experiment(start=False)
    client = staff("Editors")
    url = reverse("admin:experiments_experiment_changelist")
    client.post(url, {"action": "start", "_selected_action": [experiment.pk]})
    experiment.refresh_from_db()
    assert experiment.status == ExperimentStatus.RUNNING and experiment.started_at
    client.post(url, {"action": "stop", "_selected_action": [experiment.pk]})
    experiment.refresh_from_db()
    assert experiment.status == ExperimentStatus.STOPPED and experiment.stopped_at


def test_the_list_links_each_experiment_to_its_report():
    experiment = slot_experiment()
    listing = staff("Editors").get(reverse("admin:experiments_experiment_changelist"))
    assert listing.status_code == 200
    page = listing.content.decode()
    report_url = reverse("experiments_report", args=[experiment.pk])
    assert f'<a href="{report_url}">Report</a>' in page
    assert "column-report_link" in page


def test_only_one_experiment_runs_on_a_slot():
    slot_experiment("first")
    second = slot_experiment("second", start=False)
    client = staff("Editors")
    response = client.post(
        reverse("admin:experiments_experiment_changelist"),
        {"action": "start", "_selected_action": [second.pk]},
        follow=True,
    )
    assert "already running on this slot" in response.content.decode()
    second.refresh_from_db()
    assert second.status == ExperimentStatus.DRAFT


def test_editors_manage_slot_experiments_and_merchandisers_offer_experiments():
    slot_test = slot_experiment()
    offer_test = offer_experiment()
    editors, merchandisers = staff("Editors"), staff("Merchandisers")
    change = "admin:experiments_experiment_change"
    assert editors.get(reverse(change, args=[slot_test.pk])).status_code == 200
    assert editors.get(reverse(change, args=[offer_test.pk])).status_code == 302  # not theirs
    assert merchandisers.get(reverse(change, args=[offer_test.pk])).status_code == 200
    assert merchandisers.get(reverse(change, args=[slot_test.pk])).status_code == 302
    listing = merchandisers.get(reverse("admin:experiments_experiment_changelist"))
    assert "Winter offer" in listing.content.decode()
    assert "Test of home-hero" not in listing.content.decode()


def test_merchandisers_may_create_the_segment_that_targets_an_arm():
    response = staff("Merchandisers").get(reverse("admin:personalization_segment_add"))
    assert response.status_code == 200


def test_a_salt_is_given_and_never_edited():
    experiment = slot_experiment()
    assert len(experiment.salt) == 16
    page = staff("Editors").get(
        reverse("admin:experiments_experiment_change", args=[experiment.pk])
    )
    assert 'name="salt"' not in page.content.decode()


@pytest.mark.parametrize("value", [80, -1, "five", None, True])
def test_the_holdout_share_is_checked_at_start_up(settings, value):
    from django.core.management.base import SystemCheckError

    settings.PERSONALIZATION_HOLDOUT_PERCENT = value
    with pytest.raises(SystemCheckError, match="personalization.E005"):
        call_command("check")


@pytest.mark.parametrize("value", [0, "5", 2.5, "0"])
def test_a_holdout_share_from_0_to_50_passes_the_check(settings, value):
    settings.PERSONALIZATION_HOLDOUT_PERCENT = value
    call_command("check")


def test_arm_keys_are_unique_in_an_experiment():
    experiment = slot_experiment()
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Arm.objects.create(experiment=experiment, key="b", name="Again")
