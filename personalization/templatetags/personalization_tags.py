from __future__ import annotations

from django import template

from ..facts import fact_display, location_label

register = template.Library()


@register.filter
def visitor_location(visitor) -> str:
    """{{ request.visitor|visitor_location }} → "Tokyo, Japan"."""
    return location_label(visitor)


@register.filter
def fact(visitor, name: str) -> str:
    """{{ request.visitor|fact:"device" }} → "phone", in the active language."""
    return fact_display(name, visitor.get(name))
