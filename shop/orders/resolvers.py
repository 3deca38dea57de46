"""Facts the shop knows about a visitor, contributed to personalization through its resolvers
setting (personalization itself knows nothing about orders)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from personalization.facts import BOOL, FactSpec
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


class OrderHistoryResolver:
    def resolve(self, builder: Builder) -> None:
        user = builder.user
        if user is not None and user.is_authenticated:
            # An order whose payment never went through (awaiting, or cancelled unpaid) does not
            # count: a declined card must not cost the shopper their first-order offers.
            ordered = (
                Order.objects.filter(user=user)
                .exclude(status=OrderStatus.AWAITING_PAYMENT)
                .exclude(status=OrderStatus.CANCELLED, payment_reference="")
                .exists()
            )
            builder.add("has_ordered", ordered, Source.ACCOUNT)
        elif builder.request is not None and hasattr(builder.request, "session"):
            # An anonymous visitor who ordered in this browser session; no query needed.
            builder.add(
                "has_ordered", bool(builder.request.session.get(SESSION_KEY)), Source.REQUEST
            )
        else:
            builder.add("has_ordered", False, Source.DEFAULT)
