"""Benchmark: what journeys cost a page, and how fast the sweep delivers.

- The next-best-action provider and the Messages page for a customer with 0, 100 and 5,000
  messages, beside 1, 10 and 100 active journeys: median time and SQL queries. Target: the
  provider makes one query and the page the same number, whatever the counts.
- The sweep (`journeys_run`) starting, scheduling, delivering and e-mailing (locmem backend)
  a two-step journey for 500 paid orders: messages per second, and its queries per message.
Run with `make bench`.
"""

from __future__ import annotations

import datetime
import statistics
import time
from dataclasses import dataclass
from decimal import Decimal

import harness

harness.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from shop.catalog.models import Category, Product  # noqa: E402
from shop.journeys.actions import newest_unread_message  # noqa: E402
from shop.journeys.models import (  # noqa: E402
    Contact,
    Journey,
    Message,
    MessageState,
    Run,
    Step,
    StepKind,
)
from shop.journeys.services import journeys_run  # noqa: E402
from shop.orders.models import Order, OrderEvent, OrderStatus  # noqa: E402

NOON_TOKYO = datetime.datetime(2026, 6, 1, 3, 0, tzinfo=datetime.UTC)
ROUNDS = 200


@dataclass(frozen=True)
class Context:  # the shape of personalization.actions.base.ActionContext the provider reads
    place: str
    now: datetime.datetime
    user: object


def action_class() -> None:
    """Stand in for the next-best-action framework where it is not installed."""
    import sys
    import types

    try:
        __import__("personalization.actions.base")
    except ImportError:

        @dataclass(frozen=True)
        class Action:
            kind: str
            key: str
            title: str
            url: str
            cta: str
            score: float
            why: str
            body: str = ""

        module = types.ModuleType("personalization.actions.base")
        module.Action = Action  # type: ignore[attr-defined]
        sys.modules["personalization.actions.base"] = module


def journey(index: int) -> Journey:
    made = Journey.objects.create(
        name=f"Journey {index}", key=f"bench-{index}", trigger="order_paid", active=True,
        active_since=NOON_TOKYO - datetime.timedelta(days=1),
    )  # fmt: skip
    for position, kind in enumerate((StepKind.TRANSACTIONAL, StepKind.MARKETING)):
        Step.objects.create(
            journey=made, position=position, kind=kind, subject_en="Hello {name}",
            body_en="Order {order_number}", cta_en="See it",
        )  # fmt: skip
    return made


def messages_for(user: User, count: int, journey: Journey) -> None:
    step = journey.steps.first()
    assert step is not None
    runs = Run.objects.bulk_create(
        Run(journey=journey, user=user, key=f"bench:{n}", started_at=NOON_TOKYO)
        for n in range(count)
    )
    Message.objects.bulk_create(
        Message(
            run=run,
            step=step,
            user=user,
            kind=step.kind,
            state=MessageState.SENT,
            due_at=NOON_TOKYO,
            sent_at=NOON_TOKYO,
            subject="Hello",
            body="Text",
        )  # fmt: skip
        for run in runs
    )


def median_ms(action) -> float:
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def count_queries(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def page_and_provider() -> None:
    from personalization.visitor import resolve_visitor

    action_class()
    journeys = [journey(0)]
    for messages, journey_count in ((0, 1), (100, 10), (5000, 100)):
        journeys += [journey(n) for n in range(len(journeys), journey_count)]
        user = User.objects.create_user(f"bench{messages}@example.com", "pw")
        messages_for(user, messages, journeys[0])
        visitor = resolve_visitor(user=user)
        context = Context("home", NOON_TOKYO, user)

        def provide(visitor=visitor, context=context) -> None:
            list(newest_unread_message(visitor, context))

        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        client.get("/accounts/messages/")

        def page(client=client) -> None:
            assert client.get("/accounts/messages/").status_code == 200

        print(
            f"{messages:>5} messages, {journey_count:>3} journeys: provider "
            f"{median_ms(provide):.2f} ms ({count_queries(provide)} query), Messages page "
            f"{median_ms(page):.1f} ms ({count_queries(page)} queries)"
        )


def sweep() -> None:
    Journey.objects.update(active=False)
    journey(1000)
    category = Category.objects.create(name="Bench", slug="bench-sweep")
    product = Product.objects.create(
        category=category, name="Bench food", slug="bench-food", price=Decimal(1000), stock=10
    )
    for n in range(500):
        user = User.objects.create_user(f"sweep{n}@example.com", "pw", first_name="Aiko")
        Contact.objects.create(user=user, marketing_email=True, time_zone="Asia/Tokyo")
        order = Order.objects.create(
            user=user, email=user.email, name="Aiko", country="JP", region="JP-13",
            postal_code="1000001", city="Chiyoda", address="1-1", shipping_method="standard",
            shipping_price=0, subtotal=1000, total=1000, currency="JPY",
            status=OrderStatus.PAID, idempotency_key=f"bench-{n}",
        )  # fmt: skip
        order.lines.create(
            product=product, product_name="Bench food", unit_price=1000, quantity=1, total=1000
        )
        event = OrderEvent.objects.create(order=order, status=OrderStatus.PAID)
        OrderEvent.objects.filter(pk=event.pk).update(created_at=NOON_TOKYO)
    executed = [0]

    def counter(execute, sql, params, many, context):
        executed[0] += 1
        return execute(sql, params, many, context)

    settings = {
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "JOURNEYS_CAP_MESSAGES": 5,
    }
    with override_settings(**settings), connection.execute_wrapper(counter):
        start = time.perf_counter()
        report = journeys_run(now=NOON_TOKYO)
        elapsed = time.perf_counter() - start
    print(
        f"sweep: {report.started} runs started, {report.delivered} messages delivered and "
        f"{report.emailed} e-mailed in {elapsed:.2f} s ({report.delivered / elapsed:.0f} "
        f"messages/s), {executed[0] / report.delivered:.1f} queries per message"
    )


def main() -> None:
    call_command("migrate", verbosity=0)
    page_and_provider()
    sweep()


if __name__ == "__main__":
    main()
