"""Personal thank-you vouchers: earned once per account and per browser, usable by their owner
only, once, never stacked, and never part of the shared offers that every page walks."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from personalization.conf import app_settings
from personalization.consent import consent_store
from personalization.models import Question, QuestionKind
from personalization.profiling import questions_changed
from shop.offers.applicator import offers_cached, offers_changed
from shop.offers.models import Offer, OrderDiscount, PersonalVoucher, VoucherReason
from shop.offers.vouchers import voucher_grant
from shop.orders.models import Order
from tests.conftest import checkout_submit
from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
VOUCHER = re.compile(r"THANKS-[A-Z0-9]{6,8}")


@pytest.fixture
def questions():
    Question.objects.create(key="name", prompt="What should we call you?", kind="text")
    Question.objects.create(
        key="pet", prompt="Dog or cat?", kind=QuestionKind.SINGLE, position=20,
        choices=[{"value": "dog", "label_en": "Dog"}, {"value": "cat", "label_en": "Cat"}],
    )  # fmt: skip
    questions_changed()
    yield
    questions_changed()


@pytest.fixture
def new_visitor():
    """A fresh browser (no cookies but the consent it just gave), as a farming script makes."""
    consented = HttpResponse()
    consent_store(consented, purposes={"personalization", "analytics"})

    def make(**extra) -> Client:
        client = Client(**extra)
        client.cookies[app_settings.CONSENT_COOKIE] = consented.cookies[
            app_settings.CONSENT_COOKIE
        ].value
        return client

    return make


def earn(client: Client, **headers) -> str | None:
    """Answer two questions; the voucher code the thank-you card shows, if any."""
    url = reverse("personalization:profile_answer")
    client.post(url, {"key": "name", "value": "Aiko"}, headers={**HTMX, **headers})
    response = client.post(url, {"key": "pet", "value": "cat"}, headers={**HTMX, **headers})
    found = VOUCHER.search(response.content.decode())
    return found.group(0) if found else None


def enter(client: Client, code: str) -> str:
    response = client.post(reverse("basket:code"), {"code": code}, follow=True)
    return " ".join(re.sub(r"<[^>]*>", " ", response.content.decode()).split())


@pytest.fixture
def product():
    return ProductFactory(price=Decimal(2000), stock=50)


def fill(client: Client, product, quantity: int = 1) -> None:
    client.post(reverse("basket:add"), {"product": product.pk, "quantity": quantity})


def basket_total(client: Client) -> Decimal:
    return client.get(reverse("basket:detail")).context["price"].total


# Earning


def test_answering_earns_a_voucher_bound_to_the_browser_that_earned_it(new_visitor, questions):
    browser = new_visitor()
    code = earn(browser)
    voucher = PersonalVoucher.objects.get(code=code)
    assert voucher.owner is None
    assert voucher.visitor_id
    assert browser.cookies[app_settings.VISITOR_ID_COOKIE].value  # the id lives on the device


def test_a_browser_earns_the_reward_once_even_with_a_fresh_session(new_visitor, questions):
    browser = new_visitor()
    assert earn(browser)
    browser.cookies.pop("sessionid")  # a new session, the same device
    assert earn(browser) is None
    assert PersonalVoucher.objects.count() == 1


def test_an_account_earns_the_reward_once_from_any_browser(new_visitor, questions):
    shopper = UserFactory()
    first, second = new_visitor(), new_visitor()
    first.force_login(shopper)
    second.force_login(shopper)
    assert earn(first)
    assert earn(second) is None
    assert PersonalVoucher.objects.filter(owner=shopper).count() == 1


def test_granting_twice_at_once_gives_one_voucher(user):
    # The database's unique constraints hold even when two requests race past the check.
    assert voucher_grant(reason=VoucherReason.PROFILE, user=user, visitor_id="browser-a")
    assert voucher_grant(reason=VoucherReason.PROFILE, user=user, visitor_id="browser-b") is None
    assert voucher_grant(reason=VoucherReason.PROFILE, user=None, visitor_id="browser-a") is None


def test_the_answer_endpoint_is_limited_per_client_address(new_visitor, questions, settings):
    settings.PERSONALIZATION_ANSWER_RATE = "6/m"
    codes = [earn(new_visitor()) for _ in range(5)]
    assert sum(code is not None for code in codes) == 3  # 6 answers, then refusals
    response = new_visitor().post(
        reverse("personalization:profile_answer"), {"key": "name", "value": "X"}, headers=HTMX
    )
    assert response.status_code == 429
    assert "Too many answers at once" in response.content.decode()


def test_the_answer_limit_counts_the_shopper_behind_the_proxy_not_the_proxy(
    new_visitor, questions, settings
):
    settings.PERSONALIZATION_ANSWER_RATE = "4/m"
    settings.PERSONALIZATION_TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxy = {"REMOTE_ADDR": "10.0.0.5"}
    assert earn(new_visitor(**proxy), **{"X-Forwarded-For": "203.0.113.7"})
    assert earn(new_visitor(**proxy), **{"X-Forwarded-For": "203.0.113.7"})
    assert earn(new_visitor(**proxy), **{"X-Forwarded-For": "203.0.113.7"}) is None
    # Another shopper behind the same proxy is not locked out.
    assert earn(new_visitor(**proxy), **{"X-Forwarded-For": "198.51.100.2"})


# Using


def test_the_owner_gets_the_discount(new_visitor, questions, product):
    browser = new_visitor()
    code = earn(browser)
    fill(browser, product)
    assert f"Code “{code}” applied." in enter(browser, code.lower())
    assert basket_total(browser) == Decimal(2000 - 200 + 600)


def test_farmed_codes_are_useless_to_anyone_but_their_owner(new_visitor, questions, product):
    farmed = [earn(new_visitor()) for _ in range(5)]
    shopper = new_visitor()
    fill(shopper, product)
    for code in farmed:
        # Someone else's voucher reads like an unknown code: guessing learns nothing.
        assert f"“{code}” is not a code we know." in enter(shopper, code)
    assert basket_total(shopper) == Decimal(2000 + 600)


def test_two_personal_vouchers_never_stack(new_visitor, product, user):
    browser = new_visitor()
    browser.force_login(user)
    for code in ("THANKS-AAAAAAAA", "THANKS-BBBBBBBB"):
        PersonalVoucher.objects.create(
            code=code, reason=f"r-{code}", percent=Decimal(30), name="30% off", owner=user,
            expires_at=timezone.now() + datetime.timedelta(days=5),
        )  # fmt: skip
    fill(browser, product)
    enter(browser, "THANKS-AAAAAAAA")
    text = enter(browser, "THANKS-BBBBBBBB")
    assert "Only one personal voucher can be used per order" in text
    assert basket_total(browser) == Decimal(2000 - 600 + 600)


def test_a_voucher_moves_to_the_account_on_sign_in_and_leaves_the_browser(
    new_visitor, questions, product
):
    browser = new_visitor()
    code = earn(browser)
    shopper = UserFactory(password="mochi-the-cat-42")
    response = browser.post(
        reverse("account_login"), {"login": shopper.email, "password": "mochi-the-cat-42"}
    )
    assert response.status_code == 302
    assert PersonalVoucher.objects.get(code=code).owner == shopper
    assert code in browser.get(reverse("accounts:profile")).content.decode()
    browser.post(reverse("account_logout"))
    fill(browser, product)
    # Signed out, the browser no longer holds it: it is the account's.
    assert f"“{code}” is not a code we know." in enter(browser, code)


def test_a_voucher_is_used_once(new_visitor, questions, product, checkout_data):
    browser = new_visitor()
    code = earn(browser)
    fill(browser, product)
    enter(browser, code)
    response = checkout_submit(browser, checkout_data)
    order = Order.objects.get()
    assert response.context["order"] == order
    assert order.discount_total == Decimal(200)
    voucher = PersonalVoucher.objects.get(code=code)
    assert voucher.used_at is not None and voucher.order == order
    assert OrderDiscount.objects.get(order=order).voucher == voucher
    fill(browser, product)
    assert f"“{code}” has already been used." in enter(browser, code)


def test_an_expired_voucher_is_refused(new_visitor, questions, product):
    browser = new_visitor()
    code = earn(browser)
    PersonalVoucher.objects.filter(code=code).update(expires_at=timezone.now())
    fill(browser, product)
    assert f"“{code}” is no longer valid." in enter(browser, code)


# Cost


def test_vouchers_are_not_part_of_the_shared_offers(user):
    catalog_before = offers_cached()
    voucher_grant(reason=VoucherReason.PROFILE, user=user, visitor_id="b")
    # No reload of every offer in every worker, and nothing new to walk on priced pages.
    assert offers_cached() is catalog_before
    assert not catalog_before.by_code


def test_pages_cost_the_same_queries_whatever_the_number_of_vouchers(client, product):
    fill(client, product)

    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            for url in ("/", reverse("catalog:products"), reverse("basket:detail")):
                assert client.get(url).status_code == 200
        return len(captured)

    queries()  # per-process snapshots load on the first pages
    before = queries()
    expires = timezone.now() + datetime.timedelta(days=5)
    PersonalVoucher.objects.bulk_create(
        PersonalVoucher(
            code=f"THANKS-{index:08d}", reason="profile", percent=Decimal(10), name="10%",
            visitor_id=f"v{index}", expires_at=expires,
        )
        for index in range(500)
    )  # fmt: skip
    assert queries() == before


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


def test_vouchers_long_ended_or_used_are_purged_and_orders_keep_their_discount(user):
    from shop.offers.tasks import purge_vouchers

    now = timezone.now()
    fresh = voucher_grant(reason=VoucherReason.PROFILE, user=user, visitor_id="a")
    PersonalVoucher.objects.create(
        code="THANKS-OLDOLDOL", reason="old", percent=Decimal(10), name="old",
        expires_at=now - datetime.timedelta(days=91),
    )  # fmt: skip
    PersonalVoucher.objects.create(
        code="THANKS-USEDUSED", reason="used", percent=Decimal(10), name="used",
        expires_at=now + datetime.timedelta(days=1), used_at=now - datetime.timedelta(days=91),
    )  # fmt: skip
    assert purge_vouchers() == 2
    assert list(PersonalVoucher.objects.all()) == [fresh]


def test_signing_in_to_an_account_that_had_its_reward_brings_no_second_one(new_visitor, questions):
    shopper = UserFactory(password="mochi-the-cat-42")
    voucher_grant(reason=VoucherReason.PROFILE, user=shopper, visitor_id="elsewhere")
    browser = new_visitor()
    code = earn(browser)
    browser.post(reverse("account_login"), {"login": shopper.email, "password": "mochi-the-cat-42"})
    assert PersonalVoucher.objects.filter(owner=shopper).count() == 1
    # The browser's own voucher has ended, and signing out does not earn it a new one.
    assert PersonalVoucher.objects.get(code=code).expires_at <= timezone.now()
    browser.post(reverse("account_logout"))
    assert earn(browser) is None


def test_codes_are_limited_per_client_address_not_per_session(product):
    # Twenty fresh sessions from one address: the eleventh wrong code is refused unseen.
    texts = []
    for attempt in range(12):
        browser = Client()
        fill(browser, product)
        texts.append(enter(browser, f"GUESS{attempt:04d}"))
    assert "is not a code we know" in texts[9]
    assert "Too many wrong codes. Please try again in a few minutes." in texts[10]
    assert "is not a code we know" not in texts[11]
    # Another shopper elsewhere is not affected.
    elsewhere = Client(REMOTE_ADDR="198.51.100.20")
    fill(elsewhere, product)
    assert "is not a code we know" in enter(elsewhere, "GUESS9999")


def test_one_code_tried_from_many_addresses_is_refused(product, monkeypatch):
    monkeypatch.setattr("shop.offers.services.WRONG_TRIES_PER_CODE", "3/h")
    for address in range(3):
        browser = Client(REMOTE_ADDR=f"198.51.100.{address + 1}")
        fill(browser, product)
        assert "is not a code we know" in enter(browser, "THANKS-SOMEONES")
    browser = Client(REMOTE_ADDR="198.51.100.99")
    fill(browser, product)
    assert "Too many wrong codes" in enter(browser, "THANKS-SOMEONES")


def test_a_campaign_code_tried_outside_its_region_is_never_blocked_for_everyone(
    product, monkeypatch, settings
):
    from shop.offers.applicator import offers_changed
    from shop.offers.models import Offer

    monkeypatch.setattr("shop.offers.services.WRONG_TRIES_PER_CODE", "3/h")
    Offer.objects.create(name="Kyushu deal", kind="percent", value=Decimal(5), code="KYUSHU5",
                         regions=["JP-40"])  # fmt: skip
    offers_changed()
    for address in range(5):
        browser = Client(REMOTE_ADDR=f"198.51.100.{address + 1}")
        fill(browser, product)
        assert "is not valid for you or your region" in enter(browser, "KYUSHU5")
    fukuoka = Client(REMOTE_ADDR="198.51.100.50")
    fukuoka.post(reverse("personalization:region"), {"place": "JP-40"})
    fill(fukuoka, product)
    assert "Code “KYUSHU5” applied." in enter(fukuoka, "KYUSHU5")
    offers_changed()
