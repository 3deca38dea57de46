from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.views.debug import SafeExceptionReporterFilter

from shop.catalog.models import Product
from shop.checkout.models import Payment, PaymentStatus
from shop.checkout.services import checkout_token_key
from shop.checkout.views import checkout
from shop.orders.models import Order, OrderStatus
from tests.conftest import checkout_submit
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled_basket(client, product):
    client.post(reverse("basket:add"), {"product": product.pk, "quantity": 2})
    return product


def place(client, data, **overrides):
    return checkout_submit(client, data, **overrides)


def test_checkout_with_the_test_card_places_a_paid_order(
    client, filled_basket, checkout_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = place(client, checkout_data)
    order = Order.objects.get()
    assert response.redirect_chain[-1][0] == order.get_absolute_url() + "?placed=1"
    content = response.content.decode()
    assert "Thank you! Your order is placed." in content
    assert order.status == OrderStatus.PAID
    assert order.subtotal == Decimal(2400) and order.shipping_price == Decimal(600)
    assert order.total == Decimal(3000)
    assert order.postal_code == "100-0001"
    assert [(line.product_name, line.quantity) for line in order.lines.all()] == [
        ("Salmon cat food", 2)
    ]
    filled_basket.refresh_from_db()
    assert filled_basket.stock == 3
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["aiko@example.com"]
    assert order.number in mail.outbox[0].subject
    assert "¥3,000" in mail.outbox[0].body
    # The basket is empty afterwards.
    assert "Your basket is empty." in client.get(reverse("basket:detail")).content.decode()


def test_free_standard_shipping_from_5000_yen(client, checkout_data, category):
    product = ProductFactory(price=Decimal(2500), stock=5, category=category)
    client.post(reverse("basket:add"), {"product": product.pk, "quantity": 2})
    place(client, checkout_data)
    assert Order.objects.get().shipping_price == 0


def test_declined_card_keeps_basket_and_stock(client, filled_basket, checkout_data):
    response = place(client, checkout_data, card_number="4000 0000 0000 0002")
    content = response.content.decode()
    assert "Your card was declined. No money was taken." in content
    # The order written before paying is cancelled, silently: the shopper saw why on the page.
    order = Order.objects.get()
    assert order.status == OrderStatus.CANCELLED
    assert order.events.get(status=OrderStatus.CANCELLED).note == "payment failed"
    assert Payment.objects.get().status == PaymentStatus.FAILED
    assert len(mail.outbox) == 0
    filled_basket.refresh_from_db()
    assert filled_basket.stock == 5
    # What the shopper typed is still there; the card number is asked again.
    assert "Aiko Tanaka" in content
    assert "2 items" in client.get(reverse("basket:detail")).content.decode()


def test_double_submit_of_the_same_form_makes_one_order(client, filled_basket, checkout_data):
    first = place(client, checkout_data)
    second = place(client, checkout_data)
    assert Order.objects.count() == 1
    assert first.redirect_chain[-1][0] == second.redirect_chain[-1][0]
    filled_basket.refresh_from_db()
    assert filled_basket.stock == 3


def test_out_of_stock_at_checkout_is_explained_and_nothing_is_sold(
    client, filled_basket, checkout_data
):
    Product.objects.filter(pk=filled_basket.pk).update(stock=1)
    content = place(client, checkout_data).content.decode()
    assert "Only 1 of “Salmon cat food” are left." in content
    assert Order.objects.count() == 0
    assert Product.objects.get(pk=filled_basket.pk).stock == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postal_code", "12345", "Enter a postal code of Japan, like 100-0001."),
        ("region", "US-CA", "Choose a region of Japan."),
        ("card_number", "4242 4242 4242 4241", "This card number is not valid."),
        ("card_expiry", "01/20", "This card has expired."),
        ("card_expiry", "13/30", "Enter the expiry date as MM/YY."),
        ("email", "not-an-email", "Enter a valid email address."),
    ],
)
def test_bad_input_gets_a_clear_message_and_places_nothing(
    client, filled_basket, checkout_data, field, value, message
):
    content = place(client, checkout_data, **{field: value}).content.decode()
    assert message in content
    assert Order.objects.count() == 0


def test_checkout_with_an_empty_basket_goes_to_the_basket(client):
    response = client.get(reverse("checkout:checkout"))
    assert response.url == reverse("basket:detail")


def test_checkout_page_offers_both_shipping_methods_with_prices(client, filled_basket):
    content = client.get(reverse("checkout:checkout")).content.decode()
    assert "Standard: ¥600" in content and "Express: ¥1,200" in content
    assert 'name="token"' in content


def test_signed_in_order_belongs_to_the_account(client, filled_basket, checkout_data, user):
    client.force_login(user)
    client.post(reverse("basket:add"), {"product": filled_basket.pk, "quantity": 1})
    place(client, checkout_data)
    assert Order.objects.get().user == user


CARD_INPUT = re.compile(r'<input[^>]*name="card_(?:number|expiry|cvc)"[^>]*>')


