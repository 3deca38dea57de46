"""A visitor's own data: "Download my data" gives everything stored about them as a file, and
"Erase my data" deletes it — for a signed-in shopper closing the account but keeping the orders
the law requires, without their name or e-mail address."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse

from personalization.conf import app_settings
from personalization.models import Answer, Question, QuestionKind
from personalization.profiling import ANSWERS_KEY, DISMISSED_KEY, questions_changed
from shop.basket.models import Basket
from shop.basket.services import SESSION_KEY as BASKET_KEY
from shop.offers.models import OrderDiscount
from shop.orders.models import Order, OrderLine, OrderStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CONSENT = app_settings.CONSENT_COOKIE
HISTORY = app_settings.HISTORY_COOKIE
REGION = app_settings.REGION_COOKIE
PETS = [
    {"value": "dog", "label_en": "Dog", "label_ja": "犬"},
    {"value": "cat", "label_en": "Cat", "label_ja": "猫"},
]


@pytest.fixture(autouse=True)
def _fresh_questions():
    """The questions snapshot's version lives in the shared cache, which outlives each test's
    rolled-back rows: start from, and leave behind, a version nobody has loaded."""
    questions_changed()
    yield
    questions_changed()


@pytest.fixture
def questions() -> None:
    Question.objects.create(key="name", prompt="What should we call you?", kind="text", position=10)
    Question.objects.create(
        key="pet", prompt="Dog, cat or another friend?", kind=QuestionKind.SINGLE, choices=PETS,
        position=20,
    )  # fmt: skip
    questions_changed()


def answer(client, key: str, value: str) -> None:
    response = client.post(
        reverse("personalization:profile_answer"), {"key": key, "value": value, "next": "/"}
    )
    assert response.status_code == 302


def erase(client, password: str = "correct-horse-battery"):
    """Erase a signed-in shopper's data, typing their password again as the page asks."""
    return client.post(reverse("personalization:erase"), {"password": password})


def download(client) -> dict:
    response = client.get(reverse("personalization:export"))
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.fixture
def visitor(consenting_client, questions, product, region_cookie_value):
    """An anonymous visitor who allowed everything, came once, chose Osaka, told us about
    their cat and put cat food in the basket."""
    consenting_client.get("/")  # the first visit, remembered in the history cookie
    consenting_client.cookies[REGION] = region_cookie_value("JP-27")
    answer(consenting_client, "name", "Aiko")
    answer(consenting_client, "pet", "cat")
    consenting_client.post(reverse("basket:add"), {"product": product.pk, "quantity": 2})
    assert consenting_client.session[BASKET_KEY]
    return consenting_client


@pytest.fixture
def aiko(db):
    user = UserFactory(email="aiko@example.com", first_name="Aiko", last_name="Tanaka")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


@pytest.fixture
def aikos_order(aiko, product) -> Order:
    order = Order.objects.create(
        user=aiko, email="aiko@example.com", name="Aiko Tanaka", phone="090-1234-5678",
        country="JP", region="JP-01", postal_code="060-0001", city="Sapporo", address="1-1 Kita",
        shipping_method="standard", shipping_price=Decimal(600), subtotal=Decimal(2400),
        total=Decimal(3000), currency="JPY", status=OrderStatus.PAID, idempotency_key="aiko-1",
    )  # fmt: skip
    OrderLine.objects.create(
        order=order, product=product, product_name=product.name, unit_price=Decimal(1200),
        quantity=2, total=Decimal(2400),
    )  # fmt: skip
    return order


@pytest.fixture
def make_discount(db):
    """A discount an order got, recorded as checkout records it."""

    def make(order: Order, customer=None) -> OrderDiscount:
        return OrderDiscount.objects.create(
            order=order, sentence="¥300 off", amount=Decimal(300), customer_email=order.email,
            customer=customer,
        )  # fmt: skip

    return make


@pytest.fixture
def signed_in(consenting_client, aiko, aikos_order, questions, product):
    """Aiko, signed in, with an order, answers in her account and a basket."""
    consenting_client.force_login(aiko)
    answer(consenting_client, "name", "Aiko")
    answer(consenting_client, "pet", "cat")
    consenting_client.post(reverse("basket:add"), {"product": product.pk, "quantity": 1})
    assert Basket.objects.filter(owner=aiko).exists()
    return consenting_client


# Download my data


def test_download_my_data_is_a_json_file(visitor):
    response = visitor.get(reverse("personalization:export"))
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="storefront-my-data.json"'


def test_the_download_has_the_answers(visitor):
    assert download(visitor)["answers"] == {"name": "Aiko", "pet": "cat"}


