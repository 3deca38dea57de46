"""Order e-mails against a real SMTP server that refuses, defers, hangs or is not there.

One bad address never stops the others, a temporary failure is tried again after its back-off,
a refusal is shown to staff, and no e-mail is ever sent twice.
"""

from __future__ import annotations

import socket
import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shop.orders.models import Order, OrderEvent, OrderStatus
from shop.orders.services import order_emails_send_pending, order_event_add
from tests.factories import UserFactory
from tests.faults.smtp_sink import free_port, smtp_sink_fixture  # noqa: F401

MINUTE = timedelta(minutes=1)


def paid_order(email: str, key: str) -> Order:
    """An order paid a while ago whose confirmation has not gone out yet."""
    order = Order.objects.create(
        email=email, name="Aiko Tanaka", country="JP", region="JP-13", postal_code="1000001",
        city="Chiyoda", address="1-1 Chiyoda", shipping_method="standard",
        shipping_price=Decimal(600), subtotal=Decimal(2400), total=Decimal(3000), currency="JPY",
        status=OrderStatus.PAID, idempotency_key=key,
    )  # fmt: skip
    event = OrderEvent.objects.create(order=order, status=OrderStatus.PAID)
    OrderEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - 10 * MINUTE)
    return order


def confirmation(order: Order) -> OrderEvent:
    return order.events.get(status=OrderStatus.PAID)


@pytest.mark.django_db
def test_a_refused_address_never_stops_the_confirmations_of_later_orders(smtp_sink):
    first = paid_order("first@example.com", "k1")
    refused = paid_order("nobody@example.com", "k2")
    later = paid_order("later@example.com", "k3")
    smtp_sink.refused.add("nobody@example.com")

    assert order_emails_send_pending() == 2

    for order in (first, later):
        [message] = smtp_sink.received_by(order.email)
        assert message["Subject"] == f"Order confirmation {order.number}"
    event = confirmation(refused)
    assert event.emailed_at is None
    assert event.email_failed_at is not None
    assert "550" in event.email_error
    assert "User unknown" in event.email_error


@pytest.mark.django_db
def test_a_refused_address_is_never_tried_again(smtp_sink):
    refused = paid_order("nobody@example.com", "k1")
    smtp_sink.refused.add("nobody@example.com")
    order_emails_send_pending()

    later = timezone.now() + timedelta(days=2)
    assert order_emails_send_pending(now=later) == 0
    assert smtp_sink.tried["nobody@example.com"] == 1
    assert confirmation(refused).email_attempts == 1


