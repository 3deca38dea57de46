"""`manage.py demo_clock`: a demo order's journey plays out in minutes, in Tokyo's daytime."""

from __future__ import annotations

import datetime
import zoneinfo
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from shop.journeys.models import Anchor, Journey, Message, MessageState, StepKind
from shop.orders.models import OrderStatus

from .conftest import customer, make_journey, paid_order

pytestmark = pytest.mark.django_db
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


def clock(advance: str) -> str:
    out = StringIO()
    call_command("demo_clock", advance=advance, stdout=out)
    return out.getvalue()


def minutes_until_ten_in_tokyo() -> int:
    now = timezone.now().astimezone(TOKYO)
    ten = now.replace(hour=10, minute=0, second=0, microsecond=0)
    if ten <= now:
        ten += datetime.timedelta(days=1)
    return int((ten - now).total_seconds() // 60) + 1


def subjects() -> list[str]:
    shown = Message.objects.filter(state=MessageState.SENT).order_by("sent_at", "pk")
    return [message.subject for message in shown]


def test_an_order_s_week_plays_out_with_the_clock(settings, product):
    settings.JOURNEYS_DEMO_CLOCK = True
    user = customer(time_zone="Asia/Tokyo")
    journey = make_journey(
        steps=[
            {"kind": StepKind.TRANSACTIONAL, "subject_en": "Thank you", "send_email": False},
            {"kind": StepKind.TRANSACTIONAL, "anchor": Anchor.SHIPPED, "subject_en": "On its way"},
            {"anchor": Anchor.DELIVERED, "delay_days": 1, "subject_en": "Care tips"},
            {"anchor": Anchor.DELIVERED, "delay_days": 14, "subject_en": "Running low?"},
        ]
    )
    Journey.objects.filter(pk=journey.pk).update(
        active_since=timezone.now() - datetime.timedelta(hours=1)
    )
    # Paid at most an hour before the next 10:00 in Tokyo, whatever the hour the suite runs at:
    # moving there must not already pass the half day after which the order is packed.
    wait = minutes_until_ten_in_tokyo()
    paid_at = timezone.now() + datetime.timedelta(minutes=max(0, wait - 60))
    order = paid_order(user, product=product, paid_at=paid_at)

    # Moved to 10:00 in Tokyo: the confirmation is in the inbox (no e-mail: the order sent one).
    output = clock(f"{wait}m")
    assert "1 messages delivered" in output
    assert subjects() == ["Thank you"]
    assert mail.outbox == []

    output = clock("1d")  # packed after half a day, shipped after one
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED and order.tracking_number.startswith("DEMO")
    assert f"order {order.number}: Packed, Shipped" in output
    assert subjects() == ["Thank you", "On its way"]
    assert [email.subject for email in mail.outbox] == ["On its way"]

    clock("2d")  # delivered after three days; the tips come a day after that
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert subjects() == ["Thank you", "On its way"]
    clock("1d")
    assert subjects() == ["Thank you", "On its way", "Care tips"]
    clock("14d")
    assert subjects()[-1] == "Running low?"
    assert [email.subject for email in mail.outbox] == ["On its way", "Care tips", "Running low?"]
    # Every e-mail left at local daytime.
    for message in Message.objects.exclude(emailed_at=None):
        assert 9 <= message.sent_at.astimezone(TOKYO).hour < 20


def test_the_clock_is_off_where_the_setting_is(settings):
    settings.JOURNEYS_DEMO_CLOCK = False
    with pytest.raises(CommandError, match="demo clock is off"):
        clock("1d")


def test_a_bad_duration_is_refused_and_moves_nothing(settings):
    settings.JOURNEYS_DEMO_CLOCK = True
    with pytest.raises(CommandError, match="Not a duration"):
        clock("3 days")
    from shop.journeys.models import DemoClock

    assert not DemoClock.objects.exists()
