"""Regional offers from `offers.json`: a discount for one region's cat food, rural free
shipping, a Hokkaido winter discount, a buy-2-get-1, a store code and a first-order voucher."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from personalization.models import RegionSet
from shop.catalog.models import Category
from shop.demo.rows import Tally, records_read, upsert, yen
from shop.offers.models import Offer
from shop.stores.models import Store


@dataclass(frozen=True, kw_only=True)
class DemoOffer:
    name: str
    name_ja: str
    kind: str
    value: int = 0
    scope: str = "basket"
    categories: list[str] = field(default_factory=list)  # slugs
    pet_types: list[str] = field(default_factory=list)
    min_subtotal: int | None = None  # whole yen
    regions: list[str] = field(default_factory=list)
    region_sets: list[str] = field(default_factory=list)  # slugs
    code: str = ""
    store: str = ""  # slug: the offer is then for that store only
    usage_limit: int | None = None
    per_customer_limit: int | None = None
    first_order_only: bool = False
    buy_quantity: int = 0
    get_quantity: int = 0
    ends_month_day: list[int] | None = None  # [month, day]: ends on its next occurrence
    priority: int = 100


def offers_load(*, tally: Tally) -> None:
    """Load the offers, keyed on their name, with categories and region sets by slug."""
    now = timezone.localtime()
    for demo in records_read(name="offers", record=DemoOffer):
        ends_at = None
        if demo.ends_month_day:
            month, day = demo.ends_month_day
            year = now.year if (now.month, now.day) < (month, day) else now.year + 1
            ends_at = timezone.make_aware(datetime.datetime(year, month, day, 23, 59))
        offer, outcome = upsert(
            Offer,
            {"name_en": demo.name},
            {
                "name_ja": demo.name_ja,
                "kind": demo.kind,
                "value": Decimal(demo.value),
                "scope": demo.scope,
                "pet_types": list(demo.pet_types),
                "min_subtotal": yen(demo.min_subtotal),
                "regions": list(demo.regions),
                "code": demo.code,
                "store_only": bool(demo.store),
                "store": Store.objects.get(slug=demo.store) if demo.store else None,
                "usage_limit": demo.usage_limit,
                "per_customer_limit": demo.per_customer_limit,
                "first_order_only": demo.first_order_only,
                "buy_quantity": demo.buy_quantity,
                "get_quantity": demo.get_quantity,
                "ends_at": ends_at,
                "priority": demo.priority,
                "is_active": True,
            },
        )
        offer.categories.set(Category.objects.filter(slug__in=demo.categories))
        offer.region_sets.set(RegionSet.objects.filter(slug__in=demo.region_sets))
        tally.add("Offers", outcome)
