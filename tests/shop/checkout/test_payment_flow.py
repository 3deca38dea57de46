"""The order is written first and the money taken after: every way the payment can end."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail

from personalization.visitor import resolve_visitor
from shop.checkout.models import Payment, PaymentStatus, TestPaymentIntent
from shop.checkout.payments import PaymentDeclined
from shop.checkout.reconciliation import payments_reconcile
from shop.checkout.services import CheckoutError
from shop.orders.models import Order, OrderStatus

from .conftest import CAPTURE_FAILS, DECLINED, STOCK, SUCCESS, TIMEOUT

pytestmark = pytest.mark.django_db


def test_a_good_card_pays_the_order_with_one_captured_intent(
    buy, stocked, ten, assert_consistent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = buy(SUCCESS)
    assert order.status == OrderStatus.PAID
    assert order.total == Decimal(2400)  # 2 × ¥1,000 − 10% + ¥600 shipping
    payment = Payment.objects.get()
    assert (payment.status, payment.amount, payment.order) == ("captured", order.total, order)
    intent = TestPaymentIntent.objects.get()
    assert (intent.id, intent.status, intent.captures) == (order.payment_reference, "captured", 1)
    assert list(order.events.values_list("status", flat=True)) == [
        "awaiting_payment", "placed", "paid",
    ]  # fmt: skip
    assert len(mail.outbox) == 1
    assert not buy.basket.lines.exists()
    assert_consistent()


def test_a_declined_card_cancels_the_order_and_gives_everything_back(
    buy, stocked, ten, assert_consistent, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(PaymentDeclined, match="declined"),
    ):
        buy(DECLINED)
    order = Order.objects.get()
    assert order.status == OrderStatus.CANCELLED
    assert not order.discounts.exists()
    ten.refresh_from_db()
    stocked.refresh_from_db()
    assert (ten.times_used, stocked.stock) == (0, STOCK)
    assert Payment.objects.get().status == PaymentStatus.FAILED
    assert TestPaymentIntent.objects.get().status == "failed"
    assert buy.basket.lines.count() == 1  # the basket is kept
    assert len(mail.outbox) == 0  # the shopper saw the reason on the page
    assert_consistent()


def test_the_same_checkout_sent_again_after_a_decline_is_refused_as_expired(buy):
    with pytest.raises(PaymentDeclined):
        buy(DECLINED)
    with pytest.raises(CheckoutError, match="expired"):
        buy(SUCCESS, basket=buy.basket)
    assert TestPaymentIntent.objects.filter(status="captured").count() == 0


def test_a_retry_with_a_new_checkout_and_another_card_pays(buy, assert_consistent):
    with pytest.raises(PaymentDeclined):
        buy(DECLINED, key="first-page")
    assert buy(SUCCESS, key="second-page", basket=buy.basket).status == OrderStatus.PAID
    assert_consistent()


def test_the_same_checkout_sent_twice_pays_once(buy, assert_consistent):
    first = buy(SUCCESS)
    assert buy(SUCCESS, basket=buy.basket) == first
    assert TestPaymentIntent.objects.count() == 1
    assert_consistent()


def test_the_same_key_from_another_basket_never_returns_that_order(buy):
    buy(SUCCESS)
    with pytest.raises(CheckoutError, match="expired"):
        buy(SUCCESS)  # a new basket replaying the first one's key
    assert Order.objects.count() == 1


def test_a_capture_failure_voids_the_authorization_and_cancels(buy, stocked, assert_consistent):
    with pytest.raises(PaymentDeclined, match="could not be charged"):
        buy(CAPTURE_FAILS)
    assert Order.objects.get().status == OrderStatus.CANCELLED
    assert TestPaymentIntent.objects.get().status == "voided"
    assert_consistent()


def test_a_provider_timeout_leaves_the_order_waiting_until_reconciliation_pays_it(
    buy, assert_consistent, django_capture_on_commit_callbacks, later
):
    order = buy(TIMEOUT)
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert TestPaymentIntent.objects.get().status == "authorized"  # the provider did authorize
    assert_consistent()
    assert payments_reconcile() == {"waiting": 1}  # within the grace period: still in flight
    with django_capture_on_commit_callbacks(execute=True):
        assert payments_reconcile(now=later) == {"paid": 1}
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert len(mail.outbox) == 1  # the confirmation, once settled
    assert payments_reconcile(now=later) == {}
    assert_consistent()


def test_a_declined_card_does_not_make_a_shopper_someone_who_has_ordered(buy, user):
    with pytest.raises(PaymentDeclined):
        buy(DECLINED)
    Order.objects.update(user=user)
    assert resolve_visitor(user=user).get("has_ordered") is False
    buy(SUCCESS, key="again", basket=buy.basket)
    Order.objects.update(user=user)
    assert resolve_visitor(user=user).get("has_ordered") is True
