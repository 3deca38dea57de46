"""Personal thank-you vouchers work for whoever holds the code and are never listed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from shop.offers.applicator import basket_price, offers_changed
from shop.offers.models import Offer
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def voucher():
    offer = Offer.objects.create(
        name="10% off, thank you", kind="percent", value=Decimal(10), code="THANKS-ABC123",
        personal=True, usage_limit=1, per_customer_limit=1,
    )  # fmt: skip
    offers_changed()
    yield offer
    offers_changed()


def test_a_personal_voucher_is_not_listed_to_anyone(client, voucher):
    ProductFactory()
    assert "THANKS-ABC123" not in client.get("/").content.decode()
    assert "THANKS-ABC123" not in client.get(reverse("offers:list")).content.decode()


def test_a_personal_voucher_works_with_its_code(voucher):
    from personalization.visitor import resolve_visitor

    product = ProductFactory(price=Decimal(2000))
    visitor = resolve_visitor(overrides={"country": "JP"})
    priced = basket_price(lines=[(product, 1)], visitor=visitor, codes=["thanks-abc123"])
    assert priced.discount_total == Decimal(200)


def test_an_offer_reads_in_the_visitors_language(client):
    Offer.objects.create(
        name="Treats: buy 2, get 1 free", name_ja="おやつ2点購入でもう1点無料",
        kind="buy_x_get_y", buy_quantity=2, get_quantity=1,
    )  # fmt: skip
    offers_changed()
    try:
        english = client.get(reverse("offers:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        japanese = client.get(reverse("offers:list"), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    finally:
        offers_changed()
    assert "Treats: buy 2, get 1 free" in english
    assert "おやつ2点購入でもう1点無料" in japanese
