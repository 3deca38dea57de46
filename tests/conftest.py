from __future__ import annotations

import re
from contextlib import contextmanager

import kombu.pools
import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from kernel.snapshot import snapshot_forget_all
from personalization import visitor as visitor_module
from personalization.decisions import shared_answers_forget
from personalization.experiments.buffer import event_buffer_reset
from personalization.resolvers import location as location_module
from shop.celery import app as celery_app
from shop.pagecache import local_copies_forget
from tests.factories import CategoryFactory, ProductFactory, UserFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads and renditions go to a temporary folder, never the developer's media."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _celery_connections_reset() -> None:
    # Celery caches its connection and producer pools on first use, and a stopped worker closes
    # them; drop them so the next task builds fresh ones for the broker configured now.
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker(url: str):
    """Send tasks to a real broker instead of running them in process, then restore."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.get("broker_write_url"), conf.get("broker_read_url")
    # Celery prefers the CELERY_BROKER_URL environment variable to `broker_url`, but not to
    # these two, which are what producers and workers connect with.
    conf.task_always_eager, conf.broker_write_url, conf.broker_read_url = False, url, url
    _celery_connections_reset()
    try:
        yield
    finally:
        conf.task_always_eager, conf.broker_write_url, conf.broker_read_url = saved
        _celery_connections_reset()


@pytest.fixture(autouse=True)
def _tasks_in_process():
    """Tasks run in process unless a test asks for a broker (tests/shop/orders/test_emails.py
    runs a real worker on the configured broker: Redis in CI)."""
    celery_app.conf.task_always_eager = True
    _celery_connections_reset()


@pytest.fixture(autouse=True)
def _fresh_process():
    """Every test starts as a newly started worker beside an empty shared cache: no throttle
    counters or snapshot versions carried over in the cache (Redis in CI), no snapshot of
    another test's rows held in this process, resolvers and the GeoIP reader built again from
    this test's settings, an empty experiment event buffer. The one place that resets what
    outlives a test."""
    cache.clear()
    snapshot_forget_all()
    shared_answers_forget()
    local_copies_forget()
    visitor_module._resolvers.cache_clear()
    location_module._geoip_reader.cache_clear()
    event_buffer_reset()
    yield
    snapshot_forget_all()
    event_buffer_reset()


@pytest.fixture(autouse=True)
def _events_stay_buffered(settings):
    """Experiment events wait in the buffer until a test drains them: no drain after each
    response, as `make run` does (tests/personalization/experiments/test_drain_in_process.py
    switches it on)."""
    settings.PERSONALIZATION_EXPERIMENT_DRAIN_IN_PROCESS_SECONDS = 0
    # Each page's exposures reach the buffer when it answers (test_exposure_hold.py holds them).
    settings.PERSONALIZATION_EXPERIMENT_EXPOSURE_HOLD_SECONDS = 0


@pytest.fixture(autouse=True)
def _english(settings):
    """English, also in this thread: a test that left translations deactivated (an
    `override` entered with none active ends with `deactivate_all()`) would otherwise hand
    the next one a thread where model translations and lazy strings have no language."""
    settings.LANGUAGE_CODE = "en"
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def category(db):
    return CategoryFactory(name="Food", slug="food")


@pytest.fixture
def product(db, category):
    return ProductFactory(
        name="Salmon cat food", slug="salmon-cat-food", category=category, pet_type="cat", stock=5
    )


@pytest.fixture
def checkout_data():
    """A complete, valid checkout form as a shopper in Tokyo would fill it."""
    return {
        "email": "aiko@example.com",
        "name": "Aiko Tanaka",
        "phone": "",
        "country": "JP",
        "region": "JP-13",
        "postal_code": "1000001",
        "city": "Chiyoda",
        "address": "1-1 Chiyoda",
        "shipping_method": "standard",
        "card_number": "4242 4242 4242 4242",
        "card_expiry": "12/39",
        "card_cvc": "123",
        "token": "form-token-1",
    }


TOKEN_INPUT = re.compile(r'name="token" value="([^"]+)"')


def checkout_submit(client, data: dict, **overrides):
    """Post the checkout form as its page would, following redirects.

    The `token` in the data names one checkout page: the first time a name is used, the page
    is fetched and its signed token (bound to this client's basket) stands in for the name, so
    sending the same name twice is submitting the same page twice."""
    fields = {**data, **overrides}
    tokens = client.__dict__.setdefault("_checkout_tokens", {})
    name = fields.get("token", "")
    if name not in tokens:
        page = client.get(reverse("checkout:checkout"))
        found = TOKEN_INPUT.search(page.content.decode()) if page.status_code == 200 else None
        tokens[name] = found[1] if found else name
    fields["token"] = tokens[name]
    return client.post(reverse("checkout:checkout"), fields, follow=True)
