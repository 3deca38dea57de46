from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from shop.orders.models import Order, OrderEvent, OrderLine, OrderStatus
from shop.support.models import Shift
from tests.factories import UserFactory


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def agent_new(first_name: str, *, weekdays=range(5), starts="09:00", ends="18:00"):
    agent = UserFactory(is_staff=True, first_name=first_name)
    agent.groups.add(Group.objects.get(name="Support"))
    for day in weekdays:
        Shift.objects.create(
            agent=agent,
            weekday=day,
            starts=datetime.time.fromisoformat(starts),
            ends=datetime.time.fromisoformat(ends),
        )
    return agent


@pytest.fixture
def ken(db):
    return agent_new("Ken")


@pytest.fixture
def order(db, product):
    order = Order.objects.create(
        email="aiko@example.com", name="Aiko Tanaka", country="JP", region="JP-01",
        postal_code="060-0001", city="Sapporo", address="1-1 Kita", shipping_method="standard",
        shipping_price=Decimal(600), subtotal=Decimal(2400), total=Decimal(3000), currency="JPY",
        status=OrderStatus.SHIPPED, idempotency_key="key-1", tracking_number="TRACK-1",
    )  # fmt: skip
    OrderLine.objects.create(
        order=order, product=product, product_name=product.name, unit_price=Decimal(1200),
        quantity=2, total=Decimal(2400),
    )  # fmt: skip
    OrderEvent.objects.create(order=order, status=OrderStatus.PLACED)
    return order
