from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from shop.money import money_format

from ..images import image_sources
from ..models import ProductImage

register = template.Library()


@register.filter
def money(amount, currency: str | None = None) -> str:
    """{{ product.price|money }} → ¥1,200 (formatted for the active language)."""
    if amount in (None, ""):
        return ""
    try:
        return money_format(Decimal(amount), currency or None)
    except (InvalidOperation, TypeError):
        return ""


@register.inclusion_tag("catalog/partials/_picture.html")
def picture(
    image: ProductImage | None, sizes: str = "100vw", eager: bool = False, css_class: str = ""
) -> dict:
    """A responsive <picture>: WebP and JPEG renditions when made, the original otherwise."""
    return {
        "image": image,
        "sources": image_sources(image) if image else [],
        "sizes": sizes,
        "eager": eager,
        "css_class": css_class,
    }
