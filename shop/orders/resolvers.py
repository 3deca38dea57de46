"""Facts the shop knows about a visitor, contributed to personalization through its resolvers
setting (personalization itself knows nothing about orders)."""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext_lazy as _

from personalization.facts import BOOL, LIST, FactSpec
from personalization.visitor import Builder, Source

from .access import SESSION_KEY
from .models import Order, OrderStatus

HAS_ORDERED = FactSpec(
    name="has_ordered",
    kind=BOOL,
    label=_("Has ordered before"),
    group="account",
    source="the shop's orders (an account's paid orders, or this browser session's)",
    personal=True,
    preview=True,
)


ORDERED_PETS = FactSpec(
    name="ordered_pets",
    kind=LIST,
    label=_("Has bought for"),
    group="account",
    source="the pet types of the products in an account's paid orders, most bought first",
    personal=True,
    operators=(),
)
RECENT_PURCHASES = FactSpec(
    name="recent_purchases",
    kind=LIST,
    label=_("Bought recently"),
    group="account",
    source="the products of an account's latest paid orders (ids, most recent first)",
    personal=True,
    operators=(),
    shown=False,
)
# The latest order lines read for those facts: enough for a pet and "Because you bought …".
LINES_READ = 30


class OrderHistoryResolver:
    def resolve(self, builder: Builder) -> None:
        user = builder.user
        if user is not None and user.is_authenticated:
            # An order whose payment never went through (awaiting, or cancelled unpaid) does not
            # count: a declined card must not cost the shopper their first-order offers.
            # One query for the three facts: the latest counted orders' lines (an order whose
            # products were all deleted still counts as an order: its row has None).
            lines = list(
                Order.objects.filter(user=user)
                .exclude(status=OrderStatus.AWAITING_PAYMENT)
                .exclude(status=OrderStatus.CANCELLED, payment_reference="")
                .order_by("-created_at", "-pk", "lines__pk")
                .values_list("lines__product_id", "lines__product__pet_type")[:LINES_READ]
            )
            builder.add("has_ordered", bool(lines), Source.ACCOUNT)
            products = [pk for pk, _pet in lines if pk is not None]
            pets = Counter(pet for _pk, pet in lines if pet)
            builder.add("ordered_pets", [pet for pet, _n in pets.most_common()] or None,
                        Source.ACCOUNT)  # fmt: skip
            builder.add("recent_purchases", list(dict.fromkeys(products)) or None, Source.ACCOUNT)
        elif builder.request is not None and hasattr(builder.request, "session"):
            # An anonymous visitor who ordered in this browser session; no query needed.
            builder.add(
                "has_ordered", bool(builder.request.session.get(SESSION_KEY)), Source.REQUEST
            )
        else:
            builder.add("has_ordered", False, Source.DEFAULT)
