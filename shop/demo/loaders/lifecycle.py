"""After the order: care guides (`care_guides.json`), consumables' pack sizes and daily use
(`consumables.json`), and a demo customer whose orders make every kind of next best action
appear (`lifecycle.json`): one on its way, a dog food running low, a cat tree just delivered
(its care guide) and a bed delivered two weeks ago (a review request).

The customer's orders are dated relative to today, so they are placed again when a load runs
on a later day; on the same day a second load changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from shop.catalog.models import Category, Product
from shop.demo.loaders.accounts import _email_address_ensure
from shop.demo.rows import CREATED, UNCHANGED, UPDATED, Tally, records_read, upsert
from shop.lifecycle.models import CareGuide
from shop.orders.models import Order, OrderEvent, OrderLine, OrderStatus

STEPS = [OrderStatus.PLACED, OrderStatus.PAID, OrderStatus.PACKED, OrderStatus.SHIPPED,
         OrderStatus.DELIVERED]  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class DemoGuide:
    category: str
    slug: str
    title: str
    title_ja: str
    summary: str = ""
    summary_ja: str = ""
    body: str
    body_ja: str


@dataclass(frozen=True, kw_only=True)
class DemoConsumable:
    product: str
    pack_size: str  # a string, so the decimal is exactly what the file says
    pack_unit: str
    daily_use: str


@dataclass(frozen=True, kw_only=True)
class DemoCustomer:
    email: str
    password: str  # only ever used when settings.DEBUG is on
    first_name: str
    last_name: str
    region: str
    city: str
    postal_code: str
    orders: list[dict] = field(default_factory=list)


def lifecycle_load(*, tally: Tally) -> list[str]:
    """Load guides, consumables and the demo customer; return notes for the operator."""
    for demo in records_read(name="care_guides", record=DemoGuide):
        category = Category.objects.filter(slug=demo.category).first()
        if category is None:
            continue
        _guide, outcome = upsert(
            CareGuide,
            {"slug": demo.slug},
            {"category": category, "title_en": demo.title, "title_ja": demo.title_ja,
             "summary_en": demo.summary, "summary_ja": demo.summary_ja,
             "body_en": demo.body, "body_ja": demo.body_ja},
        )  # fmt: skip
        tally.add("Care guides", outcome)
    for item in records_read(name="consumables", record=DemoConsumable):
        product = Product.objects.filter(slug=item.product).first()
        if product is None:
            continue
        _product, outcome = upsert(
            Product,
            {"pk": product.pk},
            {"pack_size": Decimal(item.pack_size), "pack_unit": item.pack_unit,
             "daily_use": Decimal(item.daily_use)},
        )  # fmt: skip
        tally.add("Consumables", outcome)
    return [_customer_load(demo, tally=tally)
            for demo in records_read(name="lifecycle", record=DemoCustomer)]  # fmt: skip


def _customer_load(demo: DemoCustomer, *, tally: Tally) -> str:
    User = get_user_model()
    user = User._default_manager.filter(email__iexact=demo.email).first()
    note = f"{demo.email}: existing password kept."
    if user is None:
        user = User(email=demo.email, first_name=demo.first_name, last_name=demo.last_name)
        if settings.DEBUG:
            user.set_password(demo.password)
            note = f"{demo.email}: demo customer, password “{demo.password}” (DEBUG only)."
        else:
            user.set_unusable_password()
            note = f"{demo.email}: demo customer without a password."
        user.save()
        tally.add("Demo customers", CREATED)
    _email_address_ensure(user=user, email=demo.email)
    now = timezone.now()
    keys = [order["key"] for order in demo.orders]
    existing = Order.objects.filter(idempotency_key__in=keys, user=user)
    if existing.count() == len(keys) and all(
        _last_step_day(order) == timezone.localdate(_last_step(plan, now))
        for order, plan in zip(existing.order_by("idempotency_key"),
                               sorted(demo.orders, key=lambda o: o["key"]), strict=True)
    ):  # fmt: skip
        tally.add("Demo customer orders", UNCHANGED)
        return note
    outcome = UPDATED if existing.exists() else CREATED
    existing.delete()
    for plan in demo.orders:
        product = Product.objects.filter(slug=plan["product"]).first()
        if product is not None:
            _order_place(user, demo, plan, product, now=now)
    tally.add("Demo customer orders", outcome)
    return note


def _last_step(plan: dict, now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(days=int(plan["days_ago"]), hours=2)


def _last_step_day(order: Order) -> datetime.date | None:
    last = order.events.order_by("-created_at").first()
    return timezone.localdate(last.created_at) if last else None


def _order_place(
    user, demo: DemoCustomer, plan: dict, product: Product, *, now: datetime.datetime
) -> None:
    quantity = int(plan.get("quantity", 1))
    total = product.price * quantity
    order = Order.objects.create(
        user=user, email=demo.email, name=f"{demo.first_name} {demo.last_name}", country="JP",
        region=demo.region, postal_code=demo.postal_code, city=demo.city, address="1-1 Kita",
        shipping_method="standard", shipping_price=Decimal(0), subtotal=total, total=total,
        currency="JPY", status=plan["status"], idempotency_key=plan["key"],
        payment_reference="demo",
    )  # fmt: skip
    OrderLine.objects.create(
        order=order, product=product, product_name=product.name, unit_price=product.price,
        quantity=quantity, total=total,
    )  # fmt: skip
    # Placed a few days before the last step, which happened `days_ago`.
    last = _last_step(plan, now)
    reached = STEPS[: STEPS.index(plan["status"]) + 1]
    start = last - datetime.timedelta(days=len(reached) - 1)
    Order.objects.filter(pk=order.pk).update(created_at=start)
    for index, step in enumerate(reached):
        event = OrderEvent.objects.create(order=order, status=step, emailed_at=now, notify=False)
        OrderEvent.objects.filter(pk=event.pk).update(
            created_at=start + datetime.timedelta(days=index)
        )
