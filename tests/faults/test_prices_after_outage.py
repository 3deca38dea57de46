"""An offer corrected while Redis could not be reached: no page or order keeps the old price,
even once Redis is back with the old snapshot version in it."""

from __future__ import annotations

import re
import time
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from personalization.models import SnapshotVersion
from shop.offers.models import Offer, OfferKind
from shop.orders.models import Order
from tests.conftest import checkout_submit

pytestmark = [pytest.mark.faults, pytest.mark.django_db]

EIGHTY_OFF, EIGHT_OFF = "¥240", "¥1,104"  # one bag at ¥1,200


@pytest.fixture
def sale(django_capture_on_commit_callbacks) -> Offer:
    with django_capture_on_commit_callbacks(execute=True):
        return Offer.objects.create(name="Big sale", kind=OfferKind.PERCENT, value=Decimal(80))


def correct(offer: Offer, capture) -> None:
    """The editor's fix, saved as the admin saves it (its bump reaches the cache only if Redis
    answers)."""
    with capture(execute=True):
        offer.value = Decimal(8)
        offer.save()


def price_shown(client, product) -> str:
    page = client.get(product.get_absolute_url()).content.decode()
    assert (EIGHTY_OFF in page) != (EIGHT_OFF in page)
    return EIGHTY_OFF if EIGHTY_OFF in page else EIGHT_OFF


def test_a_change_made_while_redis_is_down_shows_at_once(
    shared_cache, client, product, sale, django_capture_on_commit_callbacks
):
    assert price_shown(client, product) == EIGHTY_OFF
    shared_cache.hang()
    correct(sale, django_capture_on_commit_callbacks)
    assert price_shown(client, product) == EIGHT_OFF


def missed_while_down(server, client, product, offer, capture) -> None:
    """This worker shows the 80 % offers; the fix is saved while Redis is down, and Redis comes
    back with the old version (it had saved its data)."""
    assert price_shown(client, product) == EIGHTY_OFF
    server.save()
    server.kill()
    correct(offer, capture)
    server.start()  # with the version of the 80 % offers
    time.sleep(1.1)  # past the breaker's back-off: the worker reads Redis again


def test_a_worker_that_missed_the_change_never_charges_the_old_price(
    shared_cache, client, product, sale, django_capture_on_commit_callbacks, checkout_data
):
    assert client.post(reverse("basket:add"), {"product": product.pk, "quantity": 2}).status_code
    missed_while_down(shared_cache, client, product, sale, django_capture_on_commit_callbacks)

    # The checkout page, from this worker's outdated offers, says 80 %; placing the order prices
    # with the database's offers: refused with the right total, then placed at 8 %.
    page = client.get(reverse("checkout:checkout")).content.decode()
    seen = re.search(r'name="expected_discount" value="([^"]+)"', page)[1]
    assert Decimal(seen) == Decimal(1920)
    refused = checkout_submit(client, checkout_data, expected_discount=seen)
    assert "Your discounts changed since you saw them. The new total is ¥2,808" in (
        refused.content.decode()
    )
    assert not Order.objects.exists()
    again = re.search(r'name="expected_discount" value="([^"]+)"', refused.content.decode())[1]
    checkout_submit(client, checkout_data, token="form-token-2", expected_discount=again)
    assert Order.objects.get().discount_total == Decimal(192)
    # The refusal made this worker check its offers' version: its pages are right again.
    assert price_shown(client, product) == EIGHT_OFF


def test_a_worker_that_missed_the_change_shows_it_within_the_snapshots_maximum_age(
    shared_cache, client, product, sale, django_capture_on_commit_callbacks, monkeypatch
):
    missed_while_down(shared_cache, client, product, sale, django_capture_on_commit_callbacks)
    assert price_shown(client, product) == EIGHTY_OFF  # Redis and this worker agree, wrongly
    monkeypatch.setattr("kernel.snapshot.time", _Later(seconds=31))
    assert price_shown(client, product) == EIGHT_OFF
    # Redis has the database's version again: every other worker reloads on its next request.
    stored = SnapshotVersion.objects.get(name="offers").version
    assert cache.get("personalization:snapshot:offers") == stored


class _Later:
    """The snapshots' clock, some time from now (the default maximum age is 30 s)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def monotonic(self) -> float:
        return time.monotonic() + self.seconds
