"""Offer-use records in the admin: merchandisers see how often an offer was used and on which
orders, never who the shoppers were; staff allowed to view orders see the e-mail too."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from shop.offers.models import OrderDiscount
from shop.orders.models import Order, OrderStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:offers_orderdiscount_changelist")


def staff(*, group: str = "Merchandisers", view_orders: bool = False) -> Client:
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    if view_orders:
        user.user_permissions.add(Permission.objects.get(codename="view_order"))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def discount(make_offer) -> OrderDiscount:
    shopper = UserFactory(email="aiko.tanaka@example.com", first_name="Aiko", last_name="Tanaka")
    offer = make_offer(name="30% off for regulars", value=Decimal(30))
    order = Order.objects.create(
        user=shopper, email="aiko.tanaka@example.com", name="Aiko Tanaka", country="JP",
        region="JP-13", postal_code="1000001", city="Chiyoda", address="1-1 Chiyoda",
        shipping_method="standard", shipping_price=Decimal(600), subtotal=Decimal(2000),
        total=Decimal(2000), currency="JPY", status=OrderStatus.PAID, idempotency_key="d-1",
    )  # fmt: skip
    return OrderDiscount.objects.create(
        order=order, offer=offer, sentence="30% off for regulars", amount=Decimal(600),
        customer_email=order.email, customer=shopper,
    )  # fmt: skip


def test_a_merchandiser_sees_the_order_numbers_of_an_offers_uses(discount):
    content = staff().get(CHANGELIST).content.decode()
    assert discount.order.number in content
    assert "aiko.tanaka@example.com" not in content
    assert "Aiko Tanaka" not in content


def test_a_merchandisers_discount_page_has_no_email_or_name(discount):
    url = reverse("admin:offers_orderdiscount_change", args=[discount.pk])
    response = staff().get(url)
    content = response.content.decode()
    assert response.status_code == 200
    assert discount.order.number in content
    assert "aiko.tanaka@example.com" not in content
    assert "Aiko Tanaka" not in content


def test_a_merchandiser_cannot_find_uses_by_email(discount):
    content = staff().get(CHANGELIST, {"q": "aiko.tanaka@example.com"}).content.decode()
    assert discount.order.number not in content


def test_the_offer_filter_shows_counts_only(discount):
    response = staff().get(CHANGELIST, {"offer__id__exact": discount.offer_id})
    content = response.content.decode()
    assert "1 order discount" in content
    assert "aiko.tanaka@example.com" not in content


def test_staff_allowed_to_view_orders_see_the_email(discount):
    content = staff(view_orders=True).get(CHANGELIST).content.decode()
    assert "aiko.tanaka@example.com" in content
