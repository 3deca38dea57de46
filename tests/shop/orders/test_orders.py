from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from shop.orders.models import OrderStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(email="staff@example.com", is_staff=True, is_superuser=True))
    return client


def change_status(client, order, status, tracking_number="", note=""):
    return client.post(
        reverse("admin:orders_order_change", args=[order.pk]),
        {
            "status": status,
            "tracking_number": tracking_number,
            "note": note,
            "lines-TOTAL_FORMS": 1,
            "lines-INITIAL_FORMS": 1,
            "lines-0-id": order.lines.get().pk,
            "lines-0-order": order.pk,
            "events-TOTAL_FORMS": order.events.count(),
            "events-INITIAL_FORMS": order.events.count(),
            **{f"events-{i}-id": e.pk for i, e in enumerate(order.events.all())},
            **{f"events-{i}-order": order.pk for i, _ in enumerate(order.events.all())},
        },  # fmt: skip
        follow=True,
    )


def test_staff_ship_an_order_and_the_timeline_and_an_email_follow(
    staff_client, order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        change_status(staff_client, order, "packed")
        change_status(staff_client, order, "shipped", tracking_number="JP123456789")
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert order.tracking_number == "JP123456789"
    assert [event.status for event in order.events.all()] == ["placed", "packed", "shipped"]
    assert [message.subject for message in mail.outbox] == [
        f"Your order {order.number} is packed",
        f"Your order {order.number} is on its way",
    ]
    assert "JP123456789" in mail.outbox[1].body

    page = staff_client.get(order.get_absolute_url()).content.decode()
    assert "JP123456789" in page
    assert 'aria-current="step"' in page


def test_shipping_without_a_tracking_number_is_refused(staff_client, order):
    response = change_status(staff_client, order, "shipped")
    assert "A shipped order needs a tracking number." in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_an_order_cannot_move_backwards(staff_client, order):
    change_status(staff_client, order, "packed")
    response = change_status(staff_client, order, "paid")
    assert "cannot become Paid" in response.content.decode()


def test_cancelling_returns_the_stock(staff_client, order, product):
    change_status(staff_client, order, "cancelled", note="Customer asked")
    product.refresh_from_db()
    assert product.stock == 7
    assert "Customer asked" in staff_client.get(order.get_absolute_url()).content.decode()


def test_a_stranger_cannot_see_an_order_by_its_number(client, order):
    assert client.get(order.get_absolute_url()).status_code == 404


def test_a_guest_finds_an_order_by_number_and_email(client, order):
    response = client.post(
        reverse("orders:find"),
        {"number": order.number.lower(), "email": "AIKO@example.com"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == order.get_absolute_url()
    assert "Where your order is" in response.content.decode()


def test_a_wrong_email_finds_nothing(client, order):
    response = client.post(
        reverse("orders:find"), {"number": order.number, "email": "someone@example.com"}
    )
    assert "We found no order with this number and e-mail." in response.content.decode()


def test_signed_in_shoppers_see_their_order_history(client, order):
    shopper = UserFactory(email="aiko@example.com")
    order.user = shopper
    order.save()
    client.force_login(shopper)
    content = client.get(reverse("orders:list")).content.decode()
    assert order.number in content and "¥3,000" in content
    assert client.get(order.get_absolute_url()).status_code == 200


def test_order_history_needs_sign_in(client):
    response = client.get(reverse("orders:list"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url
