"""X-Forwarded-Proto is believed only from TRUSTED_PROXIES: anyone else who sends it is talking
to us over plain http, whatever the header says."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import Client

from personalization.middleware import ForwardedProtoMiddleware

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
ATTACKER = "203.0.113.66"


@pytest.fixture(autouse=True)
def _proxies(settings):
    settings.PERSONALIZATION_TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def is_secure(rf, *, remote: str, proto: str = "https") -> bool:
    seen = {}

    def view(request):
        seen["secure"] = request.is_secure()
        return HttpResponse()

    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_PROTO=proto)
    ForwardedProtoMiddleware(view)(request)
    return seen["secure"]


def test_a_spoofed_header_from_an_untrusted_address_is_not_https(rf):
    assert is_secure(rf, remote=ATTACKER) is False


def test_the_header_from_a_trusted_proxy_is_https(rf):
    assert is_secure(rf, remote=PROXY) is True


def test_a_trusted_proxy_saying_http_is_http(rf):
    assert is_secure(rf, remote=PROXY, proto="http") is False


def test_without_trusted_proxies_nobody_is_believed(rf, settings):
    settings.PERSONALIZATION_TRUSTED_PROXIES = []
    assert is_secure(rf, remote=PROXY) is False


def test_a_spoofed_header_does_not_dodge_the_https_redirect(settings):
    settings.SECURE_SSL_REDIRECT = True
    response = Client(REMOTE_ADDR=ATTACKER).get("/stores/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/stores/"


def test_behind_a_trusted_proxy_https_is_not_redirected(settings):
    settings.SECURE_SSL_REDIRECT = True
    response = Client(REMOTE_ADDR=PROXY).get("/stores/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200


def post_from_the_https_origin(client: Client, product) -> int:
    """A basket post with a valid CSRF token and `Origin: https://testserver`, claiming https."""
    client.get("/stores/")  # the page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/basket/add/",
        {"product": product.pk, "quantity": 1, "csrfmiddlewaretoken": token},
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_ORIGIN="https://testserver",
        HTTP_HOST="testserver",
    )
    return response.status_code


def test_a_spoofed_header_does_not_pass_for_the_https_origin(product):
    """Over plain http the https origin is another origin: refused, spoofed header or not."""
    attacker = Client(REMOTE_ADDR=ATTACKER, enforce_csrf_checks=True)
    assert post_from_the_https_origin(attacker, product) == 403


def test_a_trusted_proxys_https_post_from_the_https_origin_is_accepted(product):
    shopper = Client(REMOTE_ADDR=PROXY, enforce_csrf_checks=True)
    assert post_from_the_https_origin(shopper, product) == 302
