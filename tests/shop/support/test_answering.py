"""Replies reach the shopper: on the open page (polling that costs nothing while nothing
changed), else by e-mail through an outbox that retries; then one question, once."""

from __future__ import annotations

import datetime
import io
import smtplib
import time
from unittest import mock

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from shop.support.models import Conversation, ConversationStatus, Message, Waiting
from shop.support.services import (
    conversation_link_token,
    conversation_start,
    message_add,
    reply_add,
    reply_email_send,
    reply_emails_send_pending,
    version_current,
)

pytestmark = pytest.mark.django_db


def start(*, language: str = "en", **kwargs) -> Conversation:
    fields = {
        "user": None,
        "email": "aiko@example.com",
        "name": "Aiko",
        "language": language,
        "zone_name": "Asia/Tokyo",
        "topic": "other",
        "body": "Where is my parcel?",
    }
    fields.update(kwargs)
    return conversation_start(**fields)


def poll_url(conversation: Conversation) -> str:
    return f"/support/c/{conversation_link_token(conversation)}/poll/"


def test_polling_while_nothing_changed_costs_no_query(ken, django_assert_num_queries):
    conversation = start()
    client = Client()
    url = poll_url(conversation)
    client.get(url, {"v": conversation.version})  # the first look fills the cache if needed
    with django_assert_num_queries(0):
        response = client.get(url, {"v": conversation.version})
    assert response.status_code == 204


def test_a_reply_appears_at_the_next_poll(ken):
    conversation = start()
    client = Client()
    version = conversation.version
    reply_add(conversation=conversation, agent=ken, body="It left our store today.")
    response = client.get(poll_url(conversation), {"v": version})
    assert response.status_code == 200
    text = response.content.decode()
    assert "It left our store today." in text
    conversation.refresh_from_db()
    assert f"v={conversation.version}" in text


def test_without_the_cache_the_database_answers_the_poll(ken, django_assert_num_queries):
    conversation = start()
    reply_add(conversation=conversation, agent=ken, body="Answered")
    conversation.refresh_from_db()
    with mock.patch("shop.support.services.cache") as down:
        down.get.return_value = None  # what django-redis answers with Redis gone
        with django_assert_num_queries(1):
            response = Client().get(poll_url(conversation), {"v": conversation.version})
    assert response.status_code == 204
    assert version_current(conversation.token) == conversation.version


def test_an_evicted_version_is_read_again_and_cached(ken):
    conversation = start()
    cache.clear()
    assert version_current(conversation.token) == conversation.version
    assert cache.get(f"support:v:{conversation.token}") == conversation.version


def test_an_expired_or_forged_poll_stops_polling(ken):
    conversation = start()
    response = Client().get(f"/support/c/{conversation.token}/poll/", {"v": 1})
    assert response.status_code == 286


def test_a_reply_seen_on_the_page_is_not_emailed(ken):
    conversation = start()
    version = conversation.version
    reply = reply_add(conversation=conversation, agent=ken, body="Seen on screen")
    Client().get(poll_url(conversation), {"v": version})
    later = timezone.now() + datetime.timedelta(hours=1)
    assert reply_emails_send_pending(now=later) == 0
    assert not mail.outbox
    reply.refresh_from_db()
    assert reply.seen_at is not None


def test_a_reply_not_seen_is_emailed_after_the_delay_in_the_shoppers_language(ken):
    conversation = start(language="ja")
    reply_add(conversation=conversation, agent=ken, body="本日発送しました。")
    assert not mail.outbox  # not before the shopper had a chance to read it on the page
    assert reply_emails_send_pending(now=timezone.now() + datetime.timedelta(minutes=3)) == 1
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["aiko@example.com"]
    assert "本日発送しました。" in email.body
    assert f"/support/c/{conversation_link_token(conversation)[:20]}" in email.body
    assert "Ken" in email.subject
    # Never twice.
    assert reply_emails_send_pending(now=timezone.now() + datetime.timedelta(hours=3)) == 0


def test_a_refused_address_fails_once_and_is_not_tried_again(ken):
    conversation = start()
    reply = reply_add(conversation=conversation, agent=ken, body="Hello")
    refused = smtplib.SMTPRecipientsRefused({"aiko@example.com": (550, b"No such user")})
    later = timezone.now() + datetime.timedelta(minutes=3)
    with mock.patch("shop.support.services.send_mail", side_effect=refused):
        assert not reply_email_send(message_id=reply.pk, now=later)
    reply.refresh_from_db()
    assert reply.email_failed_at is not None
    assert "aiko@example.com" not in reply.email_error
    assert reply_emails_send_pending(now=later + datetime.timedelta(days=1)) == 0


