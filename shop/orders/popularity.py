"""Regional popularity rebuilt from order lines: what sells where, and in which month.

It reads orders and writes the catalog's `RegionalPopularity` table, so it lives with orders,
above the catalog; the catalog reads the table (`popular_for`) and never imports orders.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from shop.catalog.models import RegionalPopularity
from shop.catalog.snapshots import CATALOG

from .models import OrderLine, OrderStatus


def popularity_rebuild(*, since: datetime.datetime | None = None) -> int:
    """Aggregate units sold by region, country and the whole shop per calendar month.

    Reads order lines of the last year (cancelled orders excluded) in the shop's time zone.
    Returns the number of rows written.
    """
    since = since or timezone.now() - datetime.timedelta(days=365)
    totals: dict[tuple[str, int, int], int] = defaultdict(int)
    lines = (
        OrderLine.objects.filter(order__created_at__gte=since, product__isnull=False)
        .exclude(order__status=OrderStatus.CANCELLED)
        .annotate(month=ExtractMonth("order__created_at"))
        .values("order__region", "order__country", "month", "product_id")
        .annotate(units=Sum("quantity"))
    )
    for row in lines:
        for region in (row["order__region"], row["order__country"], ""):
            totals[(region, row["month"], row["product_id"])] += row["units"]
    with transaction.atomic():
        RegionalPopularity.objects.all().delete()
        RegionalPopularity.objects.bulk_create(
            RegionalPopularity(region=region, month=month, product_id=product, units=units)
            for (region, month, product), units in totals.items()
        )
        CATALOG.bump()  # bulk writes send no signals: "Popular in …" pages change
    return len(totals)
