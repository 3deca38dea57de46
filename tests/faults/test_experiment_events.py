"""Experiment events while Redis is hung or dead: the page renders at once, the events of the
outage are lost at most, nothing raises; once Redis is back, events flow and drain again."""

from __future__ import annotations

import json
import time

import pytest
from django.http import HttpResponse

from personalization.conf import app_settings
from personalization.consent import consent_store
from personalization.experiments.buffer import KEY, RedisListBuffer, event_buffer_reset
from personalization.experiments.models import Enrollment
from personalization.experiments.services import events_drain
from personalization.identity import SALT as VISITOR_ID_SALT
from tests.personalization.experiments.conftest import (
    HERO_B,
    slot_experiment,
    visitor_with_arm,
)

from .conftest import Stopwatch

pytestmark = [pytest.mark.faults, pytest.mark.django_db]


def signed(name: str, value: str, salt: str) -> str:
    response = HttpResponse()
    response.set_signed_cookie(name, value, salt=salt)
    return response.cookies[name].value


@pytest.fixture
def tested(shared_cache, client):
    """A browser in arm b of a running test, served once while Redis was well."""
    event_buffer_reset()  # the buffer follows the cache: Redis now
    slot_experiment()
    response = HttpResponse()
    consent_store(response, purposes={"personalization", "analytics"})
    client.cookies[app_settings.CONSENT_COOKIE] = response.cookies[
        app_settings.CONSENT_COOKIE
    ].value
    client.cookies[app_settings.VISITOR_ID_COOKIE] = signed(
        app_settings.VISITOR_ID_COOKIE, visitor_with_arm("hero-test", "b"), VISITOR_ID_SALT
    )
    assert HERO_B in client.get("/").content.decode()
    yield client
    event_buffer_reset()


def test_events_wait_in_redis_until_the_batch_writer_takes_them(shared_cache, tested):
    assert shared_cache.client().llen(KEY) == 1
    assert events_drain() == 1
    assert Enrollment.objects.get().exposures == 1


@pytest.mark.parametrize("fault", ["hang", "kill"])
def test_a_hung_or_dead_redis_costs_the_page_nothing_but_its_events(
    shared_cache, tested, redis_calls, fault
):
    events_drain()
    getattr(shared_cache, fault)()
    with Stopwatch() as took:
        for _ in range(10):
            page = tested.get("/")
            assert page.status_code == 200 and HERO_B in page.content.decode()
    # A short timeout (0.5 s) for the first call and for each of the breaker's retries after
    # its back-off; every other call (cache and events) fails at once.
    assert took.seconds < 5
    assert redis_calls.calls <= 4
    assert events_drain() == 0  # nothing to read, and nothing raised


def test_events_flow_again_once_redis_is_back(shared_cache, tested):
    events_drain()
    shared_cache.kill()
    tested.get("/")  # lost with the outage
    shared_cache.start()
    time.sleep(1.1)  # past the breaker's back-off
    tested.get("/")  # the retry that closes the breaker
    tested.get("/")
    assert events_drain() >= 1
    assert Enrollment.objects.get().exposures >= 2


def test_the_buffer_is_a_plain_redis_list_of_json(shared_cache, tested):
    items = RedisListBuffer().pop(10)
    assert [json.loads(item)["k"] for item in items] == ["exposure"]


def test_the_buffer_keeps_its_newest_events_up_to_its_cap(shared_cache, settings):
    """The batch writer stopped: the list grows to PERSONALIZATION_EXPERIMENT_BUFFER_MAX and
    then drops its oldest events, never more."""
    settings.PERSONALIZATION_EXPERIMENT_BUFFER_MAX = 3
    buffer = RedisListBuffer()
    assert buffer.push(["1", "2"])
    assert buffer.push(["3", "4", "5"])
    assert buffer.size() == 3
    assert buffer.pop(10) == ["3", "4", "5"]
