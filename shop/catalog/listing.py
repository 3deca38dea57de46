"""Prices on product cards.

Pricing sits above the catalogue (it reads products; the catalogue never imports it), so it
registers how a listing is priced from its `AppConfig.ready()`, the way apps register system
checks. A view prices all of its cards in one call and passes the result to its template as
`product_prices`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.http import HttpRequest

from .models import Product

ListingPricer = Callable[[HttpRequest, Iterable[Product]], Mapping[int, Any]]

_pricer: ListingPricer | None = None


def register_listing_pricer(pricer: ListingPricer) -> None:
    """Set the function that prices a listing's products for a request (by product id)."""
    global _pricer
    _pricer = pricer


def listing_prices(request: HttpRequest, products: Iterable[Product]) -> Mapping[int, Any]:
    """Every card's price for this request's visitor, in one call (none without a pricer)."""
    if _pricer is None:
        return {}
    return _pricer(request, products)
