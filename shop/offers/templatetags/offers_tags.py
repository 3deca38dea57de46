from __future__ import annotations

from django import template

from shop.stores.nearby import store_near

from ..applicator import ProductPrice, offers_for_visitor, offers_to_show, product_price

register = template.Library()


@register.simple_tag(takes_context=True)
def price_for(context, product) -> ProductPrice:
    """{% price_for product as price %}: this visitor's unit price and offer badges."""
    visitor = getattr(context.get("request"), "visitor", None)
    if visitor is None:
        return ProductPrice(product.price, product.compare_at_price, ())
    return product_price(product, visitor)


@register.inclusion_tag("offers/partials/_strip.html", takes_context=True)
def offers_strip(context, limit: int = 3) -> dict:
    """The offers for the visitor's region, as a strip on home and category pages."""
    request = context.get("request")
    visitor = getattr(request, "visitor", None)
    offers = offers_to_show(visitor) if visitor is not None else []
    return {"offers": offers[:limit], "more": len(offers) > limit, "request": request}


@register.inclusion_tag("offers/partials/_near_you.html", takes_context=True)
def store_near_you(context) -> dict:
    """The nearest store with its hours and store code, else the online offer."""
    request = context.get("request")
    visitor = getattr(request, "visitor", None)
    nearby = store_near(visitor) if visitor is not None else None
    store_codes = []
    online = []
    if visitor is not None:
        for vo in offers_for_visitor(visitor):
            if vo.offer.store_only and nearby and vo.offer.store_id == nearby.store.pk:
                store_codes.append(vo)
            elif not vo.offer.store_only:
                online.append(vo)
    return {"request": request, "nearby": nearby, "store_codes": store_codes,
            "online": online[:1]}  # fmt: skip
