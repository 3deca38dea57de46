"""Failed sign-ins are counted by django-axes against the client's real address (through our
proxies), on the admin's login and the shop's: an attacker behind the proxy is locked out,
the other shoppers behind it are not, and a forged X-Forwarded-For changes nothing."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.adapter import AccountAdapter
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = reverse("admin:login")
SHOP_LOGIN = reverse("account_login")
PROXY = "10.0.0.1"
PASSWORD = "correct-horse-battery"
PAUSED = "Signing in is paused"


@pytest.fixture(autouse=True)
def _behind_our_proxy(settings):
    settings.PERSONALIZATION_TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.AXES_FAILURE_LIMIT = 10


def somewhere() -> str:
    """An address no other test (or earlier run against a shared cache) has used, in a /64 of
    its own (allauth counts IPv6 clients by their /64)."""
    return f"2001:db8:{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}::1"


def behind_proxy(address: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)


def unique_email(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@example.com"


def admin_login(client: Client, email: str, password: str):
    return client.post(ADMIN_LOGIN, {"username": email, "password": password, "next": "/admin/"})


def shop_login(client: Client, email: str, password: str):
    return client.post(SHOP_LOGIN, {"login": email, "password": password})


@pytest.fixture
def staff_member():
    return UserFactory(email=unique_email("staff"), is_staff=True, is_superuser=True)


def test_an_attacker_is_locked_out_of_the_admin_login(staff_member):
    attacker = behind_proxy(somewhere())
    statuses = [
        admin_login(attacker, staff_member.email, f"guess-{i}").status_code for i in range(10)
    ]
    assert statuses[:9] == [200] * 9
    assert statuses[9] == 429
    response = admin_login(attacker, staff_member.email, PASSWORD)  # even the right password
    assert response.status_code == 429
    assert PAUSED in response.content.decode()
    assert "_auth_user_id" not in attacker.session


def test_another_shopper_behind_the_proxy_still_signs_in_to_the_admin(staff_member):
    attacker = behind_proxy(somewhere())
    for i in range(12):
        admin_login(attacker, staff_member.email, f"guess-{i}")
    colleague = behind_proxy(somewhere())
    response = admin_login(colleague, staff_member.email, PASSWORD)
    assert response.status_code == 302
    assert colleague.session["_auth_user_id"] == str(staff_member.pk)


def test_an_attacker_trying_many_accounts_is_locked_out_of_the_shop_login():
    attacker = behind_proxy(somewhere())
    own = UserFactory(email=unique_email("attacker"))
    statuses = [
        shop_login(attacker, unique_email("victim"), "guess").status_code for _ in range(10)
    ]
    assert statuses[:9] == [200] * 9
    assert statuses[9] == 429
    response = shop_login(attacker, own.email, PASSWORD)
    assert response.status_code == 429
    assert PAUSED in response.content.decode()
    assert "_auth_user_id" not in attacker.session


def test_another_shopper_behind_the_proxy_still_signs_in_to_the_shop():
    attacker = behind_proxy(somewhere())
    for _ in range(12):
        shop_login(attacker, unique_email("victim"), "guess")
    shopper = UserFactory(email=unique_email("shopper"))
    client = behind_proxy(somewhere())
    response = shop_login(client, shopper.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(shopper.pk)


@pytest.mark.parametrize("login", [admin_login, shop_login])
def test_a_forged_forwarded_for_from_elsewhere_does_not_dodge_the_lockout(login):
    attacker = somewhere()  # not one of our proxies: its X-Forwarded-For means nothing
    statuses = [
        login(Client(REMOTE_ADDR=attacker, HTTP_X_FORWARDED_FOR=somewhere()),
              unique_email("victim"), "guess").status_code
        for _ in range(11)
    ]  # fmt: skip
    assert statuses[9:] == [429, 429]


def test_the_lockout_page_is_in_japanese_for_japanese_shoppers(staff_member):
    attacker = Client(
        REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=somewhere(), HTTP_ACCEPT_LANGUAGE="ja"
    )
    for i in range(10):
        response = shop_login(attacker, unique_email("victim"), f"guess-{i}")
    assert response.status_code == 429
    assert "サインインを一時停止しています" in response.content.decode()


def test_allauths_rate_limits_key_on_the_real_address(settings):
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert AccountAdapter(request).get_client_ip(request) == "203.0.113.7"
