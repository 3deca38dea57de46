from __future__ import annotations

import datetime
import zoneinfo

from django import template
from django.conf import settings
from django.utils import timezone

from personalization.decisions import decision

from ..models import Store

register = template.Library()


@register.inclusion_tag("stores/partials/_hours.html", takes_context=True)
def store_hours(context, store: Store) -> dict:
    """Today's hours in the store's time, and in the visitor's when that differs."""
    return _hours(context, store.opens_at, store.closes_at, store.time_zone, store.city)


@register.inclusion_tag("stores/partials/_hours.html", takes_context=True)
def support_hours(context) -> dict:
    """Customer support's hours, the same way."""
    support = settings.SHOP_SUPPORT_HOURS
    return _hours(
        context,
        datetime.time.fromisoformat(support["opens"]),
        datetime.time.fromisoformat(support["closes"]),
        support["time_zone"],
        support["city"],
    )


def _hours(context, opens_at, closes_at, zone_name: str, city: str) -> dict:
    request = context.get("request")
    if not hasattr(request, "visitor"):
        return _hours_today(opens_at, closes_at, zone_name, city, None, timezone.now())
    # A copy: the inclusion tag writes the page's CSRF token into the dict it is given, and the
    # answer is shared with other visitors' pages.
    return dict(
        hours_decided(request, opens_at.isoformat(), closes_at.isoformat(), zone_name, city)
    )


@decision("hours", shared=True)
def hours_decided(request, opens_at: str, closes_at: str, zone_name: str, city: str) -> dict:
    """Today's hours in the visitor's time too: they change with the visitor's zone and, with
    summer time, the date."""
    return _hours_today(
        datetime.time.fromisoformat(opens_at),
        datetime.time.fromisoformat(closes_at),
        zone_name,
        city,
        request.visitor.get("timezone"),
        request.visitor.now,
    )


def _hours_today(
    opens_at, closes_at, zone_name: str, city: str, visitor_zone, now: datetime.datetime
) -> dict:
    zone = zoneinfo.ZoneInfo(zone_name)
    today = now.astimezone(zone).date()
    opens = datetime.datetime.combine(today, opens_at, tzinfo=zone)
    closes = datetime.datetime.combine(today, closes_at, tzinfo=zone)
    local = None
    if visitor_zone and visitor_zone != zone_name:
        theirs = zoneinfo.ZoneInfo(visitor_zone)
        local = {
            "opens": _hhmm(opens.astimezone(theirs)),
            "closes": _hhmm(closes.astimezone(theirs)),
            "zone": visitor_zone,
        }
    return {"city": city, "opens": _hhmm(opens), "closes": _hhmm(closes), "local": local}


def _hhmm(moment: datetime.datetime) -> str:
    # Formatted here: the |time filter would convert to the site's time zone, not this one.
    return moment.strftime("%H:%M")
