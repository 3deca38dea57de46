"""Benchmark: choosing the next best action with 1, 10 and 100 providers.

A signed-in customer with a shipped order, a delivered dog food and a basket. Each synthetic
provider reads the shared state (orders and basket, as the shop's providers do) and proposes
one candidate, so N providers means N candidates. Measured:

1. `choose_action` alone (the state already loaded for the request): median time.
2. The home page rendered in process with the shop's nine providers plus N: median time and
   SQL queries. Target: the same queries whatever N (the state is loaded once per request).

Run with `make bench` or `.venv/bin/python bench/actions.py`.
"""

from __future__ import annotations

import datetime
import io
import statistics
import sys
import time
from collections.abc import Iterator
from decimal import Decimal

import harness

harness.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, RequestFactory, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from personalization.actions.base import Action, ActionContext  # noqa: E402
from personalization.actions.choose import choose_action, context_for  # noqa: E402
from personalization.visitor import Visitor, resolve_visitor  # noqa: E402
from shop.basket.models import Basket, BasketLine  # noqa: E402
from shop.catalog.models import Product  # noqa: E402
from shop.orders.models import Order, OrderEvent, OrderLine, OrderStatus  # noqa: E402

ROUNDS = 100
SIZES = (1, 10, 100)


def _provider(n: int):
    def provider(visitor: Visitor, context: ActionContext) -> Iterator[Action]:
        orders = context.shared("orders", ())
        basket = context.shared("basket")
        yield Action(
            kind=f"synthetic-{n}", key=f"synthetic-{n}:{len(orders)}", title=f"Action {n}",
            url="/", cta="Go", score=n % 17, why="A benchmark.",
            body="basket" if basket is not None else "",
        )  # fmt: skip

    return provider


for _n in range(max(SIZES)):
    setattr(sys.modules[__name__], f"provider_{_n}", _provider(_n))


def paths(count: int) -> list[str]:
    return [f"{__name__}.provider_{n}" for n in range(count)]


def customer() -> User:
    user = User.objects.create_user(email="bench@example.com", password="bench-password-2026")
    food = Product.objects.exclude(pack_size=None).first() or Product.objects.first()
    assert food is not None
    now = timezone.now()
    for key, status, days in (("b-1", OrderStatus.SHIPPED, 1), ("b-2", OrderStatus.DELIVERED, 9)):
        order = Order.objects.create(
            user=user, email=user.email, name="Bench", country="JP", region="JP-13",
            postal_code="100-0001", city="Chiyoda", address="1-1", shipping_method="standard",
            shipping_price=Decimal(0), subtotal=food.price, total=food.price, currency="JPY",
            status=status, idempotency_key=key,
        )  # fmt: skip
        OrderLine.objects.create(order=order, product=food, product_name=food.name,
                                 unit_price=food.price, quantity=1, total=food.price)  # fmt: skip
        event = OrderEvent.objects.create(order=order, status=status)
        OrderEvent.objects.filter(pk=event.pk).update(created_at=now - datetime.timedelta(days))
    basket = Basket.objects.create(owner=user)
    BasketLine.objects.create(basket=basket, product=food, quantity=2)
    return user


def choose_time(user: User, count: int) -> float:
    request = RequestFactory().get("/")
    request.user = user
    request.session = {}  # type: ignore[assignment]
    visitor = resolve_visitor(request=request)
    request.visitor = visitor  # type: ignore[attr-defined]
    with override_settings(PERSONALIZATION_ACTION_PROVIDERS=paths(count)):
        choose_action(visitor, context_for(request, "home"))  # loads the shared state once
        timings = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            choose_action(visitor, context_for(request, "home"))
            timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def page(client: Client, providers: list[str]) -> tuple[float, int]:
    with override_settings(PERSONALIZATION_ACTION_PROVIDERS=providers):
        client.get("/")
        timings = []
        for _ in range(ROUNDS // 2):
            start = time.perf_counter()
            client.get("/")
            timings.append(time.perf_counter() - start)
        with CaptureQueriesContext(connection) as queries:
            client.get("/")
    return statistics.median(timings) * 1000, len(queries)


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_demo", "--no-images", stdout=io.StringIO())
    user = customer()
    client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    shop = list(settings.PERSONALIZATION_ACTION_PROVIDERS)
    none_ms, none_queries = page(client, [])
    print(f"home page, no providers at all: {none_ms:.1f} ms median, {none_queries} queries")
    for count in SIZES:
        chosen = choose_time(user, count)
        page_ms, page_queries = page(client, shop + paths(count))
        print(
            f"{count:>3} providers/candidates: choose_action {chosen:.3f} ms median; home page "
            f"(shop's {len(shop)} + {count}) {page_ms:.1f} ms median, {page_queries} queries"
        )


if __name__ == "__main__":
    main()
