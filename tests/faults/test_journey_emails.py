"""Journey messages against a real SMTP server, two workers at once, and a worker killed midway.

Never twice: two sweeps at once deliver and e-mail each step once; a worker that dies after
handing an e-mail to the mail server leaves it "perhaps sent", and it is not sent again unless
staff choose to. A refusal is retried with back-off and the message stays in the inbox.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.mail import EmailMessage
from django.db import connection
from django.test import Client
from django.urls import reverse

from shop.journeys.models import EmailState, Message, MessageState, StepKind
from shop.journeys.services import journeys_run
from tests.factories import UserFactory
from tests.faults.smtp_sink import free_port, smtp_sink_fixture  # noqa: F401
from tests.shop.journeys.conftest import NOON_TOKYO, at, customer, make_journey, paid_order


def sweeps_at_once(count: int, *, now) -> None:
    def sweep() -> None:
        try:
            journeys_run(now=now)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_every_step_exactly_once(smtp_sink, product):
    smtp_sink.delay = 0.05  # each send takes a while, so the two sweeps overlap
    make_journey(steps=[{}, {"kind": StepKind.TRANSACTIONAL}])
    users = [customer(time_zone="Asia/Tokyo") for _ in range(6)]
    for user in users:
        paid_order(user, product=product)

    sweeps_at_once(2, now=NOON_TOKYO)

    assert Message.objects.filter(state=MessageState.SENT).count() == 12
    for user in users:
        assert len(smtp_sink.received_by(user.email)) == 2
    journeys_run(now=at(1))
    assert len(smtp_sink.messages) == 12


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_both_send_the_last_message_the_cap_allows(smtp_sink, product, settings):
    settings.JOURNEYS_CAP_MESSAGES = 1
    user = customer(time_zone="Asia/Tokyo")
    for key in ("one", "two", "three"):
        make_journey(key=key)
    paid_order(user, product=product)

    sweeps_at_once(3, now=NOON_TOKYO)

    assert Message.objects.filter(state=MessageState.SENT).count() == 1
    assert len(smtp_sink.received_by(user.email)) == 1


class WorkerKilled(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs, no `except` catches it."""


@pytest.mark.django_db
def test_a_worker_killed_after_the_mail_server_took_the_e_mail_never_sends_it_again(
    smtp_sink, product, monkeypatch
):
    user = customer(time_zone="Asia/Tokyo")
    make_journey()
    paid_order(user, product=product)
    real_send = EmailMessage.send

    def send_then_die(self, *args, **kwargs):
        real_send(self, *args, **kwargs)
        raise WorkerKilled

    monkeypatch.setattr(EmailMessage, "send", send_then_die)
    with pytest.raises(WorkerKilled):
        journeys_run(now=NOON_TOKYO)
    monkeypatch.setattr(EmailMessage, "send", real_send)
    message = Message.objects.get()
    assert message.email_state == EmailState.SENDING
    assert len(smtp_sink.received_by(user.email)) == 1

    journeys_run(now=at(0.1))  # within the lease: perhaps still sending, left alone
    assert Message.objects.get().email_state == EmailState.SENDING
    journeys_run(now=at(1))
    journeys_run(now=at(5))

    message.refresh_from_db()
    assert message.email_state == EmailState.UNCONFIRMED
    assert message.state == MessageState.SENT  # still in the inbox
    assert len(smtp_sink.received_by(user.email)) == 1

    # Staff may decide to send it again; only then it goes.
    staff = Client()
    staff.force_login(UserFactory(is_staff=True, is_superuser=True))
    staff.post(
        reverse("admin:journeys_message_changelist"),
        {"action": "retry_emails", "_selected_action": [message.pk]},
    )
    journeys_run(now=at(6))
    assert len(smtp_sink.received_by(user.email)) == 2


@pytest.mark.django_db
def test_a_worker_killed_before_the_mail_server_answered_is_also_not_retried(
    smtp_sink, product, monkeypatch
):
    user = customer(time_zone="Asia/Tokyo")
    make_journey()
    paid_order(user, product=product)

    def die(self, *args, **kwargs):
        raise WorkerKilled

    monkeypatch.setattr(EmailMessage, "send", die)
    with pytest.raises(WorkerKilled):
        journeys_run(now=NOON_TOKYO)
    monkeypatch.undo()
    journeys_run(now=at(1))

    # We cannot tell the two cases apart: both are "perhaps sent", neither goes twice.
    assert Message.objects.get().email_state == EmailState.UNCONFIRMED
    assert smtp_sink.received_by(user.email) == []


@pytest.mark.django_db
def test_a_deferred_e_mail_goes_after_its_back_off_and_a_refused_one_is_kept(
    smtp_sink, product, settings
):
    settings.SHOP_EMAIL_RETRY_DELAY = 300
    busy = customer(time_zone="Asia/Tokyo", email="busy@example.com")
    gone = customer(time_zone="Asia/Tokyo", email="gone@example.com")
    smtp_sink.deferred["busy@example.com"] = 1
    smtp_sink.refused.add("gone@example.com")
    make_journey()
    paid_order(busy, product=product)
    paid_order(gone, product=product)

    journeys_run(now=NOON_TOKYO)

    waiting = Message.objects.get(user=busy)
    assert waiting.email_state == EmailState.PENDING
    assert "451" in waiting.email_error
    assert waiting.email_next_attempt_at == NOON_TOKYO + timedelta(minutes=5)
    failed = Message.objects.get(user=gone)
    assert failed.email_state == EmailState.FAILED
    assert "550" in failed.email_error and "gone@example.com" not in failed.email_error
    assert failed.state == MessageState.SENT  # the message itself is in the inbox

    journeys_run(now=at(0.05))  # three minutes later: not yet
    assert smtp_sink.received_by("busy@example.com") == []
    journeys_run(now=at(0.1))
    assert len(smtp_sink.received_by("busy@example.com")) == 1
    assert Message.objects.get(user=busy).email_state == EmailState.SENT
    assert smtp_sink.tried["gone@example.com"] == 1


@pytest.mark.django_db
def test_a_retry_that_falls_at_night_waits_for_the_morning(smtp_sink, product, settings):
    settings.SHOP_EMAIL_RETRY_DELAY = 8 * 3600  # the second try would be at 20:00 Tokyo
    user = customer(time_zone="Asia/Tokyo", email="busy@example.com")
    smtp_sink.deferred["busy@example.com"] = 1
    make_journey()
    paid_order(user, product=product)

    journeys_run(now=NOON_TOKYO)
    journeys_run(now=at(8))  # 20:00 in Tokyo

    message = Message.objects.get()
    assert smtp_sink.received_by("busy@example.com") == []
    assert message.email_next_attempt_at == at(21)  # 09:00 the next day in Tokyo
    journeys_run(now=at(21))
    assert len(smtp_sink.received_by("busy@example.com")) == 1
