from __future__ import annotations

import pytest
from django.urls import reverse

from shop.basket.models import Basket, BasketLine
from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def add(client, product, quantity=1, **extra):
    return client.post(
        reverse("basket:add"), {"product": product.pk, "quantity": quantity}, **extra
    )


def line_quantities(client) -> dict[str, int]:
    basket_id = client.session.get("basket_id")
    return {
        line.product.name: line.quantity
        for line in BasketLine.objects.filter(basket_id=basket_id).select_related("product")
    }


def test_adding_without_javascript_redirects_back_with_a_message(client, product):
    response = add(client, product, 2, follow=True)
    assert response.redirect_chain[-1][0] == reverse("basket:detail")
    content = response.content.decode()
    assert "“Salmon cat food” is in your basket." in content
    assert line_quantities(client) == {"Salmon cat food": 2}


def test_adding_returns_to_the_page_it_came_from(client, product):
    response = client.post(
        reverse("basket:add"),
        {"product": product.pk, "quantity": 1, "next": product.get_absolute_url()},
    )
    assert response.url == product.get_absolute_url()


def test_adding_never_redirects_to_another_site(client, product):
    response = client.post(
        reverse("basket:add"),
        {"product": product.pk, "quantity": 1, "next": "https://evil.example"},
    )
    assert response.url == reverse("basket:detail")


def test_adding_with_htmx_updates_the_mini_basket_in_place(client, product):
    response = add(client, product, 2, **HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="mini-basket"' in content and 'hx-swap-oob="true"' in content
    assert "2 items" in content and "¥2,400" in content
    assert "is in your basket" in content


def test_adding_more_than_the_stock_is_refused_with_a_message(client, product):
    add(client, product, 4)
    response = add(client, product, 2, **HTMX)
    assert "Only 5 of “Salmon cat food” can be ordered." in response.content.decode()
    assert line_quantities(client) == {"Salmon cat food": 4}


def test_garbage_quantity_gets_a_clear_message_and_changes_nothing(client, product):
    response = add(client, product, "lots", **HTMX)
    assert "Enter a whole number." in response.content.decode()
    assert line_quantities(client) == {}


def test_unknown_product_gets_a_clear_message(client):
    response = client.post(reverse("basket:add"), {"product": 999999, "quantity": 1}, follow=True)
    assert "This product is no longer sold." in response.content.decode()


def test_changing_the_quantity_with_htmx_rerenders_the_basket(client, product):
    add(client, product, 1)
    response = client.post(reverse("basket:update"), {"product": product.pk, "quantity": 3}, **HTMX)
    content = response.content.decode()
    assert 'id="basket-body"' in content
    assert "¥3,600" in content
    assert line_quantities(client) == {"Salmon cat food": 3}


def test_changing_to_zero_removes_the_line(client, product):
    add(client, product, 1)
    response = client.post(
        reverse("basket:update"), {"product": product.pk, "quantity": 0}, follow=True
    )
    assert "was removed" in response.content.decode()
    assert "Your basket is empty." in response.content.decode()


def test_a_basket_page_without_a_basket_says_it_is_empty(client):
    assert "Your basket is empty." in client.get(reverse("basket:detail")).content.decode()


def test_basket_posts_require_csrf(product):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("basket:add"), {"product": product.pk, "quantity": 1})
    assert response.status_code == 403


def test_signing_in_merges_the_anonymous_basket_into_the_account(client, product):
    other = ProductFactory(name="Dog lead", stock=10)
    shopper = UserFactory(email="aiko@example.com")
    saved = Basket.objects.create(owner=shopper)
    BasketLine.objects.create(basket=saved, product=product, quantity=4)
    add(client, product, 3)
    add(client, other, 1)

    response = client.post(
        reverse("account_login"),
        {"login": "aiko@example.com", "password": "correct-horse-battery"},
    )
    assert response.status_code == 302

    basket = Basket.objects.get(owner=shopper)
    merged = {line.product.name: line.quantity for line in basket.lines.all()}
    # 4 + 3 exceeds the 5 in stock: the line is capped, never over-sold.
    assert merged == {"Salmon cat food": 5, "Dog lead": 1}
    assert Basket.objects.filter(owner=None).count() == 0
    assert "2 items" not in client.get(reverse("basket:detail")).content.decode()
    assert "6 items" in client.get(reverse("basket:detail")).content.decode()


def test_an_account_without_a_basket_takes_over_the_anonymous_one(client, product):
    shopper = UserFactory(email="ken@example.com")
    add(client, product, 2)
    client.post(
        reverse("account_login"), {"login": "ken@example.com", "password": "correct-horse-battery"}
    )
    assert Basket.objects.get(owner=shopper).lines.get().quantity == 2
