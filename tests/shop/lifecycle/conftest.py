from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from shop.orders.models import Order, OrderEvent, OrderLine, OrderStatus
from tests.factories import CategoryFactory, ProductFactory

STEPS = [OrderStatus.PLACED, OrderStatus.PAID, OrderStatus.PACKED, OrderStatus.SHIPPED,
         OrderStatus.DELIVERED]  # fmt: skip


@pytest.fixture
def make_order(db):
    """An order that went through the happy path up to `status`, each step at the given time."""
    counter = iter(range(1, 10_000))

    def make(
        *,
        user=None,
        products=(),
        status: str = OrderStatus.PAID,
        at: dict[str, datetime.datetime] | None = None,
        region: str = "JP-13",
        postal_code: str = "100-0001",
        method: str = "standard",
        created: datetime.datetime | None = None,
        quantity: int = 1,
    ) -> Order:
        n = next(counter)
        order = Order.objects.create(
            user=user, email="aiko@example.com", name="Aiko Tanaka", country="JP",
            region=region, postal_code=postal_code, city="Somewhere", address="1-1",
            shipping_method=method, shipping_price=Decimal(600), subtotal=Decimal(2400),
            total=Decimal(3000), currency="JPY", status=status, idempotency_key=f"key-{n}",
        )  # fmt: skip
        for product in products:
            OrderLine.objects.create(
                order=order, product=product, product_name=product.name,
                unit_price=product.price, quantity=quantity, total=product.price * quantity,
            )  # fmt: skip
        times = at or {}
        created = created or timezone.now()
        Order.objects.filter(pk=order.pk).update(created_at=created)
        reached = STEPS[: STEPS.index(status) + 1] if status in STEPS else [OrderStatus.PLACED]
        for step in reached:
            event = OrderEvent.objects.create(order=order, status=step)
            OrderEvent.objects.filter(pk=event.pk).update(created_at=times.get(step, created))
        if status == OrderStatus.CANCELLED:
            OrderEvent.objects.create(order=order, status=OrderStatus.CANCELLED)
        order.refresh_from_db()
        return order

    return make


@pytest.fixture
def dog_food(db):
    food = CategoryFactory(name="Dry food", slug="dry-food")
    return ProductFactory(
        name="Salmon dog food 2 kg", slug="salmon-dog-food", category=food, stock=20,
        pack_size=Decimal(2), pack_unit="kg", daily_use=Decimal("0.25"),
    )  # fmt: skip


@pytest.fixture
def cat_tree(db):
    trees = CategoryFactory(name="Cat trees", slug="cat-trees")
    return ProductFactory(name="Tall cat tree", slug="tall-cat-tree", category=trees, stock=5)
