"""The guest order look-up is limited per client address (through our proxies) and per order
number, counting failed look-ups — never per session, which a guesser simply throws away."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db

FIND = reverse("orders:find")
PROXY = "10.0.0.1"
LIMITED = "Too many attempts to find an order."


@pytest.fixture(autouse=True)
def _behind_our_proxy(settings):
    settings.PERSONALIZATION_TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.SHOP_ORDER_LOOKUP_LIMITS = {"address": "10/15m", "number": "5/h"}


def somewhere() -> str:
    """An address no other test (or earlier run against a shared cache) has used, in a /64 of
    its own (allauth counts IPv6 clients by their /64)."""
    return f"2001:db8:{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}::1"


def fresh_client(address: str) -> Client:
    """A new browser (no cookies, no session) behind our proxy."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)


def random_number() -> str:
    return "SF-" + uuid.uuid4().hex[:8].upper()


def find(client: Client, number: str, email: str):
    return client.post(FIND, {"number": number, "email": email})


def test_one_address_is_stopped_whatever_the_sessions(order):
    attacker = somewhere()
    statuses = [
        find(fresh_client(attacker), random_number(), f"guess{i}@example.com").status_code
        for i in range(20)
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[10:] == [429] * 10


def test_a_stopped_address_gets_a_clear_message_and_nothing_is_looked_up(order):
    attacker = somewhere()
    for i in range(10):
        find(fresh_client(attacker), random_number(), f"guess{i}@example.com")
    with CaptureQueriesContext(connection) as queries:
        response = find(fresh_client(attacker), order.number, "aiko@example.com")
    assert response.status_code == 429
    assert LIMITED in response.content.decode()
    assert not [q for q in queries.captured_queries if "orders_order" in q["sql"]]


def test_one_order_number_is_stopped_from_many_addresses(order):
    statuses = [
        find(fresh_client(somewhere()), order.number, f"guess{i}@example.com").status_code
        for i in range(20)
    ]
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [429] * 15


def test_another_shopper_behind_the_same_proxy_still_finds_their_order(order):
    attacker = somewhere()
    for i in range(12):
        find(fresh_client(attacker), random_number(), f"guess{i}@example.com")
    response = find(fresh_client(somewhere()), order.number, "aiko@example.com")
    assert response.status_code == 302
    assert response.url == order.get_absolute_url()


def test_finding_orders_is_not_counted(order):
    shopper = somewhere()
    for _ in range(15):
        assert find(fresh_client(shopper), order.number, "aiko@example.com").status_code == 302


def test_a_spoofed_forwarded_for_from_elsewhere_does_not_dodge_the_limit(order):
    attacker = somewhere()  # not one of our proxies: its X-Forwarded-For means nothing
    statuses = [
        Client(REMOTE_ADDR=attacker, HTTP_X_FORWARDED_FOR=somewhere())
        .post(FIND, {"number": random_number(), "email": f"guess{i}@example.com"})
        .status_code
        for i in range(12)
    ]
    assert statuses[10:] == [429, 429]
