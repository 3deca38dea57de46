"""The demo clock: move journeys' time ahead so a demo order's week plays out in minutes.

`clock_advance(by=3 days)` adds to the offset journeys read their "now" with, moves each recent
account order along the demo timeline (packed half a day after payment, shipped after a day,
delivered after three) through the orders' own `order_status_set`, so the order page and the
order e-mails follow, then runs every due step at the new time. Quiet hours still hold: a step
due at night in the customer's time zone waits for their morning on the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shop.orders.models import TIMELINE, Order, OrderEvent, OrderStatus
from shop.orders.services import order_status_set

from .models import DemoClock
from .services import SweepReport, journeys_now, journeys_run

# After payment: where a demo order is, and when.
DEMO_TIMELINE = (
    (OrderStatus.PACKED, timedelta(hours=12)),
    (OrderStatus.SHIPPED, timedelta(days=1)),
    (OrderStatus.DELIVERED, timedelta(days=3)),
)
RECENT = timedelta(days=30)


class ClockOff(Exception):
    pass


@dataclass(frozen=True)
class ClockReport:
    now: datetime
    moved: list[str]
    sweep: SweepReport


def clock_advance(*, by: timedelta) -> ClockReport:
    """Move the demo clock ahead by `by` (zero just runs what is due); see the module."""
    if not settings.JOURNEYS_DEMO_CLOCK:
        raise ClockOff
    with transaction.atomic():
        clock, _created = DemoClock.objects.select_for_update().get_or_create(pk=1)
        clock.offset += by
        clock.save()
    now = journeys_now()
    moved = [note for order in _demo_orders() if (note := _order_advance(order, now=now))]
    return ClockReport(now=now, moved=moved, sweep=journeys_run(now=now))


def clock_reset() -> None:
    DemoClock.objects.filter(pk=1).delete()


def _demo_orders():
    return Order.objects.filter(
        user__isnull=False,
        created_at__gte=timezone.now() - RECENT,
        status__in=[OrderStatus.PAID, OrderStatus.PACKED, OrderStatus.SHIPPED],
    )


def _order_advance(order: Order, *, now: datetime) -> str:
    paid = order.events.filter(status=OrderStatus.PAID).order_by("created_at").first()
    if paid is None:
        return ""
    reached = []
    for status, after in DEMO_TIMELINE:
        at = paid.created_at + after
        if at > now or TIMELINE.index(status) <= TIMELINE.index(OrderStatus(order.status)):
            continue
        tracking = f"DEMO{order.number[-6:]}" if status == OrderStatus.SHIPPED else ""
        event = order_status_set(order=order, status=status, tracking_number=tracking)
        # The timeline says when it happened on the demo clock, which journeys count from.
        OrderEvent.objects.filter(pk=event.pk).update(created_at=at)
        order.status = status
        reached.append(OrderStatus(status).label)
    return f"{order.number}: {', '.join(str(label) for label in reached)}" if reached else ""
