"""Past baskets of several products, from the plans in `baskets.json`, then the nightly
recommendations rebuild over every demo order.

Cat owners buy litter with their food, dog owners treats with theirs, Sapporo winter gear from
October and Naha cooling mats until October: "Often bought together", "For your cat" and
"Popular in Hokkaido this winter" then have something true to say. The admin account gets the
last cat baskets, so that signing in as it shows "Because you bought …".
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from shop.catalog.models import Product
from shop.demo.rows import CREATED, UNCHANGED, Tally, records_read
from shop.orders.models import Order, OrderEvent, OrderLine, OrderStatus
from shop.orders.recommending import recommendations_rebuild

KEY_PREFIX = "demo-basket-"


@dataclass(frozen=True, kw_only=True)
class DemoBasketPlan:
    region: str
    city: str
    postal_code: str
    months: list[int]
    items: list[list[str]]  # [category slug, pet type]: one product of each, always
    extras: list[list[str]] = field(default_factory=list)  # each added half the time
    count: int


def _pick(rng: random.Random, category: str, pet: str) -> Product | None:
    products = list(
        Product.objects.filter(category__slug=category, pet_type=pet).order_by("pk")
        | Product.objects.filter(category__parent__slug=category, pet_type=pet).order_by("pk")
    )
    return rng.choice(products) if products else None


def baskets_load(*, tally: Tally) -> None:
    """Place the planned baskets once (delivered, dated in the past), then rebuild."""
    if Order.objects.filter(idempotency_key__startswith=KEY_PREFIX).exists():
        tally.add("Demo baskets", UNCHANGED)
        recommendations_rebuild()
        return
    rng = random.Random(2027)  # a fixed seed: the same baskets on every fresh database
    today = timezone.localdate()
    admin = get_user_model().objects.filter(email="admin@example.com").first()
    number = 0
    for plan in records_read(name="baskets", record=DemoBasketPlan):
        for index in range(plan.count):
            number += 1
            wanted = [*plan.items, *(extra for extra in plan.extras if rng.random() < 0.5)]
            products = [p for c, pet in wanted if (p := _pick(rng, c, pet)) is not None]
            month = rng.choice(plan.months)
            year = today.year if month <= today.month else today.year - 1
            placed = timezone.make_aware(datetime.datetime(year, month, rng.randint(1, 28), 12))
            total = sum((p.price for p in products), Decimal(0))
            mine = admin is not None and plan.items[0] == ["dry-food", "cat"] and index < 2
            order = Order.objects.create(
                user=admin if mine else None,
                email=admin.email if mine and admin else f"basket{number}@example.com",
                name="Demo Shopper",
                country="JP",
                region=plan.region,
                postal_code=plan.postal_code,
                city=plan.city,
                address="1-1",
                shipping_method="standard",
                shipping_price=Decimal(0),
                subtotal=total,
                total=total,
                currency="JPY",
                status=OrderStatus.DELIVERED,
                idempotency_key=f"{KEY_PREFIX}{number}",
            )
            OrderLine.objects.bulk_create(
                OrderLine(order=order, product=p, product_name=p.name, unit_price=p.price,
                          quantity=1, total=p.price)
                for p in products
            )  # fmt: skip
            OrderEvent.objects.bulk_create(
                OrderEvent(order=order, status=status, emailed_at=placed)
                for status in (OrderStatus.PLACED, OrderStatus.PAID, OrderStatus.DELIVERED)
            )
            Order.objects.filter(pk=order.pk).update(created_at=placed)
            OrderEvent.objects.filter(order=order).update(created_at=placed)
    tally.add("Demo baskets", CREATED)
    recommendations_rebuild()
