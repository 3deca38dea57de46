"""Customer support with Redis hung or gone: questions are taken (the throttle fails open),
and an open page's poll is answered from the database, fast, until Redis is back."""

from __future__ import annotations

import datetime
import time

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from shop.support.models import Conversation, Shift
from shop.support.services import conversation_link_token, reply_add
from tests.factories import UserFactory

from .conftest import Stopwatch

pytestmark = [pytest.mark.faults, pytest.mark.django_db]


@pytest.fixture
def ken(db):
    agent = UserFactory(is_staff=True, first_name="Ken")
    agent.groups.add(Group.objects.get(name="Support"))
    for day in range(7):
        Shift.objects.create(
            agent=agent, weekday=day, starts=datetime.time(0), ends=datetime.time(23, 59)
        )
    return agent


def ask(client: Client) -> Conversation:
    data = {"name": "Aiko", "email": "aiko@example.com", "topic": "other", "body": "Hello?"}
    assert client.post("/support/ask/", data).status_code == 302
    return Conversation.objects.latest("pk")


@pytest.mark.parametrize("fault", ["kill", "hang"])
def test_a_question_is_taken_and_the_reply_still_reaches_the_open_page(
    client, ken, shared_cache, fault
):
    getattr(shared_cache, fault)()
    with Stopwatch() as took:
        conversation = ask(client)
    assert took.seconds < 5
    poll = f"/support/c/{conversation_link_token(conversation)}/poll/"
    assert client.get(poll, {"v": conversation.version}).status_code == 204
    reply_add(conversation=conversation, agent=ken, body="Answered while Redis was away")
    with Stopwatch() as took:
        response = client.get(poll, {"v": conversation.version})
    assert took.seconds < 5
    assert response.status_code == 200
    assert "Answered while Redis was away" in response.content.decode()
    if fault == "hang":
        shared_cache.resume()


def test_a_reply_that_could_not_reach_a_hung_redis_shows_within_the_max_age(
    client, ken, shared_cache, settings
):
    settings.SHOP_SUPPORT_VERSION_MAX_AGE = 1
    conversation = ask(client)
    seen = conversation.version
    poll = f"/support/c/{conversation_link_token(conversation)}/poll/"
    assert client.get(poll, {"v": seen}).status_code == 204  # the version is in Redis
    shared_cache.hang()
    reply_add(conversation=conversation, agent=ken, body="Sent during the outage")
    shared_cache.resume()
    # Redis still holds the old version; once its copy is older than the max age, the
    # database answers and the reply shows.
    deadline = time.monotonic() + 10
    while (response := client.get(poll, {"v": seen})).status_code == 204:
        assert time.monotonic() < deadline, "the reply stayed hidden behind a stale version"
        time.sleep(0.2)
    assert "Sent during the outage" in response.content.decode()
