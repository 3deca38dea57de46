"""The decision cache: shared pages for visitors whose decisions agree, and never otherwise."""

from __future__ import annotations

import re
import time
from decimal import Decimal

import pytest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.test import Client
from django.urls import include, path, reverse

from personalization import preview
from personalization.conf import app_settings
from personalization.resolvers.location import region_store
from shop import urls as shop_urls
from shop.offers.models import Offer, OfferKind, OfferScope
from shop.pagecache import HEADER
from tests.conftest import checkout_submit

pytestmark = pytest.mark.django_db


def region(place: str) -> str:
    response = HttpResponse()
    region_store(response, place=place)
    return response.cookies[app_settings.REGION_COOKIE].value


def visitor_in(place: str, **headers: str) -> Client:
    client = Client(headers=headers)
    client.cookies[app_settings.REGION_COOKIE] = region(place)
    return client


def test_a_second_visitor_with_the_same_decisions_gets_the_stored_page(product):
    first = visitor_in("JP-13").get("/")
    second = visitor_in("JP-13").get("/")
    assert (first[HEADER], second[HEADER]) == ("miss", "hit")
    assert "Tokyo" in second.content.decode()


def test_a_visitor_whose_decisions_differ_gets_their_own_page(product):
    visitor_in("JP-13").get("/")
    osaka = visitor_in("JP-27").get("/")
    assert osaka[HEADER] == "miss"
    assert "Delivering to: <strong>Osaka" in osaka.content.decode()
    assert "Delivering to: <strong>Tokyo" not in osaka.content.decode()


def test_each_language_has_its_own_page(product):
    visitor_in("JP-13", accept_language="en").get("/")
    japanese = visitor_in("JP-13", accept_language="ja").get("/")
    assert japanese[HEADER] == "miss"
    assert '<html lang="ja">' in japanese.content.decode()


def test_a_stored_page_carries_a_csrf_token_that_works_for_its_own_visitor(product):
    visitor_in("JP-13").get("/")
    client = Client(enforce_csrf_checks=True)
    client.cookies[app_settings.REGION_COOKIE] = region("JP-13")
    page = client.get("/")
    assert page[HEADER] == "hit"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    assert "\x00" not in page.content.decode()
    # The page's forms need the token: the cookie is set with it.
    assert "csrftoken" in page.cookies
    form = {"choice": "all", "csrfmiddlewaretoken": token, "next": "/"}
    answer = client.post(reverse("personalization:consent"), form)
    assert answer.status_code == 302
    assert app_settings.CONSENT_COOKIE in answer.cookies


def test_the_csp_nonce_of_a_stored_page_is_the_one_its_header_allows(product):
    visitor_in("JP-13").get("/")
    page = visitor_in("JP-13").get("/")
    nonce = re.search(r'<script[^>]* nonce="([^"]+)"', page.content.decode())[1]
    assert f"'nonce-{nonce}'" in page["Content-Security-Policy"]


def test_shared_pages_stay_private_to_browsers_and_vary_by_cookie(product):
    visitor_in("JP-13").get("/")
    page = visitor_in("JP-13").get("/")
    assert "private" in page["Cache-Control"]
    assert "public" not in page["Cache-Control"]
    assert {"Cookie", "HX-Request"} <= {v.strip() for v in page["Vary"].split(",")}


def test_a_price_change_is_shown_at_once(product):
    visitor_in("JP-13").get(product.get_absolute_url())
    product.price = Decimal("1234")
    product.save()
    page = visitor_in("JP-13").get(product.get_absolute_url())
    assert page[HEADER] == "miss"
    assert "1,234" in page.content.decode()


def test_an_order_that_lowers_stock_is_shown_at_once(product, checkout_data):
    browsing = visitor_in("JP-13").get(product.get_absolute_url())
    assert "In stock" in browsing.content.decode()
    shopper = Client()
    shopper.post(reverse("basket:add"), {"product": product.pk, "quantity": 2})
    checkout_submit(shopper, checkout_data)
    page = visitor_in("JP-13").get(product.get_absolute_url())
    assert page[HEADER] == "miss"
    assert "Only 3 left" in page.content.decode()


def test_a_new_offer_is_shown_at_once(product):
    visitor_in("JP-13").get("/offers/")
    Offer.objects.create(
        name="10% off everything in Japan",
        kind=OfferKind.PERCENT,
        value=Decimal("10"),
        scope=OfferScope.BASKET,
        countries=["JP"],
    )
    page = visitor_in("JP-13").get("/offers/")
    assert page[HEADER] == "miss"
    assert "10% off everything in Japan" in page.content.decode()


def test_a_signed_in_shopper_neither_gets_nor_leaves_a_shared_page(product, user):
    visitor_in("JP-13").get("/")
    shopper = visitor_in("JP-13")
    shopper.force_login(user)
    page = shopper.get("/")
    assert page[HEADER] == "bypass"
    assert "My account" in page.content.decode()
    assert visitor_in("JP-13").get("/")[HEADER] == "hit"
    assert "My account" not in visitor_in("JP-13").get("/").content.decode()


