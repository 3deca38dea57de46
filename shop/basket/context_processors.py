from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from personalization.decisions import decision

from .models import Basket
from .services import basket_for_request_cached


def _basket_shown(basket: Basket | None) -> tuple[object, ...] | None:
    # The decision cache never shares a page with a basket (shop/pagecache.py bypasses it):
    # this says what the mini basket shows, for completeness.
    return None if basket is None else (basket.pk, basket.quantity, basket.subtotal)


@decision("basket", key=_basket_shown)
def basket_decided(request: HttpRequest) -> Basket | None:
    """The shopper's basket, as the header shows it."""
    return basket_for_request_cached(request)


def basket(request: HttpRequest) -> dict:
    """The shopper's basket for the header, fetched only if a template reads it, and its
    products' ids (recommendations never offer what is already in the basket)."""
    lazy_basket = SimpleLazyObject(lambda: basket_decided(request))

    def product_ids() -> frozenset[int]:
        if not lazy_basket:
            return frozenset()
        return frozenset(lazy_basket.lines.values_list("product_id", flat=True))

    return {"basket": lazy_basket, "basket_product_ids": SimpleLazyObject(product_ids)}
