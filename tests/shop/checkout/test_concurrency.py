"""Several shoppers buy the last units of one product at the same moment."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections

from shop.basket.models import Basket, BasketLine
from shop.catalog.models import Product
from shop.checkout.models import TestPaymentIntent
from shop.checkout.services import CheckoutDetails, CheckoutError, order_place
from shop.orders.models import Order, OrderStatus
from tests.factories import ProductFactory

SHOPPERS = 6
STOCK = 3


@pytest.mark.django_db(transaction=True)
def test_exactly_the_available_stock_is_sold():
    product = ProductFactory(price=Decimal(800), stock=STOCK)
    baskets = []
    for _ in range(SHOPPERS):
        basket = Basket.objects.create()
        BasketLine.objects.create(basket=basket, product=product, quantity=1)
        baskets.append(basket)
    details = CheckoutDetails(
        email="x@example.com", name="X", phone="", country="JP", region="JP-13",
        postal_code="100-0001", city="Chiyoda", address="1-1", shipping_method="standard",
    )  # fmt: skip
    start = threading.Barrier(SHOPPERS)
    outcomes: list[str] = []

    def shop(index: int, basket: Basket) -> None:
        try:
            start.wait()
            order_place(
                basket=basket,
                details=details,
                payment_method="pm_test_success_0",
                idempotency_key=f"k{index}",
            )
            outcomes.append("ordered")
        except CheckoutError:
            outcomes.append("sold out")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=shop, args=item) for item in enumerate(baskets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["ordered"] * STOCK + ["sold out"] * (SHOPPERS - STOCK)
    assert Order.objects.count() == STOCK
    # Each sold unit was paid for after its order committed, once.
    assert set(Order.objects.values_list("status", flat=True)) == {OrderStatus.PAID}
    assert TestPaymentIntent.objects.filter(status="captured", captures=1).count() == STOCK
    assert Product.objects.get(pk=product.pk).stock == 0
