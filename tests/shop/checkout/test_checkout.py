from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from shop.catalog.models import Product
from shop.checkout.models import Payment, PaymentStatus
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
