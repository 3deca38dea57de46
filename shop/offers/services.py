from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils.translation import gettext as _

from shop.orders.models import Order

from .applicator import basket_price, code_normalize, offers_changed
from .models import Offer, OrderDiscount
from .results import PriceResult

SESSION_KEY = "voucher_codes"
WRONG_CODES_LIMIT = 10
WRONG_CODES_WINDOW = 60  # seconds: ten wrong codes within a minute...
LOCKOUT = 15 * 60  # ...and codes are refused for a quarter of an hour


class CodeRefused(Exception):
    """A code the shopper cannot use, with the reason."""


class OfferUnavailable(Exception):
    """An offer in the basket cannot be used any more (ended, used up); says which."""


def codes_for_request(request: HttpRequest) -> list[str]:
    return list(request.session.get(SESSION_KEY, []))


def _attempts_key(request: HttpRequest) -> str:
    # Per browser session, falling back to the address for clients that drop the cookie.
    who = request.session.session_key or request.META.get("REMOTE_ADDR", "")
    return f"offers:wrong-codes:{who}"


def code_add(*, request: HttpRequest, code: str, lines, visitor) -> tuple[str, bool]:
    """Check a code against the basket and keep it; raises CodeRefused with the reason.

    Returns the code and whether it gives a discount on the basket as it is now."""
    code = code_normalize(code)
    if not code or len(code) > 30:
        raise CodeRefused(_("Enter a voucher code."))
    key = _attempts_key(request)
    attempts = cache.get(key, 0)
    if attempts >= WRONG_CODES_LIMIT:
        raise CodeRefused(_("Too many wrong codes. Please try again in a few minutes."))
    result = basket_price(lines=lines, visitor=visitor, codes=[code])
    problem = result.code_problems.get(code)
    if problem:
        locked_out = attempts + 1 >= WRONG_CODES_LIMIT
        cache.set(key, attempts + 1, LOCKOUT if locked_out else WRONG_CODES_WINDOW)
        raise CodeRefused(problem)
    codes = codes_for_request(request)
    if code not in codes:
        request.session[SESSION_KEY] = [*codes, code]
    return code, any(discount.code == code for discount in result.discounts)


def codes_clear(*, request: HttpRequest) -> None:
    """After an order: its codes were used, the next basket starts without them."""
    request.session.pop(SESSION_KEY, None)


def code_remove(*, request: HttpRequest, code: str) -> None:
    request.session[SESSION_KEY] = [
        c for c in codes_for_request(request) if c != code_normalize(code)
    ]


def offer_uses_check(*, result: PriceResult, email: str) -> None:
    """Lock the offers an order is about to use and check they still may be used.

    Runs inside the order's transaction: however many shoppers check out at the same moment,
    a code with five uses left is used five times and the others are refused with a reason.
    """
    locked = Offer.objects.select_for_update().in_bulk([d.offer_id for d in result.discounts])
    for discount in result.discounts:
        offer = locked.get(discount.offer_id)
        names = {"offer": discount.sentence}
        if offer is None or not offer.is_active:
            raise OfferUnavailable(_("“%(offer)s” has just ended.") % names)
        if offer.usage_limit is not None and offer.times_used >= offer.usage_limit:
            raise OfferUnavailable(_("“%(offer)s” has just been used up.") % names)
        if offer.per_customer_limit is not None:
            uses = OrderDiscount.objects.filter(offer=offer, customer_email__iexact=email).count()
            if uses >= offer.per_customer_limit:
                raise OfferUnavailable(_("You have already used “%(offer)s”.") % names)


def offer_uses_record(*, order: Order, result: PriceResult, user=None) -> None:
    """Keep the discounts on the order (as they were) and count the offers' uses."""
    OrderDiscount.objects.bulk_create(
        OrderDiscount(
            order=order,
            offer_id=d.offer_id,
            sentence=d.sentence,
            code=d.code,
            amount=d.amount,
            free_shipping=d.free_shipping,
            customer_email=order.email,
            customer=user if user is not None and user.is_authenticated else None,
        )
        for d in result.discounts
    )
    used = [d.offer_id for d in result.discounts]
    Offer.objects.filter(pk__in=used).update(times_used=F("times_used") + 1)
    if Offer.objects.filter(pk__in=used, usage_limit__isnull=False).exists():
        # Use counts of limited offers are part of what pricing checks: tell every worker.
        transaction.on_commit(offers_changed)


def offer_uses_release(*, order: Order) -> None:
    """Give back the uses an order took (its payment failed): the order keeps no discounts."""
    discounts = list(OrderDiscount.objects.filter(order=order).exclude(offer=None))
    used = [d.offer_id for d in discounts]
    OrderDiscount.objects.filter(order=order).delete()
    for offer_id in used:
        # One use per discount row, as offer_uses_record counted them; never below zero.
        Offer.objects.filter(pk=offer_id, times_used__gt=0).update(times_used=F("times_used") - 1)
    if Offer.objects.filter(pk__in=used, usage_limit__isnull=False).exists():
        transaction.on_commit(offers_changed)
