from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from shop.basket.models import Basket
from shop.catalog.models import Product
from shop.money import currency_default, money_round
from shop.orders.models import Order, OrderLine, OrderStatus
from shop.orders.services import order_event_add

from .payments import Card, PaymentDeclined, payment_provider
from .shipping import SHIPPING_METHODS


@dataclass(frozen=True)
class CheckoutDetails:
    email: str
    name: str
    phone: str
    country: str
    region: str
    postal_code: str
    city: str
    address: str
    shipping_method: str


class CheckoutError(Exception):
    """The order cannot be placed as it is; the message tells the shopper what to change."""


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    shipping: Decimal
    total: Decimal


def checkout_totals(*, basket: Basket, shipping_method: str) -> Totals:
    subtotal = basket.subtotal
    shipping = SHIPPING_METHODS[shipping_method].price_for(subtotal)
    return Totals(subtotal, shipping, money_round(subtotal + shipping))


def order_place(
    *,
    basket: Basket,
    details: CheckoutDetails,
    card: Card,
    idempotency_key: str,
    user=None,
    language: str = "en",
) -> Order:
    """Charge the card and turn the basket into an order, all or nothing.

    Stock rows are locked for the whole transaction, so two shoppers can never buy the same
    last unit; the form's token makes a repeated submit return the order already placed.
    A declined card raises PaymentDeclined with nothing written and the basket kept.
    """
    existing = Order.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _place(basket, details, card, idempotency_key, user, language)
    except IntegrityError:
        # The same form submitted twice at once: the other request placed the order.
        existing = Order.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing


def _place(basket, details, card, idempotency_key, user, language) -> Order:
    lines = list(basket.lines.order_by("product_id"))
    if not lines:
        raise CheckoutError(_("Your basket is empty."))
    products = Product.objects.select_for_update().in_bulk(
        [line.product_id for line in lines], field_name="pk"
    )
    # Locks taken: a twin request that waited on them sees the order it is waiting for.
    existing = Order.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    problems = []
    for line in lines:
        product = products[line.product_id]
        if not product.is_active or product.stock == 0:
            problems.append(_("“%(name)s” is sold out.") % {"name": product.name})
        elif product.stock < line.quantity:
            problems.append(
                _("Only %(stock)d of “%(name)s” are left.")
                % {"stock": product.stock, "name": product.name}
            )
    if problems:
        raise CheckoutError(" ".join([*problems, _("Please change your basket.")]))

    currency = currency_default()
    subtotal = sum((products[line.product_id].price * line.quantity for line in lines), Decimal(0))
    shipping = SHIPPING_METHODS[details.shipping_method].price_for(subtotal)
    total = money_round(subtotal + shipping, currency)
    payment = payment_provider().charge(
        amount=total, currency=currency, card=card, description=f"Storefront {details.email}"
    )
    order = Order.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        email=details.email,
        name=details.name,
        phone=details.phone,
        country=details.country,
        region=details.region,
        postal_code=details.postal_code,
        city=details.city,
        address=details.address,
        shipping_method=details.shipping_method,
        shipping_price=shipping,
        subtotal=subtotal,
        total=total,
        currency=currency,
        status=OrderStatus.PAID,
        payment_reference=payment.reference,
        language=language,
        idempotency_key=idempotency_key,
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            product=products[line.product_id],
            product_name=products[line.product_id].name,
            unit_price=products[line.product_id].price,
            quantity=line.quantity,
            total=products[line.product_id].price * line.quantity,
        )
        for line in lines
    )
    for line in lines:
        Product.objects.filter(pk=line.product_id).update(stock=F("stock") - line.quantity)
    order_event_add(order=order, status=OrderStatus.PLACED)
    order_event_add(order=order, status=OrderStatus.PAID)
    basket.lines.all().delete()
    return order


__all__ = ["CheckoutDetails", "CheckoutError", "PaymentDeclined", "order_place"]
