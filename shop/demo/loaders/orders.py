"""Past orders from the plans in `orders.json` (the recommendations loader then rebuilds what
they teach).

Hokkaido buys winter warmth in its winter, Okinawa cooling in its summer, Tokyo a bit of
everything: "Popular in your region this season" then has something true to say. Each plan
places `count` orders from one region, in the given months, for products of one category
(a department or a subcategory, by slug).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from shop.catalog.models import Product
from shop.demo.rows import CREATED, UNCHANGED, Tally, records_read
from shop.orders.models import Order, OrderEvent, OrderLine, OrderStatus


@dataclass(frozen=True, kw_only=True)
class DemoOrderPlan:
    region: str
    city: str
    postal_code: str
    months: list[int]
    category: str
    count: int


def orders_load(*, tally: Tally) -> None:
    """Place the planned orders once, delivered and dated in the past."""
    if Order.objects.filter(idempotency_key__startswith="demo-").exists():
        tally.add("Demo orders", UNCHANGED)
        return
    # A fixed seed: the same orders on every fresh database (for a given day).
    rng = random.Random(2026)
    today = timezone.localdate()
    number = 0
    for plan in records_read(name="orders", record=DemoOrderPlan):
        products = list(
            Product.objects.filter(category__slug=plan.category)
            | Product.objects.filter(category__parent__slug=plan.category)
        )
        for _ in range(plan.count):
            number += 1
            month = rng.choice(plan.months)
            year = today.year if month <= today.month else today.year - 1
            placed = timezone.make_aware(
                datetime.datetime(year, month, rng.randint(1, 28), rng.randint(8, 21))
            )
            product = rng.choice(products)
            quantity = rng.randint(1, 3)
            order = Order.objects.create(
                email=f"demo{number}@example.com",
                name="Demo Shopper",
                country="JP",
                region=plan.region,
                postal_code=plan.postal_code,
                city=plan.city,
                address="1-1",
                shipping_method="standard",
                shipping_price=Decimal(0),
                subtotal=product.price * quantity,
                total=product.price * quantity,
                currency="JPY",
                status=OrderStatus.DELIVERED,
                idempotency_key=f"demo-{number}",
            )
            OrderLine.objects.create(
                order=order,
                product=product,
                product_name=product.name,
                unit_price=product.price,
                quantity=quantity,
                total=product.price * quantity,
            )
            # No e-mails for history: the events are marked as sent.
            OrderEvent.objects.bulk_create(
                OrderEvent(order=order, status=status, emailed_at=placed)
                for status in (OrderStatus.PLACED, OrderStatus.PAID, OrderStatus.DELIVERED)
            )
            Order.objects.filter(pk=order.pk).update(created_at=placed)
            OrderEvent.objects.filter(order=order).update(created_at=placed)
    tally.add("Demo orders", CREATED)
