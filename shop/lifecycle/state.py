"""The shop state next-best-action providers share, loaded once per request on first use
(listed in settings.PERSONALIZATION_ACTION_STATE): a fixed number of queries however many
providers read it."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, Q

from personalization.actions.base import ActionContext
from personalization.visitor import Visitor
from shop.basket.models import Basket
from shop.basket.services import basket_for_request_cached
from shop.orders.access import SESSION_KEY as ORDERS_SESSION_KEY
from shop.orders.models import Order, OrderLine

from .models import Review

# Orders older than this suggest nothing any more (a 15 kg sack of food lasts about 4 months).
ORDERS_DAYS = 180
ORDERS_KEPT = 20


def _signed_in(context: ActionContext) -> bool:
    user = context.user
    return user is not None and user.is_authenticated


def orders_recent(visitor: Visitor, context: ActionContext) -> tuple[Order, ...]:
    """The visitor's recent orders, newest first, with lines (and products, categories),
    timeline events and payments: four queries, or none for a visitor without orders."""
    # Most visitors have none: they cost no query and no query building (every home page).
    if _signed_in(context):
        mine = Q(user=context.user)
    else:
        session = getattr(context.request, "session", None)
        numbers = session.get(ORDERS_SESSION_KEY) if session is not None else None
        if not numbers:
            return ()
        mine = Q(number__in=list(numbers))
    orders = Order.objects.filter(
        mine, created_at__gte=context.now - datetime.timedelta(ORDERS_DAYS)
    )
    lines = OrderLine.objects.select_related("product__category")
    return tuple(
        orders.prefetch_related(Prefetch("lines", queryset=lines), "events", "payments")[
            :ORDERS_KEPT
        ]
    )


def basket_current(visitor: Visitor, context: ActionContext) -> Basket | None:
    """The visitor's basket with its lines, or None."""
    if context.request is None or not hasattr(context.request, "session"):
        return None
    basket = basket_for_request_cached(context.request)
    if basket is not None:
        basket.lines_for_display()
    return basket


def products_reviewed(visitor: Visitor, context: ActionContext) -> frozenset[int]:
    """The ids of the products the signed-in customer has reviewed."""
    if not _signed_in(context):
        return frozenset()
    return frozenset(Review.objects.filter(user=context.user).values_list("product_id", flat=True))