def test_a_busy_mail_server_is_tried_again_after_the_back_off(ken):
    conversation = start()
    reply = reply_add(conversation=conversation, agent=ken, body="Hello")
    later = timezone.now() + datetime.timedelta(minutes=3)
    with mock.patch("shop.support.services.send_mail", side_effect=ConnectionRefusedError):
        assert not reply_email_send(message_id=reply.pk, now=later)
    assert reply_emails_send_pending(now=later + datetime.timedelta(minutes=1)) == 0
    assert reply_emails_send_pending(now=later + datetime.timedelta(minutes=6)) == 1
    assert len(mail.outbox) == 1


def test_the_first_reply_is_timed_and_the_conversation_waits_for_the_shopper(ken):
    conversation = start()
    reply_add(conversation=conversation, agent=ken, body="Hello")
    conversation.refresh_from_db()
    assert conversation.first_response_at is not None
    assert conversation.waiting == Waiting.SHOPPER


def test_a_closed_conversation_asks_once_whether_it_helped(client, ken):
    conversation = start()
    reply_add(conversation=conversation, agent=ken, body="Done", close=True)
    link = f"/support/c/{conversation_link_token(conversation)}/"
    page = client.get(link).content.decode()
    assert "Was this helpful?" in page
    response = client.post(link + "rate/", {"score": "5"}, headers={"HX-Request": "true"})
    assert "Thank you for telling us." in response.content.decode()
    client.post(link + "rate/", {"score": "1"})
    conversation.refresh_from_db()
    assert conversation.csat == 5


def test_an_open_conversation_cannot_be_rated(client, ken):
    conversation = start()
    link = f"/support/c/{conversation_link_token(conversation)}/"
    client.post(link + "rate/", {"score": "5"})
    conversation.refresh_from_db()
    assert conversation.csat is None


def test_writing_to_a_closed_conversation_opens_it_again(ken):
    conversation = start()
    reply_add(conversation=conversation, agent=ken, body="Done", close=True)
    message_add(conversation=conversation, body="Actually, one more thing")
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.OPEN
    assert conversation.waiting == Waiting.US
    assert conversation.assignee == ken


def test_a_failure_while_writing_again_leaves_nothing_half_done(ken):
    """The message, the conversation's new state and its version go together or not at all:
    the shopper gets an error and can send again, and no poll announces a change that is not
    there."""
    conversation = start()
    lost = RuntimeError("connection lost")
    with mock.patch("shop.support.services._bump", side_effect=lost), pytest.raises(RuntimeError):
        message_add(conversation=conversation, body="Second message")
    assert list(Message.objects.filter(from_staff=False).values_list("body", flat=True)) == [
        "Where is my parcel?"
    ]
    assert version_current(conversation.token) == conversation.version


def test_a_stale_cached_version_hides_a_reply_no_longer_than_the_max_age(ken, settings):
    """A bump that could not reach a hung Redis leaves the old version there: the page still
    gets the reply once that copy is older than SHOP_SUPPORT_VERSION_MAX_AGE."""
    settings.SHOP_SUPPORT_VERSION_MAX_AGE = 1
    conversation = start()
    seen = conversation.version
    reply_add(conversation=conversation, agent=ken, body="Hidden for a moment")
    cache.set(f"support:v:{conversation.token}", seen, 1)  # what the failed bump left behind
    client = Client()
    assert client.get(poll_url(conversation), {"v": seen}).status_code == 204
    deadline = time.monotonic() + 10
    while (response := client.get(poll_url(conversation), {"v": seen})).status_code == 204:
        assert time.monotonic() < deadline, "the reply stayed hidden behind a stale version"
        time.sleep(0.1)
    assert "Hidden for a moment" in response.content.decode()


def test_the_command_sends_what_is_due(ken):
    from django.core.management import call_command

    conversation = start()
    reply = reply_add(conversation=conversation, agent=ken, body="By the command")
    Message.objects.filter(pk=reply.pk).update(email_next_attempt_at=timezone.now())
    call_command("send_support_emails", stdout=io.StringIO())
    assert [email.body.count("By the command") for email in mail.outbox] == [1]