@pytest.mark.django_db
def test_a_status_change_for_a_refused_address_is_marked_failed_after_one_try(
    smtp_sink, django_capture_on_commit_callbacks
):
    order = paid_order("nobody@example.com", "k1")
    smtp_sink.refused.add("nobody@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        event = order_event_add(order=order, status=OrderStatus.PACKED)

    event.refresh_from_db()
    assert event.email_failed_at is not None
    assert smtp_sink.tried["nobody@example.com"] == 1


@pytest.mark.django_db
def test_a_temporary_failure_is_retried_after_its_back_off_and_then_sent(smtp_sink, settings):
    settings.SHOP_EMAIL_RETRY_DELAY = 300
    order = paid_order("busy@example.com", "k1")
    smtp_sink.deferred["busy@example.com"] = 1
    start = timezone.now()

    assert order_emails_send_pending(now=start) == 0
    event = confirmation(order)
    assert event.email_failed_at is None
    assert "451" in event.email_error
    assert event.email_next_attempt_at >= start + 5 * MINUTE

    # Not before its time, however often the sweep runs.
    assert order_emails_send_pending(now=start + 4 * MINUTE) == 0
    assert smtp_sink.tried["busy@example.com"] == 1

    assert order_emails_send_pending(now=start + 6 * MINUTE) == 1
    assert order_emails_send_pending(now=start + 60 * MINUTE) == 0
    assert len(smtp_sink.received_by("busy@example.com")) == 1
    event.refresh_from_db()
    assert event.emailed_at is not None
    assert event.email_attempts == 2
    assert event.email_error == ""


@pytest.mark.django_db
def test_the_back_off_doubles_and_gives_up_after_the_last_attempt(smtp_sink, settings):
    settings.SHOP_EMAIL_RETRY_DELAY = 300
    settings.SHOP_EMAIL_MAX_ATTEMPTS = 3
    order = paid_order("busy@example.com", "k1")
    smtp_sink.deferred["busy@example.com"] = 100
    now = timezone.now()

    order_emails_send_pending(now=now)
    assert confirmation(order).email_next_attempt_at >= now + 5 * MINUTE
    now += 6 * MINUTE
    order_emails_send_pending(now=now)
    assert confirmation(order).email_next_attempt_at >= now + 10 * MINUTE
    now += 11 * MINUTE
    order_emails_send_pending(now=now)

    event = confirmation(order)
    assert event.email_attempts == 3
    assert event.email_failed_at is not None
    assert "451" in event.email_error
    order_emails_send_pending(now=now + timedelta(days=1))
    assert smtp_sink.tried["busy@example.com"] == 3


@pytest.mark.django_db
def test_a_mail_server_that_is_down_is_retried_and_the_email_sent_when_it_is_back(
    smtp_sink, settings
):
    order = paid_order("aiko@example.com", "k1")
    sink_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nothing listens: connection refused
    start = timezone.now()

    assert order_emails_send_pending(now=start) == 0
    event = confirmation(order)
    assert event.email_failed_at is None
    assert event.email_error

    settings.EMAIL_PORT = sink_port
    assert order_emails_send_pending(now=start + timedelta(hours=1)) == 1
    assert len(smtp_sink.received_by("aiko@example.com")) == 1


@pytest.mark.django_db
def test_a_hung_mail_server_costs_the_sweep_its_timeout_not_forever(settings):
    """A server that accepts the connection and never greets."""
    order = paid_order("aiko@example.com", "k1")
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen()
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = hung.getsockname()
        settings.EMAIL_TIMEOUT = 1
        began = time.monotonic()
        assert order_emails_send_pending() == 0
        assert time.monotonic() - began < 5
    event = confirmation(order)
    assert event.email_failed_at is None
    assert "timed out" in event.email_error


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_every_email_exactly_once(smtp_sink):
    orders = [paid_order(f"shopper{n}@example.com", f"k{n}") for n in range(8)]
    smtp_sink.delay = 0.05  # each send takes a while, so the two sweeps overlap
    sent: list[int] = []

    def sweep() -> None:
        try:
            sent.append(order_emails_send_pending())
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sum(sent) == 8
    for order in orders:
        assert len(smtp_sink.received_by(order.email)) == 1
    assert order_emails_send_pending() == 0


@pytest.fixture
def staff_client(db) -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.django_db
def test_staff_see_the_failed_email_in_the_order_list_and_on_the_order(smtp_sink, staff_client):
    refused = paid_order("nobody@example.com", "k1")
    fine = paid_order("fine@example.com", "k2")
    smtp_sink.refused.add("nobody@example.com")
    order_emails_send_pending()

    changelist = reverse("admin:orders_order_changelist")
    failed_only = staff_client.get(changelist, {"email_failed": "yes"}).content.decode()
    assert refused.number in failed_only
    assert fine.number not in failed_only
    assert "E-mail failed" in staff_client.get(changelist).content.decode()

    page = staff_client.get(reverse("admin:orders_order_change", args=[refused.pk]))
    assert "User unknown" in page.content.decode()


@pytest.mark.django_db
def test_staff_retry_a_failed_email_and_it_is_sent_once(
    smtp_sink, staff_client, django_capture_on_commit_callbacks
):
    order = paid_order("nobody@example.com", "k1")
    smtp_sink.refused.add("nobody@example.com")
    order_emails_send_pending()
    smtp_sink.refused.clear()  # the customer fixed their mailbox

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:orders_order_changelist"),
            {"action": "email_retry", "_selected_action": [order.pk]},
            follow=True,
        )
    assert "1 e-mail will be sent again." in response.content.decode()
    assert len(smtp_sink.received_by("nobody@example.com")) == 1
    event = confirmation(order)
    assert event.emailed_at is not None
    assert event.email_failed_at is None
    assert order_emails_send_pending(now=timezone.now() + timedelta(days=1)) == 0
    assert len(smtp_sink.received_by("nobody@example.com")) == 1
