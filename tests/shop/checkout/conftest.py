"""Fixtures for placing orders directly through `order_place`, with a limited code in play."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from personalization.visitor import resolve_visitor
from shop.basket.models import Basket, BasketLine
from shop.checkout.models import TestPaymentIntent
from shop.checkout.services import CheckoutDetails, order_place
from shop.offers.applicator import offers_changed
from shop.offers.models import Offer, OfferKind, OrderDiscount
from shop.orders.models import Order, OrderLine, OrderStatus
from tests.factories import ProductFactory

DETAILS = CheckoutDetails(
    email="aiko@example.com", name="Aiko", phone="", country="JP", region="JP-13",
    postal_code="100-0001", city="Chiyoda", address="1-1", shipping_method="standard",
)  # fmt: skip
STOCK = 10
# What the test card form makes of each test number (see shop.checkout.payments.TEST_CARDS).
SUCCESS, DECLINED = "pm_test_success_0", "pm_test_declined_0"
TIMEOUT, CAPTURE_FAILS = "pm_test_timeout_0", "pm_test_capturefail_0"


@pytest.fixture
def ten(db) -> Offer:
    """10% off with the code TEN, limited to 5 uses (so its uses are locked and counted)."""
    offers_changed()
    offer = Offer.objects.create(
        name="10% off with TEN", kind=OfferKind.PERCENT, value=Decimal(10), code="TEN",
        usage_limit=5,
    )  # fmt: skip
    offers_changed()
    yield offer
    offers_changed()


@pytest.fixture
def stocked(db):
    return ProductFactory(price=Decimal(1000), stock=STOCK)


@pytest.fixture
def buy(stocked, ten) -> Callable[..., Order]:
    """Place an order for two units with the code TEN, paying with the given method."""

    def place(payment_method: str = SUCCESS, *, key: str = "key-1", basket=None) -> Order:
        if basket is None:
            basket = Basket.objects.create()
            BasketLine.objects.create(basket=basket, product=stocked, quantity=2)
        place.basket = basket
        return order_place(
            basket=basket, details=DETAILS, payment_method=payment_method, idempotency_key=key,
            visitor=resolve_visitor(overrides={"country": "JP"}), codes=["TEN"],
        )  # fmt: skip

    return place


@pytest.fixture
def assert_consistent(stocked, ten) -> Callable[..., None]:
    """The invariants a crash anywhere must never break; `settled=False` between the crash and
    reconciliation, when a captured intent may still wait for its order to be marked paid."""

    def check(*, settled: bool = True) -> None:
        intents = list(TestPaymentIntent.objects.all())
        for intent in intents:
            assert intent.captures <= 1, "an intent was captured twice"
            paid = Order.objects.filter(payments__intent_id=intent.id, status=OrderStatus.PAID)
            if intent.status == "captured" and settled:
                assert [order.total for order in paid] == [intent.amount]
            elif intent.status != "captured":
                assert not paid.exists()
        for order in Order.objects.filter(status=OrderStatus.PAID):
            assert TestPaymentIntent.objects.filter(
                id=order.payment_reference, status="captured", amount=order.total
            ).exists(), "an order is paid without a captured intent"
        kept = Order.objects.exclude(status=OrderStatus.CANCELLED)
        sold = sum(OrderLine.objects.filter(order__in=kept).values_list("quantity", flat=True))
        stocked.refresh_from_db()
        assert stocked.stock == STOCK - sold
        ten.refresh_from_db()
        assert ten.times_used == OrderDiscount.objects.filter(offer=ten).count()
        assert ten.times_used == OrderDiscount.objects.filter(order__in=kept).count()

    return check


@pytest.fixture
def later():
    """A moment past reconciliation's grace period."""
    from django.utils import timezone

    from shop.checkout.reconciliation import PAYMENT_GRACE

    return timezone.now() + PAYMENT_GRACE + PAYMENT_GRACE / 10