def assert_no_card_data(content: str, number: str, cvc: str) -> None:
    assert number not in content and number.replace(" ", "") not in content
    for tag in CARD_INPUT.findall(content):
        assert "value=" not in tag, tag
    assert f'value="{cvc}"' not in content


def test_after_a_decline_the_page_never_shows_the_card_again(client, filled_basket, checkout_data):
    number = "4000 0000 0000 9995"
    content = place(client, checkout_data, card_number=number, card_cvc="987").content.decode()
    assert "Your card has insufficient funds. No money was taken." in content
    assert_no_card_data(content, number, "987")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"card_number": "4242 4242 4242 4241"}, "This card number is not valid."),
        ({"card_number": "5555 5555 5555 4444", "card_expiry": "01/20"}, "This card has expired."),
        ({"card_number": "5555 5555 5555 4444", "postal_code": "12345"}, "Enter a postal code"),
    ],
)
def test_after_a_validation_error_the_page_never_shows_the_card_again(
    client, filled_basket, checkout_data, overrides, message
):
    content = place(client, checkout_data, card_cvc="987", **overrides).content.decode()
    assert message in content
    assert_no_card_data(content, overrides["card_number"], "987")
    assert Order.objects.count() == 0


def test_card_fields_are_hidden_from_error_reports(rf):
    request = rf.post(reverse("checkout:checkout"), {"card_number": "4242424242424242"})
    request.user, request.session = AnonymousUser(), {}
    checkout(request)
    assert set(request.sensitive_post_parameters) >= {"card_number", "card_expiry", "card_cvc"}
    cleaned = SafeExceptionReporterFilter().get_post_parameters(request)
    assert cleaned["card_number"] != "4242424242424242"


def test_a_tampered_token_is_refused_as_expired(client, filled_basket, checkout_data):
    page = place(client, checkout_data, token="x")  # fetches a real token for the name "x"
    assert Order.objects.count() == 1
    client.post(reverse("basket:add"), {"product": filled_basket.pk, "quantity": 1})
    response = client.post(reverse("checkout:checkout"), {**checkout_data, "token": "forged"})
    assert "This checkout page has expired." in response.content.decode()
    assert Order.objects.count() == 1
    assert page.status_code == 200


@pytest.mark.parametrize("token", [":", "::::", "ä:ä:ä", ".eJz:1:2", "x" * 20000 + ":a:b"])
def test_an_odd_token_is_refused_as_expired(client, filled_basket, checkout_data, token):
    response = client.post(reverse("checkout:checkout"), {**checkout_data, "token": token})
    assert response.status_code == 200
    assert "This checkout page has expired." in response.content.decode()
    assert not Order.objects.exists()


def test_a_token_that_is_not_even_text_is_no_token(filled_basket, client):
    # Lone surrogates cannot be encoded: a token made of them was never ours.
    basket = client.get(reverse("basket:detail")).context["basket"]
    assert checkout_token_key(token="\udcff:\udcfe:x", basket=basket) is None


def test_another_shopper_replaying_a_token_never_sees_that_order(
    client, filled_basket, checkout_data
):
    place(client, checkout_data)
    order = Order.objects.get()
    token = client._checkout_tokens["form-token-1"]

    other = Client()
    other.post(reverse("basket:add"), {"product": filled_basket.pk, "quantity": 1})
    response = other.post(reverse("checkout:checkout"), {**checkout_data, "token": token})
    assert response.status_code == 200
    assert "This checkout page has expired." in response.content.decode()
    assert order.number not in response.content.decode()
    assert other.get(order.get_absolute_url()).status_code == 404
    assert Order.objects.count() == 1
    # With a token of its own, the other shopper places an order of their own.
    other_order = checkout_submit(other, checkout_data, token="own")
    assert Order.objects.count() == 2 and order.number not in other_order.content.decode()


def test_an_order_keeps_the_product_name_in_the_language_it_was_placed_in(
    client, filled_basket, checkout_data, django_capture_on_commit_callbacks
):
    Product.objects.filter(pk=filled_basket.pk).update(name_ja="サーモンのキャットフード")
    client.cookies["django_language"] = "ja"
    with django_capture_on_commit_callbacks(execute=True):
        place(client, checkout_data)
    order = Order.objects.get()
    assert [line.product_name for line in order.lines.all()] == ["サーモンのキャットフード"]
    assert "サーモンのキャットフード" in mail.outbox[0].body
    # Renaming the product later changes no order.
    Product.objects.filter(pk=filled_basket.pk).update(name_ja="新しい名前")
    assert order.lines.get().product_name == "サーモンのキャットフード"


def test_the_total_to_pay_is_said_beside_the_pay_button(client, filled_basket):
    # Two at ¥1,200 and ¥600 standard shipping; on a phone the summary comes after the button.
    page = client.get(reverse("checkout:checkout")).content.decode()
    total = page.index("Total to pay: <strong>¥3,000</strong>")
    assert total < page.index("Place order and pay") < page.index('id="summary-title"')
