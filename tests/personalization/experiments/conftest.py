"""Experiments: a running test of the home hero, visitors with known ids, the event buffer."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.http import HttpResponse
from django.test import Client

from personalization.conf import app_settings
from personalization.experiments.assignment import arm_pick, experiments, is_enrolled
from personalization.experiments.buffer import event_buffer, event_buffer_reset
from personalization.experiments.models import Arm, Experiment, ExperimentKind
from personalization.experiments.services import events_drain, experiment_start
from personalization.identity import SALT as VISITOR_ID_SALT
from personalization.models import Slot, Variant
from personalization.slots import content_changed

HERO_DEFAULT = "Everything your pet needs, delivered across Japan"
HERO_B = "Hero B: free treats with every order"


@pytest.fixture(autouse=True)
def _empty_event_buffer():
    """Each test starts and ends with no events waiting (in memory, or in Redis in CI)."""
    event_buffer_reset()
    event_buffer().pop(10**7)
    yield
    event_buffer().pop(10**7)
    event_buffer_reset()


def buffered() -> list[str]:
    """Take every event waiting in the buffer (and leave it empty)."""
    return event_buffer().pop(10**7)


def slot_experiment(
    key: str = "hero-test",
    *,
    slot: str = "home-hero",
    weights: tuple[int, int] = (1, 1),
    traffic: int = 100,
    start: bool = True,
    **fields,
) -> Experiment:
    """A test of a slot: the control shows what the rules show, arm b a new headline."""
    the_slot = Slot.objects.get(key=slot)
    variant = Variant.objects.create(
        slot=the_slot, name=f"{key} b", headline=HERO_B, cta_label="Shop now",
        cta_url="/products/", priority=500,
        # Switched off: the rules never show it, only the experiment's arm does.
        is_active=False,
    )  # fmt: skip
    content_changed()
    experiment = Experiment.objects.create(
        key=key, name=f"Test of {slot}", kind=ExperimentKind.SLOT, slot=the_slot,
        traffic_percent=traffic, **fields,
    )  # fmt: skip
    Arm.objects.create(
        experiment=experiment, key="control", name="Control", weight=weights[0], is_control=True
    )
    Arm.objects.create(
        experiment=experiment, key="b", name="Arm B", weight=weights[1], variant=variant
    )
    if start:
        experiment_start(experiment=experiment)
    return experiment


def offer_experiment(key: str = "winter-offer", **fields) -> Experiment:
    experiment = Experiment.objects.create(
        key=key, name="Winter offer", kind=ExperimentKind.OFFER, **fields
    )
    Arm.objects.create(experiment=experiment, key="control", name="Control", is_control=True)
    Arm.objects.create(experiment=experiment, key="treatment", name="Treatment")
    experiment_start(experiment=experiment)
    return experiment


def visitor_with_arm(key: str, arm: str, *, start: int = 0) -> str:
    """A visitor id the experiment `key` enrols in `arm` by its hash."""
    entry = experiments().by_key[key]
    for number in range(start, start + 10_000):
        vid = f"visitor-{number:014d}"[:22]
        if is_enrolled(entry, vid) and arm_pick(entry, vid).key == arm:
            return vid
    raise AssertionError(f"no visitor falls in {arm}")


@pytest.fixture
def signed_cookie() -> Callable[[str, str, str], str]:
    def make(name: str, value: str, salt: str) -> str:
        response = HttpResponse()
        response.set_signed_cookie(name, value, salt=salt)
        return response.cookies[name].value

    return make


@pytest.fixture
def as_visitor(consenting_client, signed_cookie) -> Callable[[str], Client]:
    """The consenting browser, carrying this visitor id (22 characters, as ids are)."""

    def make(vid: str, client: Client | None = None) -> Client:
        assert len(vid) == 22, vid
        client = client or consenting_client
        client.cookies[app_settings.VISITOR_ID_COOKIE] = signed_cookie(
            app_settings.VISITOR_ID_COOKIE, vid, VISITOR_ID_SALT
        )
        return client

    return make


def drain() -> int:
    return events_drain()
