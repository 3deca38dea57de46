from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .services import basket_for_request_cached


def basket(request: HttpRequest) -> dict:
    """The shopper's basket for the header, fetched only if a template reads it, and its
    products' ids (recommendations never offer what is already in the basket)."""
    lazy_basket = SimpleLazyObject(lambda: basket_for_request_cached(request))

    def product_ids() -> frozenset[int]:
        if not lazy_basket:
            return frozenset()
        return frozenset(lazy_basket.lines.values_list("product_id", flat=True))

    return {"basket": lazy_basket, "basket_product_ids": SimpleLazyObject(product_ids)}
