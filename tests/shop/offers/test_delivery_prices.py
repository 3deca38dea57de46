"""Regional prices follow the delivery address, not where the shopper browses from; a staff
preview never prices a real order; "once per customer" knows a customer however they type
their e-mail address."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from shop.offers.models import OfferKind, OrderDiscount, email_normalize
from shop.orders.models import Order
from tests.conftest import checkout_submit
from tests.factories import UserFactory
from tests.pages import page_text

pytestmark = pytest.mark.django_db

TOKYO = {"country": "JP", "region": "JP-13", "postal_code": "1000001", "city": "Chiyoda"}
SAPPORO = {"country": "JP", "region": "JP-01", "postal_code": "0600001", "city": "Sapporo"}


def checkout_as_the_page_shows(client, data: dict, **changes):
    """Fill the checkout page as a browser would: its hidden fields as rendered, then the
    shopper's typing."""
    page = client.get(reverse("checkout:checkout"))
    return client.post(
        reverse("checkout:checkout"), {**data, **hidden(page), **changes}, follow=True
    )


def hidden(page) -> dict[str, str]:
    """The page's hidden fields: its checkout token and the totals it showed."""
    return dict(
        re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.content.decode())
    )


@pytest.fixture
def hokkaido_winter(make_offer):
    return make_offer(
        name="15% off winter warmth in Hokkaido", value=Decimal(15), regions=["JP-01"]
    )


@pytest.fixture
def in_basket(client, product, basket_fill):
    basket_fill(client, product, 2)  # ¥2,400
    return product


def test_an_offer_for_where_the_shopper_browses_is_not_given_to_another_address(
    client, in_basket, hokkaido_winter, checkout_data
):
    client.post(reverse("personalization:region"), {"place": "JP-01"})
    assert "15% off winter warmth in Hokkaido" in page_text(client.get(reverse("basket:detail")))
    response = checkout_as_the_page_shows(client, {**checkout_data, **TOKYO})
    text = page_text(response)
    # Told why before paying, and nothing was ordered or charged.
    assert "“15% off winter warmth in Hokkaido” is not for delivery to Tokyo." in text
    assert "Your total for this address is ¥3,000" in text
    assert not Order.objects.exists()
    # Placing it again at the price shown now orders it without the Hokkaido discount.
    client.post(reverse("checkout:checkout"), {**checkout_data, **TOKYO, **hidden(response)})
    order = Order.objects.get()
    assert (order.discount_total, order.total) == (Decimal(0), Decimal(3000))
    assert not OrderDiscount.objects.exists()


def test_an_offer_for_the_delivery_address_is_given_wherever_the_shopper_browses(
    client, in_basket, hokkaido_winter, checkout_data
):
    client.post(reverse("personalization:region"), {"place": "JP-13"})
    response = checkout_as_the_page_shows(client, {**checkout_data, **SAPPORO})
    assert "“15% off winter warmth in Hokkaido” applies to delivery to Hokkaido." in page_text(
        response
    )
    client.post(reverse("checkout:checkout"), {**checkout_data, **SAPPORO, **hidden(response)})
    assert Order.objects.get().discount_total == Decimal(360)


def test_rural_free_shipping_follows_the_address(
    client, in_basket, make_offer, make_region_set, checkout_data
):
    rural = make_region_set("rural-japan", regions=["JP-01"], is_rural=True)
    make_offer(name="Free shipping to rural Japan", kind=OfferKind.FREE_SHIPPING,
               region_sets=[rural], area="rural")  # fmt: skip
    client.post(reverse("personalization:region"), {"place": "JP-01"})
    response = checkout_as_the_page_shows(client, {**checkout_data, **TOKYO})
    assert "“Free shipping to rural Japan” is not for delivery to Tokyo." in page_text(response)
    assert not Order.objects.exists()


def test_a_staff_preview_never_prices_a_real_order(
    client, in_basket, hokkaido_winter, checkout_data
):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    client.post(reverse("personalization:preview"), {"place": "JP-01", "next": "/"})
    # The preview shows Hokkaido's prices while browsing...
    assert "15% off winter warmth in Hokkaido" in page_text(client.get(reverse("basket:detail")))
    # ...but the checkout prices the staff member as they are, at the address they give.
    page = page_text(client.get(reverse("checkout:checkout")))
    assert "15% off winter warmth in Hokkaido" not in page
    checkout_as_the_page_shows(client, {**checkout_data, **TOKYO})
    assert Order.objects.get().discount_total == Decimal(0)


@pytest.mark.parametrize(
    ("typed", "same_as"),
    [
        ("Aiko.Tanaka@Gmail.com", "aikotanaka@gmail.com"),
        ("aiko+deals@example.com", "aiko@example.com"),
        ("AIKO@EXAMPLE.COM ", "aiko@example.com"),
        ("a.iko.tanaka+x@googlemail.com", "aikotanaka@gmail.com"),
    ],
)
def test_an_address_is_one_customer_however_it_is_typed(typed, same_as):
    assert email_normalize(typed) == email_normalize(same_as)


def test_dots_count_where_the_provider_counts_them():
    assert email_normalize("aiko.tanaka@example.com") != email_normalize("aikotanaka@example.com")


def test_once_per_customer_cannot_be_had_twice_by_retyping_the_address(
    client, product, basket_fill, make_offer, checkout_data
):
    make_offer(name="¥500 off your first order", kind=OfferKind.FIXED, value=Decimal(500),
               code="WELCOME500", per_customer_limit=1)  # fmt: skip
    for attempt, email in enumerate(("aiko.tanaka@gmail.com", "AikoTanaka+2@gmail.com")):
        basket_fill(client, product, 2)
        client.post(reverse("basket:code"), {"code": "WELCOME500"})
        response = checkout_submit(client, checkout_data, email=email, token=f"once-{attempt}")
    assert Order.objects.count() == 1
    assert "You have already used “¥500 off your first order”." in page_text(response)
