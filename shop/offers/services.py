from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from kernel.scheduling import is_live
from personalization.resolvers.network import client_address
from shop.cache import throttle_uncounted
from shop.catalog.models import Product

from .applicator import (
    OfferCatalog,
    PricingContext,
    basket_price,
    code_normalize,
    offers_changed,
)
from .models import Offer, OrderDiscount, PersonalVoucher, customer_key
from .results import PriceResult
from .vouchers import vouchers_for_request

if TYPE_CHECKING:
    # Only for hints: orders sit above offers (checkout records an order's uses through here).
    from shop.orders.models import Order

SESSION_KEY = "voucher_codes"
# Wrong codes one client address may enter before codes are refused, and wrong tries of one
# code that is not a campaign's from anywhere (django-ratelimit's fixed windows): guessing from
# fresh sessions, or from many addresses at one code, gets nowhere, while a popular campaign code
# that many shoppers try outside its region can never be blocked for everyone.
WRONG_CODES_PER_ADDRESS = "10/15m"
WRONG_TRIES_PER_CODE = "30/h"


class CodeRefused(Exception):
    """A code the shopper cannot use, with the reason."""


class OfferUnavailable(Exception):
    """An offer in the basket cannot be used any more (ended, used up); says which."""


def codes_for_request(request: HttpRequest) -> list[str]:
    return list(request.session.get(SESSION_KEY, []))


def _wrong_code_limits(code: str, catalog: OfferCatalog) -> list[dict]:
    limits = [
        {"group": "offers.wrong-codes", "rate": WRONG_CODES_PER_ADDRESS,
         "key": lambda group, request: client_address(request)},
    ]  # fmt: skip
    if code not in catalog.by_code:
        limits.append(
            {"group": "offers.wrong-tries", "rate": WRONG_TRIES_PER_CODE,
             "key": lambda group, request: code}
        )  # fmt: skip
    return limits


def _limit_reached(request: HttpRequest, limit: dict, *, campaign: bool) -> bool:
    """Whether the window's allowance of wrong codes is used up (the next try is refused)."""
    usage = get_usage(request, **limit)
    if throttle_uncounted(usage):
        # The shared cache is down. Campaign codes are public: checking them gives nothing
        # away (fail open). Any other code could be someone's personal voucher, so it waits
        # until wrong tries can be counted again (fail closed).
        if campaign:
            return False
        raise CodeRefused(_("Codes cannot be checked at the moment. Please try again shortly."))
    return usage is not None and usage["count"] >= usage["limit"]


def code_add(
    *,
    request: HttpRequest,
    code: str,
    lines: Sequence[tuple[Product, int]],
    context: PricingContext,
) -> tuple[str, bool]:
    """Check a code against the basket, priced with `context`, and keep it; raises
    CodeRefused with the reason.

    Returns the code and whether it gives a discount on the basket as it is now."""
    code = code_normalize(code)
    if not code or len(code) > 30:
        raise CodeRefused(_("Enter a voucher code."))
    limits = _wrong_code_limits(code, context.catalog)
    campaign = code in context.catalog.by_code
    if any(_limit_reached(request, limit, campaign=campaign) for limit in limits):
        raise CodeRefused(_("Too many wrong codes. Please try again in a few minutes."))
    codes = codes_for_request(request)
    entered = [*codes, code] if code not in codes else codes
    result = basket_price(
        lines=lines,
        context=context,
        codes=entered,
        vouchers=vouchers_for_request(request, entered, context=context),
    )
    problem = result.code_problems.get(code)
    if problem:
        for limit in limits:
            get_usage(request, increment=True, **limit)
        raise CodeRefused(problem)
    request.session[SESSION_KEY] = entered
    return code, any(discount.code == code for discount in result.discounts)


def codes_clear(*, request: HttpRequest) -> None:
    """After an order: its codes were used, the next basket starts without them."""
    request.session.pop(SESSION_KEY, None)


def code_remove(*, request: HttpRequest, code: str) -> None:
    request.session[SESSION_KEY] = [
        c for c in codes_for_request(request) if c != code_normalize(code)
    ]


