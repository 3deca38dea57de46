"""When an order should arrive: a plain estimate from the shipping method and where it goes.

Rural areas (the region sets an editor marks rural) take a day longer, islands two, and the
clock starts when the parcel leaves (or, before that, a day after payment for packing). The
estimate is a calendar date in the delivery region's time zone; couriers deliver every day."""

from __future__ import annotations

import datetime
import zoneinfo

from kernel.regions import time_zone_for
from personalization.models import region_sets_containing
from shop.offers.shipping import ShippingMethodCode

from .models import Order, OrderStatus

# Days on the road once shipped, by method.
TRANSIT_DAYS: dict[str, int] = {ShippingMethodCode.STANDARD: 2, ShippingMethodCode.EXPRESS: 1}
PACKING_DAYS = 1
RURAL_EXTRA_DAYS = 1
ISLAND_EXTRA_DAYS = 2
# Islands reached by boat or plane: whole regions, and postal-code prefixes inside others
# (Tokyo's Izu and Ogasawara islands; Scotland's Western Isles, Orkney and Shetland).
ISLAND_REGIONS = {"JP-47"}
ISLAND_POSTAL_PREFIXES = {"JP": ("100-1", "100-2"), "GB": ("HS", "KW", "ZE")}


def is_island(*, country: str, region: str, postal_code: str) -> bool:
    if region in ISLAND_REGIONS:
        return True
    postal = postal_code.strip().upper()
    return bool(postal) and postal.startswith(ISLAND_POSTAL_PREFIXES.get(country, ()))


def is_rural(*, country: str, region: str, postal_code: str) -> bool:
    """Whether an address lies in a rural region set (held per process: no query)."""
    found = region_sets_containing(country=country, region=region, postal_code=postal_code)
    return any(s.is_rural for s in found)


def transit_days(*, method: str, country: str, region: str, postal_code: str) -> int:
    """Days from dispatch to the door for a method and an address."""
    days = TRANSIT_DAYS.get(method, TRANSIT_DAYS[ShippingMethodCode.STANDARD])
    place = {"country": country, "region": region, "postal_code": postal_code}
    if is_island(**place):
        days += ISLAND_EXTRA_DAYS
    elif is_rural(**place):
        days += RURAL_EXTRA_DAYS
    return days


def delivery_estimate(order: Order) -> datetime.date | None:
    """The date the order should arrive, in its region's time; None once it has arrived, was
    cancelled, or is not paid yet. Reads the order's events (prefetch them for many orders)."""
    if order.status not in (OrderStatus.PAID, OrderStatus.PACKED, OrderStatus.SHIPPED):
        return None
    events = {event.status: event.created_at for event in order.events.all()}
    shipped = events.get(OrderStatus.SHIPPED)
    if shipped is not None:
        start, extra = shipped, 0
    else:
        start = events.get(OrderStatus.PAID) or order.created_at
        extra = PACKING_DAYS
    zone = zoneinfo.ZoneInfo(time_zone_for(order.country, order.region) or "Asia/Tokyo")
    days = extra + transit_days(
        method=order.shipping_method,
        country=order.country,
        region=order.region,
        postal_code=order.postal_code,
    )
    return start.astimezone(zone).date() + datetime.timedelta(days=days)
