"""Placing an order: the order is written first, the money is taken after the commit.

`order_place` locks stock and limited offers in one short transaction, writes the order as
awaiting payment with a `Payment` row, and commits. Only then does it talk to the payment
provider: create an intent under the checkout's idempotency key, confirm it with the shopper's
payment method token, capture it, and mark the order paid in a second transaction. A declined
card cancels the order and gives back its stock and offer uses; anything that breaks in between
(a lost database connection, a provider timeout) leaves rows that
`shop.checkout.reconciliation.payments_reconcile` settles.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kernel.money import money_format, money_round
from personalization.experiments.events import EventKind, record
from personalization.visitor import Visitor, resolve_visitor
from shop.basket.models import Basket
from shop.catalog.models import Product
from shop.catalog.snapshots import CATALOG
from shop.offers.applicator import basket_price, offers_load, offers_recheck, pricing_context
from shop.offers.results import PriceResult, VoucherTerms
from shop.offers.services import (
    OfferUnavailable,
    offer_uses_check,
    offer_uses_record,
    offer_uses_release,
)
from shop.offers.shipping import SHIPPING_METHODS
from shop.offers.vouchers import vouchers_for_codes
from shop.orders.models import Order, OrderLine, OrderStatus
from shop.orders.services import order_event_add, order_status_set

from .models import Payment, PaymentStatus
from .payments import (
    IntentStatus,
    PaymentDeclined,
    PaymentProvider,
    PaymentProviderError,
    payment_provider,
)

logger = logging.getLogger(__name__)

TOKEN_SALT = "checkout"
TOKEN_MAX_AGE = 24 * 60 * 60  # a checkout page left open for a day must be looked at again


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


def checkout_expired_message() -> str:
    return _("This checkout page has expired. Please check your order and place it again.")


def checkout_prices(
    *,
    basket: Basket,
    visitor: Visitor,
    codes: Sequence[str],
    vouchers: Sequence[VoucherTerms] = (),
) -> dict[str, PriceResult]:
    """The basket priced for this visitor with each delivery method: the figures the checkout
    page shows. What pricing reads is fetched once for all of them."""
    context = pricing_context(visitor)
    lines = [(line.product, line.quantity) for line in basket.lines_for_display()]
    return {
        method: basket_price(
            lines=lines, context=context, codes=codes, shipping_method=method, vouchers=vouchers
        )
        for method in SHIPPING_METHODS
    }


def checkout_token_new(*, basket: Basket) -> str:
    """A one-time token for a checkout page, signed and bound to the basket it shows."""
    return signing.dumps(
        {"basket": basket.pk, "nonce": secrets.token_urlsafe(16)}, salt=TOKEN_SALT, compress=True
    )


def checkout_token_key(*, token: str, basket: Basket | None) -> str | None:
    """The idempotency key of a page's token, or None unless it was made for this basket."""
    if basket is None or not token:
        return None
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except (signing.BadSignature, ValueError):
        # ValueError: text that cannot even be encoded (lone surrogates) was never our token.
        return None
    if not isinstance(data, dict) or data.get("basket") != basket.pk:
        return None
    return hashlib.sha256(f"{basket.pk}:{data.get('nonce')}".encode()).hexdigest()


def checkout_order_placed(*, token: str, basket: Basket | None) -> Order | None:
    """The order a checkout page already placed from this basket (a double submit), if any."""
    key = checkout_token_key(token=token, basket=basket)
    if key is None or basket is None:
        return None
    order = _order_existing(key, basket)
    if order is None or order.status == OrderStatus.CANCELLED:
        return None
    return order


def _order_existing(idempotency_key: str, basket: Basket) -> Order | None:
    # Only an order made from the same basket: a token or key replayed elsewhere finds nothing.
    return Order.objects.filter(
        idempotency_key=idempotency_key, payments__basket_id=basket.pk
    ).first()


def _order_again(order: Order) -> Order:
    if order.status == OrderStatus.CANCELLED:
        # The page whose payment failed was sent again: it is spent, the shopper starts afresh.
        raise CheckoutError(checkout_expired_message())
    return order


