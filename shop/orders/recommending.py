"""What orders teach the recommendations, rebuilt nightly: bought-together pairs and what sells
where in which season.

It reads orders, so it lives here, above the recommendations app: it turns order lines into
plain arrays and rows, and the recommendations app computes (`compute.py`) and stores them.
"""

from __future__ import annotations

import datetime

import numpy as np
from django.db import connection
from django.db.models import QuerySet, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from personalization.models import RegionSet
from shop.recommendations.compute import neighbours_compute, popularity_compute
from shop.recommendations.seasons import shopping_season
from shop.recommendations.services import neighbours_replace, popularity_replace

from .models import OrderLine, OrderStatus

# A year of orders: every season once, and last year's fashions fade out.
HISTORY_DAYS = 365


def _counted_lines(since: datetime.datetime | None) -> QuerySet[OrderLine]:
    """Lines of orders that were paid (cancelled and unpaid ones teach nothing)."""
    since = since or timezone.now() - datetime.timedelta(days=HISTORY_DAYS)
    return OrderLine.objects.filter(order__created_at__gte=since, product__isnull=False).exclude(
        order__status__in=[OrderStatus.CANCELLED, OrderStatus.AWAITING_PAYMENT]
    )


def neighbours_rebuild(*, since: datetime.datetime | None = None) -> int:
    """Recompute "bought together" from the orders; returns the pairs stored."""
    sql, params = (
        _counted_lines(since).values_list("order_id", "product_id").query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        lines = np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 2)
    return neighbours_replace(rows=neighbours_compute(lines[:, 0], lines[:, 1]))


def popularity_rebuild(*, since: datetime.datetime | None = None) -> int:
    """Recompute units sold by area and the buyer's shopping season; returns rows stored."""
    sets = RegionSet.objects.cached()
    rows = (
        _counted_lines(since)
        .annotate(month=ExtractMonth("order__created_at"))
        .values_list("order__region", "order__country", "month", "product_id", "product__pet_type")
        .annotate(units=Sum("quantity"))
        .order_by()
    )
    areas_of: dict[tuple[str, str], list[str]] = {}

    def sales():
        for region, country, month, product, pet, units in rows.iterator(chunk_size=20_000):
            areas = areas_of.get((region, country))
            if areas is None:
                in_sets = [
                    f"set:{s.slug}" for s in sets if s.contains(country=country, region=region)
                ]
                areas = areas_of[(region, country)] = [
                    *dict.fromkeys(a for a in (region, *in_sets, country) if a),
                    "",
                ]
            season = shopping_season(month, country=country, region=region)
            yield areas, season, product, units, pet

    return popularity_replace(totals=popularity_compute(sales()))


def recommendations_rebuild() -> dict[str, int]:
    """The nightly rebuild of every precomputed recommendation."""
    return {"neighbours": neighbours_rebuild(), "popularity": popularity_rebuild()}
