from __future__ import annotations

import zoneinfo

from django import template
from django.utils import timezone

from ..models import Store

register = template.Library()


@register.inclusion_tag("stores/partials/_hours.html", takes_context=True)
def store_hours(context, store: Store) -> dict:
    """Today's hours in the store's time, and in the visitor's when that differs."""
    request = context.get("request")
    visitor = getattr(request, "visitor", None)
    store_zone = zoneinfo.ZoneInfo(store.time_zone)
    today = timezone.now().astimezone(store_zone).date()
    opens, closes = store.hours_on(today)
    visitor_zone_name = visitor.get("timezone") if visitor is not None else None
    local = None
    if visitor_zone_name and visitor_zone_name != store.time_zone:
        zone = zoneinfo.ZoneInfo(visitor_zone_name)
        local = {"opens": _hhmm(opens.astimezone(zone)), "closes": _hhmm(closes.astimezone(zone)),
                 "zone": visitor_zone_name}  # fmt: skip
    return {"store": store, "opens": _hhmm(opens), "closes": _hhmm(closes), "local": local}


def _hhmm(moment) -> str:
    # Formatted here: the |time filter would convert to the site's time zone, not this one.
    return moment.strftime("%H:%M")
