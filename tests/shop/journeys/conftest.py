"""A post-purchase journey and paid orders for customers in Tokyo and New York.

Times are explicit: every sweep is given its `now`, and orders are paid at known instants.
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest

from shop.journeys.models import Anchor, Contact, Journey, Step, StepKind, Trigger
from shop.orders.models import Order, OrderEvent, OrderLine, OrderStatus
from tests.factories import UserFactory

UTC = datetime.UTC
# 03:00 UTC: noon in Tokyo, 23:00 the evening before in New York (summer time).
NOON_TOKYO = datetime.datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
_keys = itertools.count()


def at(hours: float) -> datetime.datetime:
    return NOON_TOKYO + datetime.timedelta(hours=hours)


def make_journey(
    *, trigger: str = Trigger.ORDER_PAID, steps: list[dict] | None = None, **fields
) -> Journey:
    journey = Journey.objects.create(
        name=fields.pop("name", "After the order"),
        key=fields.pop("key", f"journey-{next(_keys)}"),
        trigger=trigger,
        active=True,
        active_since=NOON_TOKYO - datetime.timedelta(days=1),
        **fields,
    )
    for position, step in enumerate(steps or [{}]):
        Step.objects.create(
            journey=journey,
            position=position,
            **{
                "kind": StepKind.MARKETING,
                "subject_en": "Hello {name}",
                "subject_ja": "{name}さん、こんにちは",
                "body_en": "Your order {order_number}: {product}. {order_url}",
                "body_ja": "ご注文 {order_number}：{product}",
                "cta_en": "See your order",
                "cta_ja": "注文を見る",
                "anchor": Anchor.START,
                **step,
            },
        )
    return journey


def paid_order(
    user, *, product, paid_at=NOON_TOKYO, country="JP", region="JP-13", language="en"
) -> Order:
    order = Order.objects.create(
        user=user, email=user.email, name="Aiko Tanaka", country=country, region=region,
        postal_code="1000001", city="Chiyoda", address="1-1", shipping_method="standard",
        shipping_price=Decimal(600), subtotal=Decimal(2400), total=Decimal(3000),
        currency="JPY", status=OrderStatus.PAID, idempotency_key=f"k-{next(_keys)}",
        language=language,
    )  # fmt: skip
    OrderLine.objects.create(
        order=order, product=product, product_name=product.name, unit_price=Decimal(1200),
        quantity=2, total=Decimal(2400),
    )  # fmt: skip
    event = OrderEvent.objects.create(order=order, status=OrderStatus.PAID, emailed_at=paid_at)
    OrderEvent.objects.filter(pk=event.pk).update(created_at=paid_at)
    Order.objects.filter(pk=order.pk).update(created_at=paid_at)
    order.created_at = paid_at
    return order


def customer(*, marketing: bool = True, time_zone: str = "", **fields):
    user = UserFactory(first_name=fields.pop("first_name", "Aiko"), **fields)
    Contact.objects.create(user=user, marketing_email=marketing, time_zone=time_zone)
    return user


@pytest.fixture
def tokyo(db):
    return customer(time_zone="Asia/Tokyo", email="aiko@example.com")


@pytest.fixture
def new_york(db):
    return customer(time_zone="America/New_York", email="ann@example.com", first_name="Ann")
