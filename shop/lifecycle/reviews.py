"""Reviews by verified buyers: only a customer whose order with the product has been paid
may rate it, once."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils.translation import gettext as _

from shop.catalog.models import Product
from shop.orders.models import OrderLine, OrderStatus

from .models import Review

BOUGHT = (OrderStatus.PAID, OrderStatus.PACKED, OrderStatus.SHIPPED, OrderStatus.DELIVERED)
SHOWN = 20


class ReviewRefused(Exception):
    """A review we cannot take, with the reason for the customer."""


def has_bought(*, user: Any, product: Product) -> bool:
    return OrderLine.objects.filter(
        order__user=user, order__status__in=BOUGHT, product=product
    ).exists()


def review_add(
    *, user: Any, product: Product, rating: int, comment: str, author_name: str
) -> Review:
    """Keep a verified buyer's review; raises ReviewRefused (and keeps nothing) otherwise."""
    if not has_bought(user=user, product=product):
        raise ReviewRefused(_("Only customers who bought this product can review it."))
    try:
        with transaction.atomic():
            return Review.objects.create(
                user=user, product=product, rating=rating, comment=comment,
                author_name=author_name,
            )  # fmt: skip
    except IntegrityError:
        raise ReviewRefused(_("You have already reviewed this product.")) from None


def reviews_for(product: Product) -> dict[str, Any]:
    """The product's newest reviews and their average (two queries)."""
    reviews = Review.objects.filter(product=product)
    summary = reviews.aggregate(average=Avg("rating"), count=Count("id"))
    return {
        "reviews": list(reviews[:SHOWN]),
        "average": summary["average"],
        "count": summary["count"],
    }
