from __future__ import annotations

from django import template
from django.template.loader import render_to_string

from ..facts import fact_display, location_label
from ..slots import slot_decide

register = template.Library()


@register.filter
def visitor_location(visitor) -> str:
    """{{ request.visitor|visitor_location }} → "Tokyo, Japan"."""
    return location_label(visitor)


@register.filter
def fact(visitor, name: str) -> str:
    """{{ request.visitor|fact:"device" }} → "phone", in the active language."""
    return fact_display(name, visitor.get(name))


@register.simple_tag(takes_context=True)
def slot(context, key: str) -> str:
    """{% slot "home-hero" %}: the slot's variant for this visitor, with its "why" link."""
    request = context.get("request")
    visitor = getattr(request, "visitor", None)
    if visitor is None:
        return ""
    decision = slot_decide(key, visitor)
    if decision is None or decision.variant is None:
        return ""
    return render_to_string(
        f"personalization/slots/{decision.slot.kind}.html",
        {"decision": decision, "variant": decision.variant, "slot": decision.slot},
        request=request,
    )
