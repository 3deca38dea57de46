from __future__ import annotations

from decimal import Decimal

import pytest

from shop.orders.models import Order, OrderEvent, OrderLine, OrderStatus


@pytest.fixture
def order(db, product):
    order = Order.objects.create(
        email="aiko@example.com", name="Aiko Tanaka", country="JP", region="JP-01",
        postal_code="060-0001", city="Sapporo", address="1-1 Kita", shipping_method="standard",
        shipping_price=Decimal(600), subtotal=Decimal(2400), total=Decimal(3000), currency="JPY",
        status=OrderStatus.PAID, idempotency_key="key-1",
    )  # fmt: skip
    OrderLine.objects.create(
        order=order, product=product, product_name=product.name, unit_price=Decimal(1200),
        quantity=2, total=Decimal(2400),
    )  # fmt: skip
    OrderEvent.objects.create(order=order, status=OrderStatus.PLACED)
    return order
