from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from personalization.conf import app_settings
from personalization.consent import consent_store
from shop.orders.models import Order, OrderLine, OrderStatus
from tests.personalization.experiments.conftest import (  # noqa: F401 - fixtures used here
    _empty_event_buffer,
    as_visitor,
    signed_cookie,
)

_numbers = itertools.count(1)


def ordered(
    products,
    *,
    region: str = "JP-13",
    month: int | None = None,
    status: str = OrderStatus.DELIVERED,
    user=None,
    days_ago: int = 10,
) -> Order:
    """An order of these products, placed `days_ago` days ago (or in `month` of the past year)."""
    number = next(_numbers)
    order = Order.objects.create(
        user=user, email=f"r{number}@example.com", name="R", country=region.split("-")[0],
        region=region, postal_code="000-0000", city="X", address="1",
        shipping_method="standard", shipping_price=Decimal(0), subtotal=Decimal(1),
        total=Decimal(1), currency="JPY", status=status, idempotency_key=f"rec-{number}",
    )  # fmt: skip
    OrderLine.objects.bulk_create(
        OrderLine(order=order, product=p, product_name=p.name, unit_price=p.price, quantity=1,
                  total=p.price)
        for p in products
    )  # fmt: skip
    placed = timezone.now() - datetime.timedelta(days=days_ago)
    if month is not None:
        today = timezone.localdate()
        year = today.year - (1 if month > today.month else 0)
        placed = timezone.make_aware(datetime.datetime(year, month, 15, 12))
    Order.objects.filter(pk=order.pk).update(created_at=placed)
    return order


@pytest.fixture
def consenting_client() -> Client:
    """A browser that allowed personalization and analytics."""
    return consenting_browser()


def consenting_browser() -> Client:
    """A new browser that allowed personalization and analytics."""
    response = HttpResponse()
    consent_store(response, purposes={"personalization", "analytics"})
    client = Client()
    client.cookies[app_settings.CONSENT_COOKIE] = response.cookies[
        app_settings.CONSENT_COOKIE
    ].value
    return client