def test_a_shopper_with_a_basket_bypasses_the_cache(product):
    shopper = visitor_in("JP-13")
    shopper.post(reverse("basket:add"), {"product": product.pk, "quantity": 1})
    page = shopper.get("/")
    assert page[HEADER] == "bypass"
    assert "1 item" in page.content.decode()
    assert "1 item" not in visitor_in("JP-13").get("/").content.decode()


def test_a_shared_preview_link_neither_gets_nor_leaves_a_shared_page(product):
    visitor_in("JP-13").get("/")
    previewing = visitor_in("JP-13")
    session = previewing.session
    session[preview.SESSION_KEY] = {"country": "JP", "region": "JP-01"}
    session[preview.EXPIRES_KEY] = time.time() + 3600
    session.save()
    page = previewing.get("/")
    assert page[HEADER] == "bypass"
    assert "Hokkaido" in page.content.decode()
    again = visitor_in("JP-13").get("/")
    assert again[HEADER] == "hit"
    assert "Hokkaido" not in again.content.decode()


def test_a_post_is_never_served_from_nor_stored_in_the_cache(product):
    answer = visitor_in("JP-13").post("/")
    assert answer[HEADER] == "bypass"
    assert visitor_in("JP-13").get("/")[HEADER] == "miss"


def test_an_htmx_request_bypasses_the_cache(product):
    visitor_in("JP-13").get("/")
    assert visitor_in("JP-13").get("/", headers={"HX-Request": "true"})[HEADER] == "bypass"


def test_a_page_with_messages_is_neither_served_from_nor_stored_in_the_cache(product):
    visitor_in("JP-13").get("/")
    chooser = visitor_in("JP-13")
    chooser.post(reverse("personalization:consent"), {"choice": "essential", "next": "/"})
    page = chooser.get("/")
    assert page[HEADER] == "bypass"
    assert "Your privacy choice is saved." in page.content.decode()
    again = chooser.get("/")  # the message was shown: this page is shared again
    assert again[HEADER] in ("hit", "miss")
    assert "Your privacy choice is saved." not in again.content.decode()
    assert "Your privacy choice is saved." not in visitor_in("JP-13").get("/").content.decode()


def test_a_query_string_too_long_is_not_stored(product):
    page = visitor_in("JP-13").get("/", {"q": "x" * 300})
    assert page[HEADER] == "bypass"


# A page that shows a fact without declaring the decision: it must never be shared.
def leaky(request: HttpRequest) -> HttpResponse:
    response = render(request, "catalog/home.html", {"popular": [], "seasonal": [], "newest": []})
    response.content += f"<p>{request.visitor.get('device')}</p>".encode()
    return response


urlpatterns = [path("leaky/", leaky, name="leaky"), path("", include(shop_urls))]


def test_a_page_that_reads_a_fact_outside_a_decision_is_never_shared(settings, product):
    settings.ROOT_URLCONF = __name__
    settings.PAGECACHE_VIEWS = ("leaky",)
    phone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"
    first = visitor_in("JP-13", user_agent=phone).get("/leaky/")
    desktop = visitor_in("JP-13", user_agent="Mozilla/5.0 (X11; Linux x86_64)").get("/leaky/")
    assert first[HEADER] == desktop[HEADER] == "uncacheable"
    assert "<p>mobile</p>" in first.content.decode()
    assert "<p>desktop</p>" in desktop.content.decode()


def test_a_response_the_same_for_everyone_may_be_kept_by_a_cdn(client):
    catalog = client.get("/jsi18n/")
    assert catalog["Cache-Control"] == "public, s-maxage=60"


def test_a_response_that_used_the_visitors_session_stays_private(product):
    shopper = visitor_in("JP-13")
    shopper.post(reverse("basket:add"), {"product": product.pk, "quantity": 1})
    assert "private" in shopper.get("/jsi18n/")["Cache-Control"]


def test_a_returning_visitor_gets_a_fresh_token_for_their_own_secret_on_every_stored_page(
    product,
):
    client = Client(enforce_csrf_checks=True)
    client.cookies[app_settings.REGION_COOKIE] = region("JP-13")
    assert client.get("/")[HEADER] == "miss"
    secret = client.cookies["csrftoken"].value
    pages = [client.get("/") for _ in range(2)]
    tokens = [
        re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
        for page in pages
    ]
    assert [page[HEADER] for page in pages] == ["hit", "hit"]
    # Masked afresh for each response (no two pages carry the same text), the secret kept.
    assert tokens[0] != tokens[1]
    assert client.cookies["csrftoken"].value == secret
    for token in tokens:
        form = {"choice": "all", "csrfmiddlewaretoken": token, "next": "/"}
        assert client.post(reverse("personalization:consent"), form).status_code == 302
    forged = {"choice": "all", "csrfmiddlewaretoken": tokens[0][::-1], "next": "/"}
    assert client.post(reverse("personalization:consent"), forged).status_code == 403


def test_csrf_letters_are_drawn_from_the_whole_alphabet():
    from django.middleware.csrf import CSRF_ALLOWED_CHARS

    from shop.pagecache import _random_letters

    letters = "".join(_random_letters(32) for _ in range(400))
    assert len(letters) == 12_800
    # Each of the 62 letters is missed by 12,800 even draws with a chance below 1e-87.
    assert set(letters) == set(CSRF_ALLOWED_CHARS)
