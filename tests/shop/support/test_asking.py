"""A shopper asks: with or without JavaScript, signed in or as a guest, and what a script
hammering the form or guessing links gets."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core import signing
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from shop.orders.access import order_remember
from shop.support.models import Conversation, Message, Waiting
from shop.support.services import LINK_SALT, conversation_link_token

from .conftest import signed_in

pytestmark = pytest.mark.django_db

LINK = re.compile(r"/support/c/([^/\"]+)/")


def ask(client: Client, *, htmx: bool = False, **fields):
    data = {"name": "Aiko", "email": "aiko@example.com", "topic": "other", "body": "Hello?"}
    data.update(fields)
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post("/support/ask/", data, headers=headers)


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "orange").save(buffer, "PNG")
    return SimpleUploadedFile("cat.png", buffer.getvalue(), content_type="image/png")


def test_every_page_offers_the_same_ask_us_link(client, product):
    home = client.get("/").content.decode()
    other = Client(HTTP_ACCEPT_LANGUAGE="en").get("/").content.decode()
    link = '<a class="support-ask-link" href="/support/ask/"'
    assert link in home and link in other
    assert 'id="support-panel"' in home


def test_a_guest_asks_without_javascript_and_lands_on_the_conversation(client, ken):
    response = ask(client, body="Where is my parcel?")
    assert response.status_code == 302
    page = client.get(response["Location"])
    text = page.content.decode()
    assert text.count("Where is my parcel?") == 1  # in the thread, not also as a site message
    assert "Ken will answer by" in text
    conversation = Conversation.objects.get()
    assert conversation.email == "aiko@example.com"
    assert conversation.assignee == ken
    assert conversation.waiting == Waiting.US


def test_with_htmx_the_conversation_replaces_the_form(client, ken):
    response = ask(client, htmx=True, body="Do you ship to Okinawa?")
    text = response.content.decode()
    assert response.status_code == 200
    assert text.startswith('<section id="support-conversation"')
    assert "Do you ship to Okinawa?" in text
    assert "hx-get=" in text and "every 5s" in text


def test_a_signed_in_shopper_asks_without_typing_an_address(user, ken):
    client = signed_in(user)
    form = client.get("/support/ask/").content.decode()
    assert 'name="email"' not in form
    response = client.post("/support/ask/", {"topic": "other", "body": "Hi"})
    assert response.status_code == 302
    conversation = Conversation.objects.get()
    assert conversation.user == user and conversation.email == user.email
    profile = client.get("/accounts/profile/").content.decode()
    assert conversation_link_token(conversation) in profile


def test_asking_about_an_order_this_browser_may_see_links_it(client, order, ken):
    session = client.session
    order_remember(session_request(session), order)
    session.save()
    form = client.get(f"/support/ask/?order={order.number}").content.decode()
    assert f"Ask about order {order.number}" in form
    ask(client, order=order.number)
    conversation = Conversation.objects.get()
    assert conversation.order == order and conversation.topic == "order"


def session_request(session):
    class Request:
        pass

    request = Request()
    request.session = session
    return request


def test_someone_elses_order_number_is_ignored(client, order, ken):
    form = client.get(f"/support/ask/?order={order.number}", headers={"HX-Request": "true"})
    assert order.number not in form.content.decode()
    ask(client, order=order.number)
    assert Conversation.objects.get().order is None


def test_the_order_page_offers_to_ask_about_it(client, order):
    session = client.session
    order_remember(session_request(session), order)
    session.save()
    page = client.get(order.get_absolute_url()).content.decode()
    assert f"/support/ask/?order={order.number}" in page
    assert "Ask about this order" in page


def test_the_product_page_offers_to_ask_about_it(client, product):
    page = client.get(product.get_absolute_url()).content.decode()
    assert f"/support/ask/?product={product.slug}" in page


def test_an_empty_message_is_refused_and_nothing_is_created(client, ken):
    response = ask(client, body="   \n\x07\u200b  ")
    assert response.status_code == 200
    assert "Write a few words first." in response.content.decode()
    assert not Conversation.objects.exists()


def test_a_bad_email_keeps_what_was_typed(client, ken):
    response = ask(client, email="not-an-address", body="My long question")
    text = response.content.decode()
    assert "My long question" in text
    assert not Conversation.objects.exists()


def test_the_form_needs_its_csrf_token(ken):
    client = Client(enforce_csrf_checks=True)
    assert ask(client).status_code == 403
    assert not Conversation.objects.exists()


def test_markup_in_a_message_is_shown_as_text_and_only_web_links_are_links(client, ken):
    body = "<script>alert(1)</script> see https://example.com/a and javascript:alert(2)"
    response = ask(client, body=body)
    text = client.get(response["Location"]).content.decode()
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert '<a href="https://example.com/a" rel="nofollow">' in text
    assert 'href="javascript' not in text


def test_a_picture_is_kept_under_a_name_nobody_can_guess(client, ken):
    response = ask(client, attachment=png())
    assert response.status_code == 302
    message = Message.objects.filter(from_staff=False).get()
    assert message.attachment.name.startswith("support/")
    assert "cat" not in message.attachment.name


def test_a_file_that_is_not_an_image_is_refused(client, ken):
    fake = SimpleUploadedFile("cat.png", b"<?php evil(); ?>", content_type="image/png")
    response = ask(client, attachment=fake)
    assert response.status_code == 200
    assert not Conversation.objects.exists()


def test_a_script_asking_again_and_again_is_stopped_and_its_text_kept(client, ken, settings):
    settings.SHOP_SUPPORT_RATES = {"start": "3/h", "message": "30/h"}
    cache.clear()
    for _ in range(3):
        assert ask(client).status_code == 302
    response = ask(client, body="The fourth one")
    assert response.status_code == 429
    assert "The fourth one" in response.content.decode()
    assert Conversation.objects.count() == 3
    # Another shopper (another address) still asks.
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert ask(other).status_code == 302


def test_a_guessed_token_or_an_unsigned_link_opens_nothing(client, ken):
    ask(client)
    conversation = Conversation.objects.get()
    stranger = Client()
    assert stranger.get(f"/support/c/{conversation.token}/").status_code == 404
    assert stranger.get(f"/support/c/{conversation.pk}/").status_code == 404
    forged = signing.dumps(conversation.token, salt="something-else")
    assert stranger.get(f"/support/c/{forged}/").status_code == 404
    assert stranger.get(f"/support/c/{conversation_link_token(conversation)}/").status_code == 200


def test_an_expired_link_opens_nothing_for_a_stranger_but_the_asking_browser_keeps_it(
    client, ken, settings
):
    response = ask(client)
    conversation = Conversation.objects.get()
    signed = LINK.search(response["Location"]).group(1)
    old = signing.dumps(conversation.token, salt=LINK_SALT)
    later = datetime.datetime.now() + datetime.timedelta(days=31)
    with _clock(later):
        assert Client().get(f"/support/c/{old}/").status_code == 404
        assert client.get(f"/support/c/{signed}/").status_code == 200


class _clock:
    """Move time.time() on for the signer's age check."""

    def __init__(self, moment: datetime.datetime) -> None:
        self.moment = moment

    def __enter__(self):
        import time
        from unittest import mock

        self.patch = mock.patch.object(time, "time", return_value=self.moment.timestamp())
        self.patch.start()

    def __exit__(self, *exc):
        self.patch.stop()


def test_writing_again_with_htmx_adds_the_message_in_place(client, ken):
    response = ask(client)
    link = response["Location"]
    again = client.post(link, {"body": "One more thing"}, headers={"HX-Request": "true"})
    assert again.status_code == 200
    assert "One more thing" in again.content.decode()
    assert Message.objects.filter(from_staff=False).count() == 2
