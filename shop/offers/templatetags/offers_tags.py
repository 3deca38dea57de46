from __future__ import annotations

from django import template

from ..applicator import ProductPrice, offers_for_visitor, product_price

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
    offers = (
        [vo for vo in offers_for_visitor(visitor) if not vo.offer.store_only] if visitor else []
    )
    return {"offers": offers[:limit], "more": len(offers) > limit, "request": request}
