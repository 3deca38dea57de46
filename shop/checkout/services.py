from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from personalization.visitor import Visitor, resolve_visitor
from shop.basket.models import Basket
from shop.catalog.models import Product
from shop.money import money_format, money_round
from shop.offers.applicator import basket_price
from shop.offers.results import PriceResult, VoucherTerms
from shop.offers.services import OfferUnavailable, offer_uses_check, offer_uses_record
from shop.offers.vouchers import vouchers_for_codes
from shop.orders.models import Order, OrderLine, OrderStatus
from shop.orders.services import order_event_add

from .payments import Card, PaymentDeclined, payment_provider


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


def checkout_visitor(*, request: HttpRequest, address: Mapping[str, str] | None) -> Visitor:
    """Who pricing sees at checkout: the shopper as they are, never a staff preview (a preview
    must not price a real order), placed at the delivery address once they have given one."""
    delivery = None
    if address is not None:
        delivery = {name: address[name] for name in ("country", "region", "postal_code", "city")}
    return resolve_visitor(request=request, delivery=delivery)


def discount_changes(*, seen: PriceResult, now: PriceResult, place: str) -> list[str]:
    """What delivering to `place` changed in the discounts the shopper saw, in sentences."""
    seen_by = {(d.offer_id, d.voucher_id): d for d in seen.discounts}
    now_by = {(d.offer_id, d.voucher_id): d for d in now.discounts}
    names = {"place": place}
    changes = [
        _("“%(offer)s” is not for delivery to %(place)s.") % {**names, "offer": d.sentence}
        for key, d in seen_by.items()
        if key not in now_by
    ]
    changes += [
        _("“%(offer)s” applies to delivery to %(place)s.") % {**names, "offer": d.sentence}
        for key, d in now_by.items()
        if key not in seen_by
    ]
    if seen.shipping != now.shipping and not changes:
        changes.append(
            _("Shipping to %(place)s costs %(amount)s.")
            % {**names, "amount": money_format(now.shipping) if now.shipping else _("nothing")}
        )
    return changes


def checkout_price(
    *,
    basket: Basket,
    visitor: Visitor,
    codes: Sequence[str],
    shipping_method: str,
    vouchers: Sequence[VoucherTerms] = (),
) -> PriceResult:
    """The basket priced for this visitor: the figures the checkout page shows."""
    return basket_price(
        lines=[(line.product, line.quantity) for line in basket.lines_for_display()],
        visitor=visitor,
        codes=codes,
        shipping_method=shipping_method,
        vouchers=vouchers,
    )


def order_place(
    *,
    basket: Basket,
    details: CheckoutDetails,
    card: Card,
    idempotency_key: str,
    user=None,
    language: str = "en",
    visitor: Visitor | None = None,
    codes: Sequence[str] = (),
    expected_discount: Decimal | None = None,
    visitor_id: str = "",
) -> Order:
    """Charge the card and turn the basket into an order, all or nothing.

    Stock rows and limited offers are locked for the whole transaction, so two shoppers can
    never buy the same last unit or the last use of a code; the form's token makes a repeated
    submit return the order already placed. Prices are worked out again here: if a discount the
    shopper saw has ended, they are told and nothing is charged. A declined card raises
    PaymentDeclined with nothing written and the basket kept.
    """
    if visitor is None:
        visitor = resolve_visitor(user=user)
    existing = Order.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _place(
                basket, details, card, idempotency_key, user, language,
                visitor, codes, expected_discount, visitor_id,
            )  # fmt: skip
    except IntegrityError:
        # The same form submitted twice at once: the other request placed the order.
        existing = Order.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing


def _place(
    basket, details, card, idempotency_key, user, language, visitor, codes, expected_discount,
    visitor_id,
) -> Order:  # fmt: skip
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

    priced = basket_price(
        lines=[(products[line.product_id], line.quantity) for line in lines],
        visitor=visitor,
        codes=codes,
        shipping_method=details.shipping_method,
        vouchers=vouchers_for_codes(
            codes=codes, user=user, visitor_id=visitor_id, now=timezone.now()
        ),
    )
    if priced.code_problems:
        # A code the shopper entered no longer applies (used up, ended): never drop it silently.
        raise CheckoutError(
            " ".join([*priced.code_problems.values(),
                      _("Nothing was charged: please check your new total.")])
        )  # fmt: skip
    if expected_discount is not None and priced.discount_total != expected_discount:
        raise CheckoutError(
            _("Your discounts changed since you saw them. The new total is %(total)s: "
              "please check it and place the order again.")
            % {"total": money_format(priced.total)}
        )  # fmt: skip
    try:
        offer_uses_check(result=priced, email=details.email, user=user, visitor_id=visitor_id)
    except OfferUnavailable as error:
        raise CheckoutError(
            _("%(problem)s Nothing was charged: please check your new total.") % {"problem": error}
        ) from None
    currency = priced.currency
    total = money_round(priced.total, currency)
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
        shipping_price=priced.shipping,
        subtotal=priced.subtotal,
        discount_total=priced.discount_total,
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
            product=line.product,
            product_name=line.product.name,
            unit_price=line.unit_price,
            quantity=line.quantity,
            discount=line.discount,
            total=line.total,
        )
        for line in priced.lines
    )
    offer_uses_record(order=order, result=priced, user=user)
    for line in lines:
        Product.objects.filter(pk=line.product_id).update(stock=F("stock") - line.quantity)
    order_event_add(order=order, status=OrderStatus.PLACED)
    order_event_add(order=order, status=OrderStatus.PAID)
    basket.lines.all().delete()
    return order


__all__ = ["CheckoutDetails", "CheckoutError", "PaymentDeclined", "order_place"]