def order_place(
    *,
    basket: Basket,
    details: CheckoutDetails,
    payment_method: str,
    idempotency_key: str,
    user=None,
    language: str = "en",
    visitor: Visitor | None = None,
    codes: Sequence[str] = (),
    expected_discount: Decimal | None = None,
    visitor_id: str = "",
) -> Order:
    """Turn the basket into an order, then take the money for it.

    Stock rows and limited offers are locked only while the order is written, so two shoppers
    can never buy the same last unit or the last use of a code; the card is charged after that
    transaction committed, never while it holds locks. The form's token makes a repeated submit
    return the order already placed. Prices are worked out again: if a discount the shopper saw
    has ended, they are told and nothing is charged. A declined card cancels the order, gives
    back stock and offer uses, keeps the basket and raises PaymentDeclined. If the provider gives
    no answer, the order is returned awaiting payment and reconciliation settles it.
    `payment_method` is the provider's opaque token: this code never sees card data.
    """
    if visitor is None:
        visitor = resolve_visitor(user=user)
    existing = _order_existing(idempotency_key, basket)
    if existing is not None:
        return _order_again(existing)
    provider = payment_provider()
    try:
        with transaction.atomic(durable=True):
            order, payment = _place(
                basket, details, idempotency_key, user, language,
                visitor, codes, expected_discount, provider, visitor_id,
            )  # fmt: skip
    except IntegrityError:
        # The same form submitted twice at once: the other request placed the order.
        existing = _order_existing(idempotency_key, basket)
        if existing is None:
            raise CheckoutError(checkout_expired_message()) from None
        return _order_again(existing)
    if payment is None:
        return _order_again(order)
    order = _pay(provider=provider, order=order, payment=payment,
                 payment_method=payment_method, basket=basket)  # fmt: skip
    if order.status == OrderStatus.PAID:
        _experiments_record_order(visitor=visitor, order=order)
    return order


def _experiments_record_order(*, visitor: Visitor, order: Order) -> None:
    """Count a paid order for the experiments the shopper takes part in, with its margin when
    every product has a cost price."""
    lines = list(order.lines.select_related("product"))
    costs = [line.product.cost_price for line in lines if line.product is not None]
    margin = None
    if lines and len(costs) == len(lines) and None not in costs:
        revenue = sum((line.total for line in lines), Decimal(0))
        margin = revenue - sum(
            ((cost or Decimal(0)) * line.quantity for cost, line in zip(costs, lines, strict=True)),
            Decimal(0),
        )
    record(visitor, EventKind.ORDER, value=order.total, margin=margin, order_id=order.number)


def _place(
    basket, details, idempotency_key, user, language, visitor, codes, expected_discount, provider,
    visitor_id,
) -> tuple[Order, Payment | None]:  # fmt: skip
    lines = list(basket.lines.order_by("product_id"))
    if not lines:
        raise CheckoutError(_("Your basket is empty."))
    products = Product.objects.select_for_update().in_bulk(
        [line.product_id for line in lines], field_name="pk"
    )
    # Locks taken: a twin request that waited on them sees the order it is waiting for.
    existing = _order_existing(idempotency_key, basket)
    if existing is not None:
        return existing, None
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

    priced = _price_checked(
        lines=lines, products=products, visitor=visitor, codes=codes, details=details,
        expected_discount=expected_discount, user=user, visitor_id=visitor_id,
    )  # fmt: skip
    currency = priced.currency
    total = money_round(priced.total, currency)
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
        status=OrderStatus.AWAITING_PAYMENT,
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
    CATALOG.bump()  # update() sends no signal: pages showing this stock change
    order_event_add(order=order, status=OrderStatus.AWAITING_PAYMENT)
    payment = Payment.objects.create(
        order=order,
        provider=provider.name,
        idempotency_key=idempotency_key,
        basket_id=basket.pk,
        amount=total,
        currency=currency,
    )
    return order, payment


def _price_checked(
    *, lines, products, visitor, codes, details, expected_discount, user, visitor_id
) -> PriceResult:
    """Price the locked basket again and check its offers may still be used, or raise.

    With offers read from the database in this transaction, not the process's snapshot: a worker
    that missed a change (its bump lost in a Redis outage) must not charge the old price."""
    context = pricing_context(visitor, catalog=offers_load())
    priced = basket_price(
        lines=[(products[line.product_id], line.quantity) for line in lines],
        context=context,
        codes=codes,
        shipping_method=details.shipping_method,
        vouchers=vouchers_for_codes(
            codes=codes, user=user, visitor_id=visitor_id, catalog=context.catalog, now=context.now
        ),
    )
    if priced.code_problems:
        # A code the shopper entered no longer applies (used up, ended): never drop it silently.
        raise CheckoutError(
            " ".join([*priced.code_problems.values(),
                      _("Nothing was charged: please check your new total.")])
        )  # fmt: skip
    if expected_discount is not None and priced.discount_total != expected_discount:
        offers_recheck()  # what the shopper saw may come from this process's outdated offers
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
    return priced


