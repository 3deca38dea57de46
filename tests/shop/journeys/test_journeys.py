"""Journeys end to end through the sweep: who gets what, when, in which language, how often."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from shop.journeys.models import (
    Anchor,
    Contact,
    EmailState,
    Message,
    MessageState,
    Run,
    StepKind,
    Trigger,
)
from shop.journeys.services import journeys_run
from shop.orders.models import OrderStatus
from shop.orders.services import order_status_set

from .conftest import NOON_TOKYO, at, customer, make_journey, paid_order

pytestmark = pytest.mark.django_db


def sent_to(user) -> list[Message]:
    return list(Message.objects.filter(user=user, state=MessageState.SENT))


def test_tokyo_at_noon_gets_it_now_new_york_at_night_gets_it_next_morning(tokyo, new_york, product):
    make_journey()
    paid_order(tokyo, product=product)
    paid_order(new_york, product=product, country="US", region="US-NY")

    report = journeys_run(now=NOON_TOKYO)

    assert report.delivered == 1 and report.deferred == 1
    assert len(sent_to(tokyo)) == 1
    assert [m.subject for m in mail.outbox] == ["Hello Aiko"]
    waiting = Message.objects.get(user=new_york)
    assert waiting.state == MessageState.SCHEDULED
    # 09:00 in New York (EDT, UTC-4) is 13:00 UTC.
    assert waiting.due_at == datetime.datetime(2026, 6, 1, 13, 0, tzinfo=datetime.UTC)

    journeys_run(now=at(5))  # 04:00 in New York: still night
    assert sent_to(new_york) == []
    journeys_run(now=at(10))  # 09:00 in New York
    assert len(sent_to(new_york)) == 1
    assert [m.to for m in mail.outbox] == [["aiko@example.com"], ["ann@example.com"]]


def test_a_customer_without_a_time_zone_is_timed_by_the_delivery_address(db, product):
    user = customer()
    user.journey_contact.delete()  # the journey creates it from the order
    make_journey()
    paid_order(user, product=product, country="US", region="US-CA")

    journeys_run(now=NOON_TOKYO)  # 20:00 in Los Angeles: too late

    assert sent_to(user) == []
    assert Contact.objects.get(user=user).time_zone == "America/Los_Angeles"


def test_the_frequency_cap_counts_every_journey(tokyo, product, settings):
    settings.JOURNEYS_CAP_MESSAGES = 1
    settings.JOURNEYS_CAP_HOURS = 24
    make_journey(key="after-order")
    make_journey(key="also-after-order", name="Tips")
    paid_order(tokyo, product=product)

    journeys_run(now=NOON_TOKYO)

    assert len(sent_to(tokyo)) == 1
    assert len(mail.outbox) == 1
    journeys_run(now=at(23))  # 11:00 the next day in Tokyo: 23 hours later, still capped
    assert len(sent_to(tokyo)) == 1
    journeys_run(now=at(24))
    assert len(sent_to(tokyo)) == 2
    assert len(mail.outbox) == 2


def test_transactional_steps_are_not_capped(tokyo, product, settings):
    settings.JOURNEYS_CAP_MESSAGES = 1
    make_journey(steps=[{"kind": StepKind.MARKETING}, {"kind": StepKind.TRANSACTIONAL}])
    paid_order(tokyo, product=product)

    journeys_run(now=NOON_TOKYO)

    assert len(sent_to(tokyo)) == 2


def test_marketing_needs_consent_transactional_does_not(db, product):
    user = customer(marketing=False)
    make_journey(
        steps=[
            {"kind": StepKind.MARKETING, "subject_en": "Tips"},
            {"kind": StepKind.TRANSACTIONAL, "subject_en": "Confirmed"},
        ]
    )
    paid_order(user, product=product)

    journeys_run(now=NOON_TOKYO)

    # Both are in the inbox; only the transactional one was e-mailed.
    assert sorted(m.subject for m in sent_to(user)) == ["Confirmed", "Tips"]
    assert [m.subject for m in mail.outbox] == ["Confirmed"]
    assert "List-Unsubscribe" not in mail.outbox[0].extra_headers


def test_marketing_e_mails_carry_one_click_unsubscribe_headers(tokyo, product):
    make_journey()
    paid_order(tokyo, product=product)

    journeys_run(now=NOON_TOKYO)

    [email] = mail.outbox
    link = email.extra_headers["List-Unsubscribe"]
    assert link.startswith("<http") and "/accounts/messages/unsubscribe/" in link
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link.strip("<>") in email.body


def test_templates_are_in_the_customer_language(db, product):
    user = customer(time_zone="Asia/Tokyo")
    user.journey_contact.delete()  # made again from the order, in its language
    make_journey(steps=[{"kind": StepKind.TRANSACTIONAL}])
    paid_order(user, product=product, language="ja")

    journeys_run(now=NOON_TOKYO)

    [message] = sent_to(user)
    assert message.subject == "Aikoさん、こんにちは"
    assert mail.outbox[0].subject == "Aikoさん、こんにちは"
    assert message.body.startswith("ご注文 SF-")


def test_a_name_that_looks_like_a_placeholder_or_html_stays_text(db, product, client):
    user = customer(first_name="{order_url}<script>alert(1)</script>", time_zone="Asia/Tokyo")
    make_journey()
    paid_order(user, product=product)

    journeys_run(now=NOON_TOKYO)

    [message] = sent_to(user)
    assert message.subject == "Hello {order_url}<script>alert(1)</script>"
    client.force_login(user)
    page = client.get(reverse("journeys:inbox")).content.decode()
    assert "<script>alert(1)" not in page
    assert "Hello {order_url}&lt;script&gt;" in page


def test_a_sweep_run_twice_sends_each_step_once(tokyo, product):
    make_journey(steps=[{}, {"kind": StepKind.TRANSACTIONAL}])
    paid_order(tokyo, product=product)

    journeys_run(now=NOON_TOKYO)
    journeys_run(now=NOON_TOKYO)
    journeys_run(now=at(1))

    assert Run.objects.count() == 1
    assert Message.objects.count() == 2
    assert len(mail.outbox) == 2


def test_a_step_waits_for_the_order_to_be_delivered(tokyo, product):
    make_journey(steps=[{"anchor": Anchor.DELIVERED, "delay_days": 2, "subject_en": "Care tips"}])
    order = paid_order(tokyo, product=product)
    journeys_run(now=at(48))
    assert sent_to(tokyo) == []

    order_status_set(order=order, status=OrderStatus.SHIPPED, tracking_number="T1")
    order_status_set(order=order, status=OrderStatus.DELIVERED)
    delivered = order.events.get(status=OrderStatus.DELIVERED)
    type(delivered).objects.filter(pk=delivered.pk).update(created_at=at(48))

    journeys_run(now=at(71))
    assert sent_to(tokyo) == []
    journeys_run(now=at(96))
    assert [m.subject for m in sent_to(tokyo)] == ["Care tips"]


def test_a_cancelled_order_ends_its_journey(tokyo, product):
    make_journey(steps=[{"delay_days": 1}])
    order = paid_order(tokyo, product=product)
    journeys_run(now=NOON_TOKYO)
    order_status_set(order=order, status=OrderStatus.CANCELLED)

    journeys_run(now=at(24))

    assert sent_to(tokyo) == []
    assert Run.objects.get().finished_at is not None


def test_a_step_for_those_who_have_not_ordered_since_is_skipped_after_an_order(tokyo, product):
    make_journey(steps=[{"delay_days": 30, "only_without_new_order": True}])
    paid_order(tokyo, product=product)
    journeys_run(now=NOON_TOKYO)
    paid_order(tokyo, product=product, paid_at=at(24))

    journeys_run(now=at(30 * 24))

    assert Message.objects.get().state == MessageState.SKIPPED
    assert sent_to(tokyo) == []


def test_guests_and_orders_before_the_journey_start_nothing(tokyo, product):
    journey = make_journey()
    paid_order(tokyo, product=product, paid_at=journey.active_since - datetime.timedelta(hours=1))
    guest = paid_order(tokyo, product=product)
    type(guest).objects.filter(pk=guest.pk).update(user=None)

    journeys_run(now=NOON_TOKYO)

    assert Run.objects.count() == 0


def test_the_holdout_starts_the_journey_but_sends_nothing(db, product):
    make_journey(holdout_percent=50)
    users = [customer(time_zone="Asia/Tokyo") for _ in range(16)]
    for user in users:
        paid_order(user, product=product)

    journeys_run(now=NOON_TOKYO)

    held = set(Run.objects.filter(holdout=True).values_list("user_id", flat=True))
    assert 0 < len(held) < 16
    assert (
        set(Message.objects.filter(state=MessageState.HELD_OUT).values_list("user_id", flat=True))
        == held
    )
    assert {m.to[0] for m in mail.outbox} == {u.email for u in users if u.pk not in held}


def test_a_left_basket_reminds_once_unless_the_customer_ordered(tokyo, product, settings):
    from shop.basket.models import Basket, BasketLine

    settings.JOURNEYS_BASKET_IDLE_HOURS = 4
    make_journey(
        trigger=Trigger.BASKET_LEFT,
        steps=[{"only_without_new_order": True, "link": "basket", "body_en": "{product}"}],
    )
    basket = Basket.objects.create(owner=tokyo)
    BasketLine.objects.create(basket=basket, product=product, quantity=1)
    Basket.objects.filter(pk=basket.pk).update(updated_at=at(-5))

    journeys_run(now=NOON_TOKYO)
    journeys_run(now=at(1))

    [message] = sent_to(tokyo)
    assert message.body == product.name
    assert message.url == reverse("basket:detail")
    assert message.email_state == EmailState.SENT


def test_a_sign_up_without_an_order_gets_a_welcome_once(db, product):
    user = customer(time_zone="Asia/Tokyo")
    type(user).objects.filter(pk=user.pk).update(date_joined=at(-1))
    make_journey(trigger=Trigger.SIGNED_UP, steps=[{"body_en": "Welcome {name}", "link": "home"}])
    customer_with_order = customer(time_zone="Asia/Tokyo")
    paid_order(customer_with_order, product=product, paid_at=at(-2))

    journeys_run(now=NOON_TOKYO)
    journeys_run(now=at(1))

    assert [m.body for m in sent_to(user)] == ["Welcome Aiko"]
    assert sent_to(customer_with_order) == []


def test_an_answer_to_a_profile_question_starts_its_journey(db):
    from personalization.models import Answer

    user = customer(time_zone="Asia/Tokyo")
    make_journey(trigger=Trigger.ANSWERED, steps=[{"body_en": "Thanks {name}", "link": "home"}])
    Answer.objects.create(user=user, key="pet", value="cat", answered_at=at(-1))
    Answer.objects.create(user=user, key="name", value="Aiko", answered_at=at(-0.5))

    journeys_run(now=NOON_TOKYO)

    assert [m.body for m in sent_to(user)] == ["Thanks Aiko"]


def test_a_reminder_deferred_overnight_is_dropped_if_the_customer_orders_meanwhile(
    new_york, product
):
    make_journey(steps=[{"only_without_new_order": True}])
    paid_order(new_york, product=product, country="US", region="US-NY")
    journeys_run(now=NOON_TOKYO)  # 23:00 in New York: waits for the morning
    first = Message.objects.get()
    again = paid_order(new_york, product=product, paid_at=at(2))

    journeys_run(now=at(10))  # 09:00 in New York

    first.refresh_from_db()
    assert first.state == MessageState.SKIPPED
    # Only the second order's own message goes.
    assert [m.run.order for m in sent_to(new_york)] == [again]
