"""What every response tells the browser: the content it may load (CSP), the features it may
use (Permissions-Policy), which pages it must not keep (Cache-Control), and the language
cookie's flags."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from csp.utils import build_policy
from django.http import HttpResponse
from django.urls import reverse

from shop.headers import ShopCSPMiddleware
from shop.orders.models import Order, OrderStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


# Content-Security-Policy


def test_pages_forbid_scripts_styles_and_framing_from_anywhere_else(client):
    policy = directives(client.get(reverse("catalog:home")))
    assert policy["default-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]


def test_the_htmx_script_carries_the_nonce_the_policy_allows(client):
    response = client.get(reverse("catalog:home"))
    nonces = [v for v in directives(response)["script-src"] if v.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]
    scripts = re.findall(r"<script [^>]*>", response.content.decode())
    assert scripts, "the page loads htmx"
    assert all(f'nonce="{nonce}"' in tag for tag in scripts)


def test_each_response_gets_its_own_nonce(client):
    first = directives(client.get(reverse("catalog:home")))["script-src"]
    second = directives(client.get(reverse("catalog:home")))["script-src"]
    assert first != second


def test_htmx_is_told_not_to_inject_its_indicator_style(client):
    content = client.get(reverse("catalog:home")).content.decode()
    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", content)
    assert config is not None
    assert '"includeIndicatorStyles": false' in config[1]
    assert '"responseHandling"' in config[1]


def test_the_admin_may_use_inline_styles_but_never_inline_scripts(admin_client):
    policy = directives(admin_client.get("/admin/"))
    assert "'unsafe-inline'" in policy["style-src"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_the_policy_is_django_csps_own_with_the_pages_nonce(client):
    response = client.get(reverse("catalog:home"))
    nonce = re.search(r'<script [^>]*nonce="([^"]+)"', response.content.decode())[1]
    assert response["Content-Security-Policy"] == build_policy(nonce=nonce)
    # A response that used no nonce names none.
    assert client.get("/healthz/")["Content-Security-Policy"] == build_policy()


def test_a_changed_policy_reaches_the_next_response(client, settings):
    client.get(reverse("catalog:home"))
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert directives(client.get("/healthz/")) == {"default-src": ["'none'"]}


def test_without_a_policy_no_header_is_sent(client, settings):
    settings.CONTENT_SECURITY_POLICY = None
    assert "Content-Security-Policy" not in client.get("/healthz/")


def test_a_views_own_policy_and_a_report_only_policy_still_apply(rf, settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"img-src": ["'none'"]}}

    def view(request):
        response = HttpResponse("<p>map</p>")
        response._csp_update = {"img-src": ["https://tiles.example.com"]}
        return response

    response = ShopCSPMiddleware(view)(rf.get("/stores/"))
    assert "https://tiles.example.com" in response["Content-Security-Policy"]
    assert "img-src 'none'" in response["Content-Security-Policy-Report-Only"]


# Permissions-Policy


def test_powerful_features_are_switched_off_and_payment_kept_for_the_shop(client):
    response = client.get(reverse("catalog:home"))
    features = dict(
        item.strip().split("=", 1) for item in response["Permissions-Policy"].split(",")
    )
    for feature in ("camera", "microphone", "geolocation", "usb", "interest-cohort"):
        assert features[feature] == "()"
    assert features["payment"] == "(self)"


# Cache-Control: no-store on pages that show one shopper's basket, orders or account


@pytest.fixture
def shopper(client, product):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("basket:add"), {"product": product.pk, "quantity": 1})
    return user


@pytest.fixture
def own_order(shopper, product):
    return Order.objects.create(
        user=shopper, email=shopper.email, name="Aiko Tanaka", country="JP", region="JP-13",
        postal_code="1000001", city="Chiyoda", address="1-1 Chiyoda", shipping_method="standard",
        shipping_price=Decimal(600), subtotal=Decimal(1200), total=Decimal(1800), currency="JPY",
        status=OrderStatus.PAID, idempotency_key="key-headers",
    )  # fmt: skip


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


@pytest.mark.parametrize(
    "url",
    [
        "/basket/",
        "/checkout/",
        "/orders/",
        "/orders/find/",
        "/accounts/profile/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/privacy/export/",
        "/privacy/erase/",
        "/why/",
    ],
)
def test_pages_with_a_shoppers_data_are_never_stored(client, shopper, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in cache_control(response)


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/signup/", "/checkout/"])
def test_pages_for_anonymous_shoppers_are_never_stored(client, url):
    response = client.get(url)
    assert "no-store" in cache_control(response)


def test_an_order_page_is_never_stored(client, own_order):
    response = client.get(own_order.get_absolute_url())
    assert response.status_code == 200
    assert "no-store" in cache_control(response)


def test_basket_changes_answered_with_htmx_are_never_stored(client, shopper, product):
    response = client.post(
        reverse("basket:update"),
        {"product": product.pk, "quantity": 2},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "no-store" in cache_control(response)


def test_a_product_page_may_still_be_cached(client, product):
    response = client.get(product.get_absolute_url())
    assert "no-store" not in cache_control(response)


# The language cookie


def test_the_language_cookie_is_hidden_from_scripts_and_other_sites(client):
    response = client.post(reverse("set_language"), {"language": "ja", "next": "/"})
    cookie = response.cookies["django_language"]
    assert cookie.value == "ja"
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_the_language_cookie_is_sent_over_https_only_in_production():
    """Production settings (DEBUG off) make the cookie Secure; a laptop on http keeps it plain."""
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.LANGUAGE_COOKIE_SECURE, settings.DEBUG)"
    )

    def flags(**env) -> str:
        environment = {**os.environ, **env}
        environment.pop("DJANGO_SETTINGS_MODULE", None)
        run = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**environment, "DJANGO_SETTINGS_MODULE": "shop.settings"},
            capture_output=True,
            text=True,
            check=True,
        )
        return run.stdout.strip()

    production = {"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "shop.example.com"}
    assert flags(**production) == "True False"
    assert flags(DEBUG="1") == "False True"
