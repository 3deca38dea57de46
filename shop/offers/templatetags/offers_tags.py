from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

from shop.catalog.models import Product
from shop.stores.nearby import store_near_decided

from ..applicator import ProductPrice, list_prices, request_pricing_context

register = template.Library()


@register.simple_tag(takes_context=True)
def price_for(context: template.Context, product: Product) -> ProductPrice:
    """{% price_for product as price %}: the card's price, as its view priced the listing
    (`product_prices`, from `shop.catalog.listing.listing_prices`)."""
    found: ProductPrice | None = (context.get("product_prices") or {}).get(product.pk)
    if found is not None:
        return found
    request: HttpRequest | None = context.get("request")
    if request is None or not hasattr(request, "visitor"):
        return ProductPrice(product.price, product.compare_at_price, ())
    # A template whose view did not price it: still this request's one pricing context.
    return list_prices([product], request_pricing_context(request))[product.pk]


@register.inclusion_tag("offers/partials/_strip.html", takes_context=True)
def offers_strip(context: template.Context, limit: int = 3) -> dict[str, Any]:
    """The offers for the visitor's region, as a strip on home and category pages."""
    request: HttpRequest | None = context.get("request")
    offers = (
        request_pricing_context(request).to_show
        if request is not None and hasattr(request, "visitor")
        else ()
    )
    return {"offers": offers[:limit], "more": len(offers) > limit, "request": request}


@register.inclusion_tag("offers/partials/_near_you.html", takes_context=True)
def store_near_you(context: template.Context) -> dict[str, Any]:
    """The nearest store with its hours and store code, else the online offer."""
    request: HttpRequest | None = context.get("request")
    visitor = getattr(request, "visitor", None)
    nearby = store_near_decided(request) if request is not None and visitor is not None else None
    store_codes = []
    online = []
    if request is not None and visitor is not None:
        for vo in request_pricing_context(request).offers:
            if vo.offer.store_only and nearby and vo.offer.store_id == nearby.store.pk:
                store_codes.append(vo)
            elif not vo.offer.store_only:
                online.append(vo)
    return {"request": request, "nearby": nearby, "store_codes": store_codes,
            "online": online[:1]}  # fmt: skip
