"""Without Redis or a worker (`make run`), events buffered in the web process's memory are
written after responses, every few seconds at most, one drain at a time, never failing a page."""

from __future__ import annotations

import pytest

from personalization.experiments import services
from personalization.experiments.buffer import event_buffer
from personalization.experiments.models import Enrollment
from personalization.experiments.services import (
    events_drain_in_process,
    events_drain_in_process_reset,
)

from .conftest import slot_experiment, visitor_with_arm

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def drain_after_responses(settings):
    # A laptop's setup: events wait in the web process's memory (also where CI has Redis).
    settings.PERSONALIZATION_EXPERIMENT_BUFFER = "personalization.experiments.buffer.MemoryBuffer"
    settings.PERSONALIZATION_EXPERIMENT_DRAIN_IN_PROCESS_SECONDS = 5
    events_drain_in_process_reset()
    yield
    events_drain_in_process_reset()


@pytest.fixture
def arm_b(as_visitor):
    slot_experiment()
    return as_visitor(visitor_with_arm("hero-test", "b"))


def test_a_page_fills_the_report_without_a_worker(arm_b):
    assert arm_b.get("/").status_code == 200
    # Written once the response was sent: nothing waits, the enrollment is there.
    assert event_buffer().size() == 0
    enrollment = Enrollment.objects.get()
    assert (enrollment.arm.key, enrollment.exposures) == ("b", 1)


def test_at_most_one_drain_every_few_seconds(arm_b):
    arm_b.get("/")
    arm_b.get("/")  # within the interval: its exposure waits
    assert event_buffer().size() == 1
    assert Enrollment.objects.get().exposures == 1
    assert events_drain_in_process(now=services._in_process_last[0] + 6) == 1
    assert Enrollment.objects.get().exposures == 2


def test_a_drain_under_way_is_not_waited_for(arm_b):
    with services._in_process_lock:  # another thread is draining
        assert arm_b.get("/").status_code == 200
    assert event_buffer().size() == 1
    assert not Enrollment.objects.exists()


def test_a_failing_drain_never_fails_the_page(arm_b, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(services, "events_drain", broken)
    assert arm_b.get("/").status_code == 200
    assert events_drain_in_process(now=10**9) == 0


def test_switched_off_or_with_a_shared_buffer_nothing_is_drained_here(arm_b, settings):
    settings.PERSONALIZATION_EXPERIMENT_DRAIN_IN_PROCESS_SECONDS = 0
    arm_b.get("/")
    assert event_buffer().size() == 1
    settings.PERSONALIZATION_EXPERIMENT_DRAIN_IN_PROCESS_SECONDS = 5
    settings.PERSONALIZATION_EXPERIMENT_BUFFER = (
        "tests.personalization.experiments.test_drain_in_process.SharedBuffer"
    )
    assert events_drain_in_process() == 0
    settings.PERSONALIZATION_EXPERIMENT_BUFFER = ""


class SharedBuffer:
    """Stands for a buffer other processes drain (Redis): never drained after a response."""

    def push(self, items: list[str]) -> bool:
        return True

    def pop(self, count: int) -> list[str]:
        raise AssertionError("drained in process")

    def size(self) -> int:
        return 1
