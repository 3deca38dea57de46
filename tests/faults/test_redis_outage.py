"""A hung or lost Redis under the shop: pages answer, orders are placed, the breaker spares
Redis, and the shop goes back to it when it returns."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from shop.checkout.models import Payment, PaymentStatus
from shop.orders.models import Order, OrderStatus
from tests.conftest import checkout_submit

from .conftest import Stopwatch

pytestmark = [pytest.mark.faults, pytest.mark.django_db]


@pytest.fixture
def shopper(client, product):
    """A shopper with two bags in the basket, who has browsed while Redis was well."""
    assert client.get(reverse("catalog:home")).status_code == 200
    response = client.post(reverse("basket:add"), {"product": product.pk, "quantity": 2})
    assert response.status_code == 302
    return client


def pages_answer(client, product) -> None:
    for url in (reverse("catalog:home"), product.get_absolute_url(), reverse("basket:detail")):
        response = client.get(url)
        assert response.status_code == 200, url


def order_placed(client, checkout_data) -> Order:
    response = checkout_submit(client, checkout_data)
    order = Order.objects.get()
    assert order.number in response.content.decode()
    assert order.status == OrderStatus.PAID
    assert Payment.objects.get(order=order).status == PaymentStatus.CAPTURED
    return order


@pytest.mark.parametrize("fault", ["hang", "kill"])
def test_pages_answer_and_the_order_is_placed_quickly_while_redis_is_hung_or_dead(
    shared_cache, shopper, product, checkout_data, redis_calls, fault
):
    getattr(shared_cache, fault)()
    with Stopwatch() as took:
        pages_answer(shopper, product)
        order = order_placed(shopper, checkout_data)
    assert order.lines.get().quantity == 2
    # Each call to a hung Redis waits 0.5 s at most, and only the first (and the breaker's
    # retries) are made at all: seconds, where the shop used to wait forever.
    assert took.seconds < 5
    assert redis_calls.calls <= 4


def test_the_breaker_stops_calling_a_hung_redis_and_tries_again_after_its_back_off(
    shared_cache, shopper, product, redis_calls
):
    shared_cache.hang()
    with Stopwatch() as took:
        for _ in range(10):
            assert shopper.get(reverse("catalog:home")).status_code == 200
    # 10 pages of several cache reads each, yet Redis is called once, then at most once per
    # back-off (0.5 s at least) that has passed: the calls follow the clock, not the pages.
    assert redis_calls.calls <= 1 + int(took.seconds / 0.5)
    assert redis_calls.calls < 10
    assert took.seconds < 3

    time.sleep(1.1)  # past the longest back-off: the next page tries Redis once, and only once
    calls = redis_calls.calls
    assert shopper.get(reverse("catalog:home")).status_code == 200
    assert redis_calls.calls == calls + 1


def test_the_shop_uses_redis_again_once_it_is_back(shared_cache, shopper, product, redis_calls):
    shared_cache.kill()
    pages_answer(shopper, product)
    shared_cache.start()  # empty: nothing was saved
    assert shared_cache.client().keys("*personalization:snapshot:*") == []

    time.sleep(1.1)  # the longest back-off in these tests
    calls = redis_calls.calls
    pages_answer(shopper, product)
    assert redis_calls.calls > calls
    # The snapshot versions are in Redis again, as the database has them.
    assert shared_cache.client().keys("*personalization:snapshot:offers")
