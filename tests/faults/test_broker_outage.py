"""A hung Celery broker: the order is placed and shown at once; its e-mail goes later."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from shop.orders.models import Order, OrderEvent
from shop.orders.services import order_emails_send_pending
from tests.conftest import broker, checkout_submit

from .conftest import Stopwatch

pytestmark = [pytest.mark.faults, pytest.mark.django_db]


def test_an_order_is_placed_quickly_while_the_broker_is_hung(
    shared_cache, client, product, checkout_data, django_capture_on_commit_callbacks
):
    assert client.post(reverse("basket:add"), {"product": product.pk, "quantity": 1}).status_code
    with broker(shared_cache.url):
        shared_cache.hang()  # the cache and the broker: the same hung Redis
        with Stopwatch() as took, django_capture_on_commit_callbacks(execute=True):
            response = checkout_submit(client, checkout_data)
    order = Order.objects.get()
    assert order.number in response.content.decode()
    # Queuing the e-mail gave up after the broker's timeouts: seconds, not a worker's lifetime.
    assert took.seconds < 8
    assert mail.outbox == []

    shared_cache.resume()
    OrderEvent.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    assert order_emails_send_pending() >= 1  # the sweep (send_pending_order_emails) sends it
    assert any(order.number in message.subject for message in mail.outbox)