def _pay(
    *,
    provider: PaymentProvider,
    order: Order,
    payment: Payment,
    payment_method: str,
    basket: Basket,
) -> Order:
    """Take the money for an order already committed; each step is recorded as it happens."""
    try:
        intent = provider.create_intent(
            amount=payment.amount,
            currency=payment.currency,
            idempotency_key=payment.idempotency_key,
            description=f"Storefront {order.number}",
        )
        payment_record(payment=payment, intent_id=intent.id)
        provider.confirm(intent_id=intent.id, payment_method=payment_method)
        payment_record(payment=payment, status=PaymentStatus.AUTHORIZED)
        provider.capture(intent_id=intent.id)
    except PaymentDeclined as declined:
        order_payment_failed(provider=provider, payment=payment, error=str(declined), notify=False)
        raise
    except PaymentProviderError as error:
        # No answer: the money may or may not be taken. The order waits, reconciliation
        # settles it (paid, or cancelled and released), and the customer gets an e-mail.
        logger.warning("Payment of order %s is unsettled: %s", order.number, error)
        payment_record(payment=payment, error=str(error))
        basket.lines.all().delete()
        return order
    return order_payment_captured(provider=provider, payment=payment, basket=basket)


def payment_record(
    *, payment: Payment, intent_id: str = "", status: str = "", error: str = ""
) -> None:
    """Write down a step of a payment at once, outside any transaction (autocommit)."""
    changes = {}
    if intent_id:
        payment.intent_id = changes["intent_id"] = intent_id
    if status:
        payment.status = changes["status"] = status
    if error:
        payment.last_error = changes["last_error"] = error[:300]
    Payment.objects.filter(pk=payment.pk).update(**changes, updated_at=timezone.now())


def order_payment_captured(
    *, provider: PaymentProvider, payment: Payment, basket: Basket | None = None
) -> Order:
    """The money is taken: mark the payment captured and its order paid, exactly once.

    An order cancelled meanwhile (staff, or reconciliation after a long wait) is not revived:
    its money goes back.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=payment.order_id)
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if order.status == OrderStatus.AWAITING_PAYMENT:
            order.status = OrderStatus.PAID
            order.payment_reference = locked.intent_id
            order.save(update_fields=["status", "payment_reference"])
            order_event_add(order=order, status=OrderStatus.PLACED)
            order_event_add(order=order, status=OrderStatus.PAID)
            if basket is not None:
                basket.lines.all().delete()
        refund = order.status == OrderStatus.CANCELLED and locked.status != PaymentStatus.REFUNDED
        if not refund and locked.status != PaymentStatus.CAPTURED:
            locked.status = PaymentStatus.CAPTURED
            locked.save(update_fields=["status", "updated_at"])
    if refund:
        provider.refund(intent_id=locked.intent_id)
        payment_record(payment=locked, status=PaymentStatus.REFUNDED, error="order cancelled")
    payment.status = locked.status
    return order


def order_payment_failed(
    *,
    provider: PaymentProvider,
    payment: Payment,
    error: str,
    status: str = PaymentStatus.FAILED,
    notify: bool = True,
) -> None:
    """The order will not be paid: release any money held, cancel it, give back stock and
    offer uses, and mark the payment. Safe to run again at any point."""
    unpaid = (OrderStatus.AWAITING_PAYMENT, OrderStatus.CANCELLED)
    if Order.objects.filter(pk=payment.order_id).exclude(status__in=unpaid).exists():
        return  # paid by the other path meanwhile: its money stays
    if payment.intent_id:
        _intent_release(provider, payment.intent_id)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=payment.order_id)
        if order.status == OrderStatus.AWAITING_PAYMENT:
            with translation.override(order.language):
                note = _("payment failed")
            order_status_set(order=order, status=OrderStatus.CANCELLED, note=note, notify=notify)
            offer_uses_release(order=order)
        Payment.objects.filter(pk=payment.pk).update(
            status=status, last_error=error[:300], updated_at=timezone.now()
        )
    payment.status = status


def _intent_release(provider: PaymentProvider, intent_id: str) -> str:
    """Void what is held, refund what was taken; returns what the intent is now."""
    intent = provider.retrieve(intent_id=intent_id)
    if intent.status == IntentStatus.CAPTURED:
        return provider.refund(intent_id=intent_id).status
    if intent.status in (IntentStatus.AUTHORIZED, IntentStatus.REQUIRES_CONFIRMATION):
        return provider.void(intent_id=intent_id).status
    return intent.status


__all__ = ["CheckoutDetails", "CheckoutError", "PaymentDeclined", "order_place"]
