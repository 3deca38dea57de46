"""Snapshot versions on a real Redis: read once per request with one MGET (or reused by the next
requests of the process for KERNEL_SNAPSHOT_VERSIONS_SECONDS), and a change made by another
process is seen by the next request that reads them."""

from __future__ import annotations

import time

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
    settings.KERNEL_SNAPSHOT_VERSIONS_SECONDS = 0  # each request reads them
    assert client.get(reverse("catalog:home")).status_code == 200  # loads, fills Redis
    redis_commands.clear()
    assert client.get(reverse("catalog:home")).status_code == 200
    assert redis_commands == ["MGET"]


def test_a_home_page_from_the_decision_cache_costs_at_most_the_versions_mget(
    shared_cache, client, product, redis_commands, settings
):
    settings.KERNEL_SNAPSHOT_VERSIONS_SECONDS = 0
    assert client.get(reverse("catalog:home")).status_code == 200  # recorded and stored
    redis_commands.clear()
    page = client.get(reverse("catalog:home"))
    assert page["X-Page-Cache"] == "hit"
    # The versions; the URL's recipes and the page are held in this process's memory too.
    assert redis_commands == ["MGET"]
    settings.KERNEL_SNAPSHOT_VERSIONS_SECONDS = 30
    client.get(reverse("catalog:home"))
    redis_commands.clear()
    assert client.get(reverse("catalog:home"))["X-Page-Cache"] == "hit"
    assert redis_commands == []  # versions reused too: nothing asked of Redis


def test_another_process_change_shows_once_the_versions_reused_are_older_than_allowed(
    shared_cache, client, product, settings
):
    from django.core.cache import cache

    from kernel.snapshot import _key
    from personalization.models import SnapshotVersion

    settings.KERNEL_SNAPSHOT_VERSIONS_SECONDS = 0.3
    client.get(reverse("catalog:home"))  # the versions are put in the cache
    assert "Autumn has come" not in client.get(reverse("catalog:home")).content.decode()
    # What another worker's save does: the row, its version, then the shared cache.
    Slot.objects.get(key="home-hero").variants.filter(is_default=True).update(
        headline="Autumn has come"
    )
    SnapshotVersion.objects.filter(name="content").update(version="changed-elsewhere")
    cache.set(_key("content"), "changed-elsewhere", timeout=None)
    assert "Autumn has come" not in client.get(reverse("catalog:home")).content.decode()
    time.sleep(0.35)
    assert "Autumn has come" in client.get(reverse("catalog:home")).content.decode()


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
