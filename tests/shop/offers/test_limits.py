"""How often an offer may be used: per customer, in total, and when many shoppers use the last
uses of a code at the same moment."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections

from personalization.visitor import resolve_visitor
from shop.basket.models import Basket, BasketLine
from shop.catalog.models import Product
from shop.checkout.services import CheckoutDetails, CheckoutError, order_place
from shop.offers.applicator import basket_price, offers_changed, pricing_context
from shop.offers.models import Offer, OfferKind, OrderDiscount
from shop.orders.models import Order
from tests.factories import ProductFactory
from tests.pages import page_text

SHOPPERS = 20
USES_LEFT = 5

DETAILS = CheckoutDetails(
    email="x@example.com", name="X", phone="", country="JP", region="JP-13",
    postal_code="100-0001", city="Chiyoda", address="1-1", shipping_method="standard",
)  # fmt: skip
PAYMENT_METHOD = "pm_test_success_0"  # what the test card form makes of 4242 4242 4242 4242


@pytest.fixture
def welcome(make_offer):
    return make_offer(name="¥300 off your first order", kind=OfferKind.FIXED, value=Decimal(300),
                      code="WELCOME", per_customer_limit=1)  # fmt: skip


@pytest.fixture
def shop_with_code(client, product, basket_fill, code_enter, checkout_post, checkout_data):
    """A shopper fills the basket, types the code and checks out; returns the response."""

    def buy(code: str, *, token: str, **details):
        basket_fill(client, product, 1)
        code_enter(client, code)
        return checkout_post(client, checkout_data, token=token, **details)

    return buy


# Per customer.


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["aiko@example.com", "Aiko@Example.COM"])
def test_a_once_per_customer_code_refuses_a_second_order_by_the_same_e_mail(
    shop_with_code, welcome, email
):
    shop_with_code("WELCOME", token="first")
    assert Order.objects.get().discount_total == Decimal(300)

    response = shop_with_code("WELCOME", token="second", email=email)
    assert (
        "You have already used “¥300 off your first order”. Nothing was charged: "
        "please check your new total."
    ) in page_text(response)
    assert Order.objects.count() == 1
    assert OrderDiscount.objects.count() == 1


@pytest.mark.django_db
def test_a_once_per_customer_code_is_still_there_for_another_customer(shop_with_code, welcome):
    shop_with_code("WELCOME", token="first")
    shop_with_code("WELCOME", token="second", email="kenji@example.com")
    assert sorted(OrderDiscount.objects.values_list("customer_email", flat=True)) == [
        "aiko@example.com",
        "kenji@example.com",
    ]


# Counting uses.


@pytest.mark.django_db
def test_each_order_with_an_offer_counts_one_use(shop_with_code, make_offer):
    limited = make_offer(name="10% off with TEN", code="TEN", usage_limit=5)
    unused = make_offer(name="5% off with FIVE", value=Decimal(5), code="FIVE")
    shop_with_code("TEN", token="first")
    shop_with_code("TEN", token="second", email="kenji@example.com")
    limited.refresh_from_db()
    unused.refresh_from_db()
    assert (limited.times_used, unused.times_used) == (2, 0)


@pytest.mark.django_db
def test_the_last_use_taken_makes_the_code_no_longer_valid(
    shop_with_code, make_offer, code_enter, client, django_capture_on_commit_callbacks
):
    make_offer(name="10% off with LAST", code="LAST", usage_limit=1)
    with django_capture_on_commit_callbacks(execute=True):
        shop_with_code("LAST", token="first")
    response = code_enter(client, "LAST")
    assert "“LAST” has just been used up." in page_text(response)


@pytest.mark.django_db
def test_a_code_used_up_before_the_order_is_placed_is_refused_not_dropped(make_offer):
    """Placing an order for a shopper who typed a code that is no longer valid tells them,
    rather than charging the full price without a word."""
    make_offer(name="¥200 off with CODE", kind=OfferKind.FIXED, value=Decimal(200), code="CODE",
               usage_limit=1, times_used=1)  # fmt: skip
    basket = Basket.objects.create()
    BasketLine.objects.create(basket=basket, product=ProductFactory(stock=5), quantity=1)
    with pytest.raises(CheckoutError, match="CODE"):
        order_place(
            basket=basket, details=DETAILS, payment_method=PAYMENT_METHOD, idempotency_key="k",
            visitor=resolve_visitor(overrides={"country": "JP"}), codes=["CODE"],
        )  # fmt: skip
    assert Order.objects.count() == 0


# Many shoppers at once.


@pytest.mark.django_db(transaction=True)
def test_the_last_uses_of_a_code_go_to_exactly_that_many_shoppers():
    product = ProductFactory(price=Decimal(1000), stock=SHOPPERS * 2)
    code = Offer.objects.create(
        name="¥200 off with CODE", kind=OfferKind.FIXED, value=Decimal(200), code="CODE",
        usage_limit=10, times_used=10 - USES_LEFT,
    )  # fmt: skip
    offers_changed()
    shoppers = []
    for _ in range(SHOPPERS):
        basket = Basket.objects.create()
        BasketLine.objects.create(basket=basket, product=product, quantity=1)
        # Each shopper's checkout page priced the basket with the code, as the view does
        # before it places the order with the same visitor.
        visitor = resolve_visitor(overrides={"country": "JP"})
        seen = basket_price(
            lines=[(line.product, line.quantity) for line in basket.lines_for_display()],
            context=pricing_context(visitor),
            codes=["CODE"],
        )
        assert seen.discount_total == Decimal(200)
        shoppers.append((basket, visitor, seen.discount_total))
    start = threading.Barrier(SHOPPERS)
    outcomes: list[str] = []

    def shop(index: int, basket: Basket, visitor, expected_discount: Decimal) -> None:
        try:
            start.wait()
            order_place(
                basket=basket, details=DETAILS, payment_method=PAYMENT_METHOD,
                idempotency_key=f"k{index}", visitor=visitor, codes=["CODE"],
                expected_discount=expected_discount,
            )  # fmt: skip
            outcomes.append("ordered")
        except CheckoutError as error:
            outcomes.append("used up" if "has just been used up" in str(error) else str(error))
        except Exception as error:  # anything else is shown in the assertion below
            outcomes.append(repr(error))
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=shop, args=(index, *shopper))
        for index, shopper in enumerate(shoppers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["ordered"] * USES_LEFT + ["used up"] * (SHOPPERS - USES_LEFT)
    assert Order.objects.count() == USES_LEFT
    assert set(Order.objects.values_list("discount_total", flat=True)) == {Decimal(200)}
    assert OrderDiscount.objects.filter(offer=code, code="CODE").count() == USES_LEFT
    assert Offer.objects.get(pk=code.pk).times_used == 10
    assert Product.objects.get(pk=product.pk).stock == SHOPPERS * 2 - USES_LEFT


# A personal voucher at two checkouts at once.


@pytest.mark.django_db(transaction=True)
def test_a_personal_voucher_is_used_once_however_many_checkouts_race_for_it():
    import datetime

    from django.utils import timezone

    from shop.offers.models import PersonalVoucher

    product = ProductFactory(price=Decimal(1000), stock=50)
    voucher = PersonalVoucher.objects.create(
        code="THANKS-RACERACE", reason="profile", percent=Decimal(10), name="10% off",
        visitor_id="browser-1", expires_at=timezone.now() + datetime.timedelta(days=3),
    )  # fmt: skip
    offers_changed()
    tabs = 6
    baskets = []
    for _ in range(tabs):
        basket = Basket.objects.create()
        BasketLine.objects.create(basket=basket, product=product, quantity=1)
        baskets.append(basket)
    start = threading.Barrier(tabs)
    outcomes: list[str] = []

    def checkout(index: int, basket: Basket) -> None:
        try:
            start.wait()
            order_place(
                basket=basket, details=DETAILS, payment_method=PAYMENT_METHOD,
                idempotency_key=f"race-{index}", codes=["THANKS-RACERACE"],
                visitor=resolve_visitor(overrides={"country": "JP"}), visitor_id="browser-1",
            )  # fmt: skip
            outcomes.append("ordered")
        except CheckoutError as error:
            outcomes.append("refused" if "THANKS-RACERACE" in str(error) or "10% off" in str(error)
                            else str(error))  # fmt: skip
        except Exception as error:  # anything else is shown in the assertion below
            outcomes.append(repr(error))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=checkout, args=(i, b)) for i, b in enumerate(baskets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["ordered"] + ["refused"] * (tabs - 1)
    assert OrderDiscount.objects.filter(voucher=voucher).count() == 1
    voucher.refresh_from_db()
    assert voucher.used_at is not None
    assert voucher.order == Order.objects.get(discount_total=Decimal(100))


def test_a_declined_card_gives_the_personal_voucher_back(db):
    import datetime

    from django.utils import timezone

    from shop.offers.models import PersonalVoucher

    product = ProductFactory(price=Decimal(1000), stock=5)
    voucher = PersonalVoucher.objects.create(
        code="THANKS-DECLINED", reason="profile", percent=Decimal(10), name="10% off",
        visitor_id="browser-1", expires_at=timezone.now() + datetime.timedelta(days=3),
    )  # fmt: skip
    basket = Basket.objects.create()
    BasketLine.objects.create(basket=basket, product=product, quantity=1)
    from shop.checkout.payments import PaymentDeclined

    with pytest.raises(PaymentDeclined):
        order_place(
            basket=basket, details=DETAILS, payment_method="pm_test_declined_0",
            idempotency_key="declined", visitor=resolve_visitor(overrides={"country": "JP"}),
            codes=["THANKS-DECLINED"], visitor_id="browser-1",
        )  # fmt: skip
    voucher.refresh_from_db()
    assert (voucher.used_at, voucher.order) == (None, None)
    order_place(
        basket=basket, details=DETAILS, payment_method=PAYMENT_METHOD, idempotency_key="again",
        visitor=resolve_visitor(overrides={"country": "JP"}), codes=["THANKS-DECLINED"],
        visitor_id="browser-1",
    )  # fmt: skip
    voucher.refresh_from_db()
    assert voucher.used_at is not None