def test_the_download_has_the_consent(visitor):
    assert download(visitor)["consent"] == ["essential", "personalization", "analytics"]


def test_the_download_has_the_visits(visitor):
    visits = download(visitor)["visits"]
    assert visits["visits"] == 1
    assert visits["first_visit"] and visits["last_visit"]


def test_an_anonymous_download_has_no_account_or_orders(visitor):
    data = download(visitor)
    assert "orders" not in data
    assert "account" not in data


def test_without_consent_the_download_says_nothing_is_remembered(client):
    data = download(client)
    assert data["answers"] == {}
    assert data["consent"] == ["essential"]
    assert data["visits"] == {}


def test_a_signed_in_download_has_the_account_answers_and_orders(signed_in, aikos_order):
    data = download(signed_in)
    assert data["account"] == {"email": "aiko@example.com", "name": "Aiko Tanaka"}
    assert data["answers"] == {"name": "Aiko", "pet": "cat"}
    [order] = data["orders"]
    assert order["number"] == aikos_order.number
    assert (order["total"], order["currency"], order["status"]) == ("3000.00", "JPY", "paid")
    assert order["lines"] == [{"product": "Salmon cat food", "quantity": 2, "total": "2400.00"}]


def test_a_download_has_only_the_shoppers_own_orders(signed_in, aikos_order, product):
    Order.objects.create(
        user=UserFactory(), email="ren@example.com", name="Ren", country="JP", region="JP-13",
        postal_code="1000001", city="Chiyoda", address="1-1", shipping_method="standard",
        shipping_price=Decimal(600), subtotal=Decimal(1200), total=Decimal(1800), currency="JPY",
        idempotency_key="ren-1",
    )  # fmt: skip
    assert [order["number"] for order in download(signed_in)["orders"]] == [aikos_order.number]


def test_the_download_has_each_orders_name_address_and_phone(signed_in, aikos_order):
    [order] = download(signed_in)["orders"]
    assert order["name"] == "Aiko Tanaka"
    assert order["email"] == "aiko@example.com"
    assert order["phone"] == "090-1234-5678"
    assert order["address"] == {
        "country": "JP",
        "region": "JP-01",
        "postal_code": "060-0001",
        "city": "Sapporo",
        "address": "1-1 Kita",
    }


# Erase my data: the confirmation


