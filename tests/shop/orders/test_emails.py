"""E-mails survive a broker outage, and a real worker sends them."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from shop.celery import app
from shop.orders.models import OrderEvent, OrderStatus
from shop.orders.services import order_emails_send_pending, order_event_add
from tests.conftest import broker


@pytest.fixture
def broker_down():
    """A broker address where nothing listens: queuing fails fast instead of hanging."""
    with broker("redis://127.0.0.1:9/0"):
        yield


@pytest.mark.django_db
def test_a_broker_outage_keeps_the_event_and_the_sweep_sends_it_later(
    order, broker_down, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        event = order_event_add(order=order, status=OrderStatus.PACKED)
    assert mail.outbox == []
    assert "Could not queue the e-mail" in caplog.text
    event.refresh_from_db()
    assert event.emailed_at is None

    OrderEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert order_emails_send_pending() == 1
    assert order_emails_send_pending() == 0  # sent once, never twice
    assert [message.subject for message in mail.outbox] == [f"Your order {order.number} is packed"]


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_order_email(order, settings):
    """A Celery worker (threads, over the configured broker: Redis in CI) consumes the task."""
    with (
        broker(settings.CELERY_BROKER_URL or "memory://"),
        start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=10),
    ):
        # Outside a transaction the on-commit hook runs at once and queues the task.
        event = order_event_add(order=order, status=OrderStatus.SHIPPED, note="JP999")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            event.refresh_from_db()
            if event.emailed_at:
                break
            time.sleep(0.05)
    assert event.emailed_at is not None
    assert mail.outbox[-1].subject == f"Your order {order.number} is on its way"
