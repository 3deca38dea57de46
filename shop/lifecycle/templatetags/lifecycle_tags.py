from __future__ import annotations

from typing import Any

from django import template

from shop.catalog.models import Product

from ..reviews import reviews_for

register = template.Library()


@register.inclusion_tag("lifecycle/partials/_reviews.html")
def product_reviews(product: Product) -> dict[str, Any]:
    """{% product_reviews product %}: what verified buyers said, newest first."""
    return reviews_for(product)