def test_erase_asks_for_confirmation_first(visitor):
    response = visitor.get(reverse("personalization:erase"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "This cannot be undone." in content
    assert "Erase everything" in content
    assert visitor.session[ANSWERS_KEY]  # nothing erased yet


def test_the_confirmation_tells_a_shopper_their_account_is_closed(signed_in):
    content = signed_in.get(reverse("personalization:erase")).content.decode()
    assert "Your account is closed and your personal details removed" in content


def test_a_signed_in_shopper_is_asked_for_their_password(signed_in):
    content = signed_in.get(reverse("personalization:erase")).content.decode()
    assert 'type="password"' in content
    assert 'name="password"' in content


def test_an_anonymous_visitor_is_not_asked_for_a_password(visitor):
    assert 'type="password"' not in visitor.get(reverse("personalization:erase")).content.decode()


def test_a_wrong_password_erases_nothing(signed_in, aiko, aikos_order):
    response = erase(signed_in, password="not-my-password")
    assert response.status_code == 200
    assert "That is not your password." in response.content.decode()
    aiko.refresh_from_db()
    assert aiko.is_active and aiko.email == "aiko@example.com"
    assert Answer.objects.filter(user=aiko).exists()
    assert Basket.objects.filter(owner=aiko).exists()
    assert Order.objects.get(pk=aikos_order.pk).user == aiko
    assert signed_in.session["_auth_user_id"] == str(aiko.pk)


def test_a_missing_password_erases_nothing(signed_in, aiko):
    response = signed_in.post(reverse("personalization:erase"))
    assert response.status_code == 200
    aiko.refresh_from_db()
    assert aiko.is_active


# Erase my data: an anonymous visitor


def test_erasing_deletes_an_anonymous_visitors_answers(visitor):
    visitor.post(
        reverse("personalization:profile_dismiss"), {"key": "name", "forever": "1", "next": "/"}
    )
    response = visitor.post(reverse("personalization:erase"))
    assert response.status_code == 302
    assert response.url == reverse("personalization:why")
    assert ANSWERS_KEY not in visitor.session
    assert DISMISSED_KEY not in visitor.session
    facts = visitor.get("/why/", headers={"Accept": "application/json"}).json()["facts"]
    assert "answer.pet" not in facts


def test_erasing_deletes_an_anonymous_visitors_basket(visitor):
    basket_id = visitor.session[BASKET_KEY]
    visitor.post(reverse("personalization:erase"))
    assert not Basket.objects.filter(pk=basket_id).exists()
    assert BASKET_KEY not in visitor.session


@pytest.mark.parametrize("cookie", [CONSENT, HISTORY, REGION])
def test_erasing_deletes_the_cookies(visitor, cookie):
    assert visitor.cookies[cookie].value
    response = visitor.post(reverse("personalization:erase"))
    assert response.cookies[cookie].value == ""
    assert response.cookies[cookie]["max-age"] == 0


def test_after_erasing_the_banner_asks_again(visitor):
    visitor.post(reverse("personalization:erase"))
    response = visitor.get("/")
    assert "May we remember you?" in response.content.decode()


def test_after_erasing_the_visitor_is_told(visitor):
    response = visitor.post(reverse("personalization:erase"), follow=True)
    assert "Everything we stored about you was erased." in response.content.decode()


# Erase my data: a signed-in shopper


def test_erasing_closes_the_account(signed_in, aiko):
    erase(signed_in)
    aiko.refresh_from_db()
    assert not aiko.is_active
    assert not aiko.has_usable_password()


def test_erasing_removes_the_shoppers_name_and_email(signed_in, aiko):
    erase(signed_in)
    aiko.refresh_from_db()
    assert (aiko.first_name, aiko.last_name) == ("", "")
    assert aiko.email == f"erased-{aiko.pk}@invalid.example"
    assert not EmailAddress.objects.filter(email__iexact="aiko@example.com").exists()


def test_erasing_deletes_the_shoppers_answers_and_basket(signed_in, aiko):
    erase(signed_in)
    assert not Answer.objects.filter(user=aiko).exists()
    assert not Basket.objects.filter(owner=aiko).exists()


def test_erasing_keeps_the_orders_without_the_account(signed_in, aiko, aikos_order):
    erase(signed_in)
    order = Order.objects.get(number=aikos_order.number)
    assert order.user is None
    assert order.email == f"erased-{aiko.pk}@invalid.example"
    assert order.phone == ""
    assert (order.subtotal, order.shipping_price, order.total) == (
        Decimal(2400),
        Decimal(600),
        Decimal(3000),
    )
    assert list(order.lines.values_list("product_name", "quantity", "total")) == [
        ("Salmon cat food", 2, Decimal(2400))
    ]


def test_erasing_signs_the_shopper_out(signed_in):
    erase(signed_in)
    assert "_auth_user_id" not in signed_in.session
    response = signed_in.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_an_erased_account_cannot_sign_in_again(signed_in):
    erase(signed_in)
    response = signed_in.post(
        reverse("account_login"), {"login": "aiko@example.com", "password": "correct-horse-battery"}
    )
    assert "_auth_user_id" not in signed_in.session
    assert response.status_code == 200


def _rows_containing(text: str) -> list[str]:
    """Every model and text field (e-mail fields included) with a row containing the text."""
    return [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and model._base_manager.filter(**{f"{field.attname}__icontains": text}).exists()
    ]


def test_after_erasing_no_row_anywhere_has_the_email(signed_in, aiko, aikos_order, make_discount):
    make_discount(aikos_order, customer=aiko)
    # A mistyped password on another device: the failed sign-in is recorded with the e-mail.
    Client().post(reverse("account_login"), {"login": "aiko@example.com", "password": "typo"})
    assert _rows_containing("aiko@example.com")  # the test sees the copies that are there
    erase(signed_in)
    assert _rows_containing("aiko@example.com") == []


def test_erasing_scrubs_the_offer_use_records(signed_in, aiko, aikos_order, make_discount):
    discount = make_discount(aikos_order, customer=aiko)
    erase(signed_in)
    discount.refresh_from_db()
    assert discount.customer_email == f"erased-{aiko.pk}@invalid.example"
    assert discount.customer is None
    assert discount.amount == Decimal(300)  # the record of the discount stays


def test_erasing_keeps_other_shoppers_offer_use_records(signed_in, aiko, make_discount, product):
    other = Order.objects.create(
        email="ren@example.com", name="Ren", country="JP", region="JP-13", postal_code="1000001",
        city="Chiyoda", address="1-1", shipping_method="standard", shipping_price=Decimal(600),
        subtotal=Decimal(1200), total=Decimal(1800), currency="JPY", idempotency_key="ren-2",
    )  # fmt: skip
    discount = make_discount(other)
    erase(signed_in)
    discount.refresh_from_db()
    assert discount.customer_email == "ren@example.com"