def offer_uses_check(*, result: PriceResult, email: str, user=None, visitor_id: str = "") -> None:
    """Lock the offers and vouchers an order is about to use and check they still may be used.

    Runs inside the order's transaction: however many shoppers check out at the same moment,
    a code with five uses left is used five times and the others are refused with a reason;
    a personal voucher is used once, by its owner. "Once per customer" counts the account and
    the e-mail address however it is typed (case, `+tag`, dots at Gmail).
    """
    vouchers = PersonalVoucher.objects.select_for_update().in_bulk(
        [d.voucher_id for d in result.discounts if d.voucher_id is not None]
    )
    now = timezone.now()
    for discount in result.discounts:
        voucher = vouchers.get(discount.voucher_id)
        if discount.voucher_id is not None and (
            voucher is None
            or voucher.used_at is not None
            or not is_live(voucher.created_at, voucher.expires_at, now)
            or not voucher.belongs_to(user=user, visitor_id=visitor_id)
        ):
            raise OfferUnavailable(
                _("“%(offer)s” can no longer be used.") % {"offer": discount.sentence}
            )
    locked = Offer.objects.select_for_update().in_bulk(
        [d.offer_id for d in result.discounts if d.offer_id is not None]
    )
    customer = Q(customer_key=customer_key(email))
    if user is not None and user.is_authenticated:
        customer |= Q(customer=user)
    for discount in result.discounts:
        if discount.offer_id is None:
            continue
        offer = locked.get(discount.offer_id)
        names = {"offer": discount.sentence}
        if offer is None or not offer.is_active:
            raise OfferUnavailable(_("“%(offer)s” has just ended.") % names)
        if offer.usage_limit is not None and offer.times_used >= offer.usage_limit:
            raise OfferUnavailable(_("“%(offer)s” has just been used up.") % names)
        if offer.per_customer_limit is not None:
            uses = OrderDiscount.objects.filter(customer, offer=offer).count()
            if uses >= offer.per_customer_limit:
                raise OfferUnavailable(_("You have already used “%(offer)s”.") % names)


def offer_uses_record(*, order: Order, result: PriceResult, user=None) -> None:
    """Keep the discounts on the order (as they were) and count the offers' uses."""
    OrderDiscount.objects.bulk_create(
        OrderDiscount(
            order=order,
            offer_id=d.offer_id,
            voucher_id=d.voucher_id,
            sentence=d.sentence,
            code=d.code,
            amount=d.amount,
            free_shipping=d.free_shipping,
            customer_email=order.email,
            customer_key=customer_key(order.email),
            customer=user if user is not None and user.is_authenticated else None,
        )
        for d in result.discounts
    )
    PersonalVoucher.objects.filter(
        pk__in=[d.voucher_id for d in result.discounts if d.voucher_id is not None]
    ).update(used_at=timezone.now(), order=order)
    used = [d.offer_id for d in result.discounts if d.offer_id is not None]
    Offer.objects.filter(pk__in=used).update(times_used=F("times_used") + 1)
    if Offer.objects.filter(pk__in=used, usage_limit__isnull=False).exists():
        # Use counts of limited offers are part of what pricing checks: tell every worker.
        transaction.on_commit(offers_changed)


def offer_uses_release(*, order: Order) -> None:
    """Give back the uses an order took (its payment failed): the order keeps no discounts."""
    discounts = list(OrderDiscount.objects.filter(order=order).exclude(offer=None))
    used = [d.offer_id for d in discounts if d.offer_id is not None]
    OrderDiscount.objects.filter(order=order).delete()
    # A personal voucher is its owner's again, to use on the next attempt.
    PersonalVoucher.objects.filter(order=order).update(used_at=None, order=None)
    for offer_id in used:
        # One use per discount row, as offer_uses_record counted them; never below zero.
        Offer.objects.filter(pk=offer_id, times_used__gt=0).update(times_used=F("times_used") - 1)
    if Offer.objects.filter(pk__in=used, usage_limit__isnull=False).exists():
        transaction.on_commit(offers_changed)
