"""Text PostgreSQL cannot store (a NUL character) is refused with a clear 400 wherever it comes
from, and a cookie holding odd characters is ignored: never a server error."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from shop.basket.models import Basket
from shop.orders.models import Order, OrderStatus
from tests.factories import png_bytes

pytestmark = pytest.mark.django_db

REFUSED = b"We could not read that request"


@pytest.fixture
def order(product):
    return Order.objects.create(
        email="aiko@example.com", name="Aiko Tanaka", country="JP", region="JP-01",
        postal_code="060-0001", city="Sapporo", address="1-1 Kita", shipping_method="standard",
        shipping_price=Decimal(600), subtotal=Decimal(2400), total=Decimal(3000), currency="JPY",
        status=OrderStatus.PAID, idempotency_key="key-1",
    )  # fmt: skip


def test_an_order_number_with_a_nul_is_a_bad_request(client, order):
    response = client.get(f"/orders/{order.number}%00/")
    assert response.status_code == 400
    assert REFUSED in response.content


def test_the_guest_look_up_refuses_a_nul_and_looks_nothing_up(client, order):
    response = client.post(
        reverse("orders:find"), {"number": order.number + "\x00", "email": order.email}
    )
    assert response.status_code == 400
    assert not client.session.get("order_numbers")


def test_a_checkout_token_with_a_nul_is_a_bad_request(client, product):
    client.post(reverse("basket:add"), {"product": product.pk, "quantity": 1})
    response = client.post(reverse("checkout:checkout"), {"token": "abc\x00def"})
    assert response.status_code == 400


def test_a_code_with_a_nul_is_a_bad_request_and_the_basket_stays(client, product):
    client.post(reverse("basket:add"), {"product": product.pk, "quantity": 1})
    response = client.post(reverse("basket:code"), {"code": "WELCOME\x00"})
    assert response.status_code == 400
    assert client.get(reverse("basket:detail")).context["basket"].lines.count() == 1


def test_a_nul_in_a_query_parameter_name_is_a_bad_request(client):
    assert client.get("/products/?so%00rt=name").status_code == 400


def test_a_nul_in_a_header_is_a_bad_request(client):
    assert client.get("/", HTTP_USER_AGENT="Mozilla/5.0\x00").status_code == 400


def test_the_bad_request_page_speaks_the_visitors_language(client):
    response = client.get("/orders/SF%00/", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 400
    assert "リクエストを読み取れませんでした".encode() in response.content


def test_an_uploaded_file_may_hold_nul_bytes(client):
    # Files are bytes, not text: only the form's text fields are checked.
    picture = SimpleUploadedFile("p.png", png_bytes(), content_type="image/png")
    assert b"\x00" in png_bytes()
    response = client.post(
        reverse("orders:find"), {"number": "SF-NOPE", "email": "a@example.com", "file": picture}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "cookie",
    [
        'sessionid="\\000abcdefghijklmnop"',  # Python's cookie parser unquotes this to a NUL
        "sessionid=abcdefgh\x00ijklmnop",
        'sessionid="abc"',
        "sessionid=" + "x" * 300,
        "sessionid=ÄÖÜäöüßÄÖÜäöüß",
    ],
)
def test_an_odd_session_cookie_gives_a_fresh_session(product, cookie):
    browser = Client(HTTP_COOKIE=cookie)
    assert browser.get("/").status_code == 200
    response = browser.post(reverse("basket:add"), {"product": product.pk, "quantity": 1})
    assert response.status_code == 302
    fresh = response.cookies["sessionid"].value
    assert fresh and fresh not in cookie
    assert Basket.objects.get().lines.count() == 1


@pytest.mark.parametrize("name", ["sf_consent", "sf_region", "sf_history", "sf_vid", "csrftoken"])
@pytest.mark.parametrize("value", ['"\\000"', '"a\\"b"', "\x01\x02", "ü" * 50, ":::"])
def test_odd_personalization_cookies_are_ignored(name, value):
    browser = Client(HTTP_COOKIE=f"{name}={value}")
    for url in ["/", "/why/", "/privacy/", "/region/"]:
        assert browser.get(url).status_code == 200
