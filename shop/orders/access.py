"""Who may see an order: its account, the browser that placed or looked it up, or staff allowed
to view orders (not every staff account: editors and merchandisers have no business with a
shopper's name, address and phone)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

from personalization.resolvers.network import client_address
from shop.cache import throttle_uncounted

from .models import Order

SESSION_KEY = "order_numbers"


def order_remember(request: HttpRequest, order: Order) -> None:
    numbers = request.session.get(SESSION_KEY, [])
    if order.number not in numbers:
        request.session[SESSION_KEY] = [*numbers, order.number][-20:]


def order_visible(request: HttpRequest, order: Order) -> bool:
    if request.user.is_authenticated and order.user_id == request.user.pk:
        return True
    if request.user.is_staff and request.user.has_perm("orders.view_order"):
        return True
    return order.number in request.session.get(SESSION_KEY, [])


# The guest look-up is limited by who asks (their real address through our proxies, not the
# session, which a guesser throws away) and by what they ask about (the order number), so that
# neither many sessions nor many addresses get more guesses. Only failed look-ups count.


def _address_key(group: str, request: HttpRequest) -> str:
    return client_address(request)


def _number_key(group: str, request: HttpRequest) -> str:
    return order_number_typed(request)


def order_number_typed(request: HttpRequest) -> str:
    return request.POST.get("number", "").strip().upper()[:20]


def _lookup_usages(request: HttpRequest, *, increment: bool) -> list[dict]:
    limits = settings.SHOP_ORDER_LOOKUP_LIMITS
    keys = [("orders.find.address", _address_key, limits["address"])]
    if order_number_typed(request):
        keys.append(("orders.find.number", _number_key, limits["number"]))
    usages = (
        get_usage(request, group=group, key=key, rate=rate, method="POST", increment=increment)
        for group, key, rate in keys
    )
    return [usage for usage in usages if usage is not None]


class LookupUnavailable(Exception):
    """Failed look-ups cannot be counted now (the shared cache is down)."""


def order_lookup_limited(request: HttpRequest) -> bool:
    """Whether this address, or this order number, has used up its failed look-ups.

    Raises LookupUnavailable when they cannot be counted: behind an order number are a name, an
    address and a phone, so guessing is never let through uncounted (fail closed)."""
    usages = _lookup_usages(request, increment=False)
    if any(throttle_uncounted(usage) for usage in usages):
        raise LookupUnavailable
    return any(u["count"] >= u["limit"] for u in usages)


def order_lookup_failed(request: HttpRequest) -> None:
    """Count a look-up that found nothing against the address and the order number."""
    _lookup_usages(request, increment=True)
