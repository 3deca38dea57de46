"""Messages are in "Download my data" and go with "Erase my data"."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from shop.journeys.models import Contact, Message, Run
from shop.journeys.services import journeys_run

from .conftest import NOON_TOKYO, make_journey, paid_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, tokyo, product):
    make_journey()
    paid_order(tokyo, product=product)
    journeys_run(now=NOON_TOKYO)
    client.force_login(tokyo)
    return client


def test_the_export_has_every_message_and_the_e_mail_choice(signed_in):
    data = json.loads(signed_in.get(reverse("personalization:export")).content)
    inbox = data["inbox"]
    assert inbox["marketing_emails"] is True
    [message] = inbox["messages"]
    assert message["subject"] == "Hello Aiko"
    assert message["emailed"] is not None


def test_erasing_removes_messages_runs_and_the_contact(signed_in, tokyo):
    response = signed_in.post(
        reverse("personalization:erase"), {"password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert not Message.objects.filter(user=tokyo).exists()
    assert not Run.objects.filter(user=tokyo).exists()
    assert not Contact.objects.filter(user=tokyo).exists()
