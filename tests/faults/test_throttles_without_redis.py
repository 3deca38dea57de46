"""Throttles that count in Redis, with Redis gone: no 500s, and each endpoint fails open or
closed as what it protects deserves."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from shop.offers.applicator import offers_changed
from shop.offers.models import Offer, OfferKind
from tests.factories import UserFactory

pytestmark = [pytest.mark.faults, pytest.mark.django_db]

PASSWORD = "correct-horse-battery"


@pytest.fixture
def redis_gone(shared_cache):
    shared_cache.kill()
    return shared_cache


@pytest.fixture
def in_basket(client, product):
    response = client.post(reverse("basket:add"), {"product": product.pk, "quantity": 2})
    assert response.status_code == 302
    return client


@pytest.fixture
def spring(db):
    offer = Offer.objects.create(
        name="¥300 off with SPRING", kind=OfferKind.FIXED, value=Decimal(300), code="SPRING"
    )
    offers_changed()
    return offer


def test_a_campaign_code_still_applies(spring, in_basket, redis_gone):
    response = in_basket.post(reverse("basket:code"), {"code": "spring"}, follow=True)
    assert response.status_code == 200
    assert "¥300 off with SPRING" in response.content.decode()
    assert in_basket.session["voucher_codes"] == ["SPRING"]


def test_any_other_code_waits_until_wrong_tries_can_be_counted(spring, in_basket, redis_gone):
    """It could be someone's personal voucher: guessing is never let through uncounted."""
    response = in_basket.post(reverse("basket:code"), {"code": "THANKS-ABCD1234"}, follow=True)
    assert response.status_code == 200
    assert "Codes cannot be checked at the moment" in response.content.decode()
    assert "voucher_codes" not in in_basket.session


def test_a_profile_answer_is_taken(client, redis_gone):
    from personalization.models import Question

    Question.objects.create(key="name", prompt="What should we call you?", kind="text")
    client.post(reverse("personalization:consent"), {"choice": "all"})
    response = client.post(
        reverse("personalization:profile_answer"),
        {"key": "name", "value": ["Aiko"], "next": "/"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Too many answers" not in response.content.decode()


def test_the_order_look_up_says_it_is_unavailable_and_looks_nothing_up(client, redis_gone):
    response = client.post(reverse("orders:find"), {"number": "SF-123", "email": "a@b.example"})
    assert response.status_code == 503
    assert "Orders cannot be looked up at the moment" in response.content.decode()


def test_shoppers_and_staff_still_sign_in(client, redis_gone):
    shopper = UserFactory()
    assert client.get(reverse("account_login")).status_code == 200
    response = client.post(reverse("account_login"), {"login": shopper.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(shopper.pk)

    staff = UserFactory(is_staff=True, is_superuser=True)
    client.logout()
    response = client.post(
        reverse("admin:login"), {"username": staff.email, "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_django_axes_still_locks_out_a_guesser(client, redis_gone, settings):
    settings.AXES_FAILURE_LIMIT = 3
    shopper = UserFactory()
    assert client.get(reverse("account_login")).status_code == 200
    statuses = [
        client.post(
            reverse("account_login"), {"login": shopper.email, "password": f"guess-{i}"}
        ).status_code
        for i in range(3)
    ]
    assert statuses == [200, 200, 429]
    response = client.post(reverse("account_login"), {"login": shopper.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
