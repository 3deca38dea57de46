"""Snapshot versions on a real Redis: read once per request with one MGET, and a change made
by another process is seen by the next request."""

from __future__ import annotations

import pytest
import redis
from django.urls import reverse

from personalization.models import Slot

pytestmark = [pytest.mark.faults, pytest.mark.django_db]


@pytest.fixture
def redis_commands(monkeypatch) -> list[str]:
    """The names of the commands the shop sends to Redis."""
    sent: list[str] = []
    send = redis.Redis.execute_command

    def counted(self, *args, **options):
        sent.append(str(args[0]).upper())
        return send(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counted)
    return sent


def test_a_warm_home_page_reads_every_snapshot_version_with_one_mget(
    shared_cache, client, product, redis_commands, settings
):
    settings.PAGECACHE_ENABLED = False  # a page rendered, not one from the decision cache
    assert client.get(reverse("catalog:home")).status_code == 200  # loads, fills Redis
    redis_commands.clear()
    assert client.get(reverse("catalog:home")).status_code == 200
    assert redis_commands == ["MGET"]


def test_a_home_page_from_the_decision_cache_costs_three_redis_commands(
    shared_cache, client, product, redis_commands
):
    assert client.get(reverse("catalog:home")).status_code == 200  # recorded and stored
    redis_commands.clear()
    page = client.get(reverse("catalog:home"))
    assert page["X-Page-Cache"] == "hit"
    # The versions, the URL's recipes, the page under the answers' fingerprint.
    assert redis_commands == ["MGET", "GET", "MGET"]


def test_a_change_committed_between_two_pages_shows_on_the_next_one(
    shared_cache, client, product, django_capture_on_commit_callbacks
):
    assert client.get(reverse("catalog:home")).status_code == 200
    hero = Slot.objects.get(key="home-hero").variants.get(is_default=True)
    hero.headline = "Autumn has come"
    with django_capture_on_commit_callbacks(execute=True):  # saved and committed
        hero.save()
    assert "Autumn has come" in client.get(reverse("catalog:home")).content.decode()


def test_pages_answer_when_the_versions_cannot_be_read(shared_cache, client, product):
    assert client.get(reverse("catalog:home")).status_code == 200
    shared_cache.hang()
    for _ in range(3):
        assert client.get(reverse("catalog:home")).status_code == 200
