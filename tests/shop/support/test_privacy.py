"""Conversations are in "Download my data" and go with "Erase my data"."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from shop.support.models import Conversation, Message

from .conftest import signed_in

pytestmark = pytest.mark.django_db


def ask(client, body="My cat will not eat the new food"):
    data = {"name": "Aiko", "email": "aiko@example.com", "topic": "product", "body": body}
    return client.post("/support/ask/", data)


def test_a_guests_download_has_the_conversations_this_browser_had(client, ken):
    ask(client)
    data = json.loads(client.get(reverse("personalization:export")).content)
    [conversation] = data["support_conversations"]
    assert conversation["email"] == "aiko@example.com"
    assert conversation["messages"][0]["text"] == "My cat will not eat the new food"


def test_a_download_has_no_one_elses_conversation(client, ken):
    from django.test import Client

    ask(Client(), body="Someone else's question")
    data = json.loads(client.get(reverse("personalization:export")).content)
    assert data["support_conversations"] == []


def test_an_account_download_has_its_conversations(user, ken):
    client = signed_in(user)
    client.post("/support/ask/", {"topic": "other", "body": "From my account"})
    data = json.loads(client.get(reverse("personalization:export")).content)
    assert data["support_conversations"][0]["messages"][0]["text"] == "From my account"


def test_erasing_deletes_the_accounts_conversations_and_nobody_elses(user, ken):
    from django.test import Client

    ask(Client(), body="Someone else's question")
    client = signed_in(user)
    client.post("/support/ask/", {"topic": "other", "body": "From my account"})
    client.post(reverse("personalization:erase"), {"password": "correct-horse-battery"})
    assert list(Conversation.objects.values_list("email", flat=True)) == ["aiko@example.com"]
    assert not Message.objects.filter(body="From my account").exists()


def test_erasing_as_a_guest_deletes_this_browsers_conversations(client, ken):
    ask(client)
    client.post(reverse("personalization:erase"))
    assert not Conversation.objects.exists()
