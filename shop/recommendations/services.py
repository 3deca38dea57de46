"""Recommendations: replacing the precomputed tables, and reading them for a page.

Every reader costs one query (the products joined to the precomputed rows, with each card's
picture), leaves out what is inactive, out of stock or excluded (the basket), and gives each
product the reason it is there.
"""

from __future__ import annotations

import io
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.db.models import CharField, Count, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from kernel.snapshot import Snapshot
from shop.catalog.models import Product, ProductImage

from .compute import NeighbourRows, popularity_top
from .models import Build, Neighbour, Popularity

# Fewer products than this in an area's season is too little to call it popular there.
POPULAR_MINIMUM = 4


@dataclass(frozen=True)
class Recommendation:
    product: Product
    # The product the recommendation comes from ("Because you bought …"), when there is one.
    because: Product | None = None


# --- Replacing the tables (nightly) ---------------------------------------------------------


def _locked(name: str) -> Build:
    """The table's build row, locked until the transaction ends: a second rebuild running at
    the same time waits here and then replaces the rows again, instead of interleaving."""
    Build.objects.get_or_create(name=name)
    return Build.objects.select_for_update().get(name=name)


def _copy(table: str, columns: Sequence[str], data: bytes) -> None:
    """Write tab-separated rows with PostgreSQL's COPY: a million rows in seconds."""
    with connection.cursor() as cursor:
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"  # noqa: S608 - our names
        with cursor.cursor.copy(sql) as copy:
            copy.write(data)


def _analyze(table: str) -> None:
    """Fresh planner statistics for a table just replaced: with yesterday's (or none), the
    planner guesses wrong and a block's query reads the whole table instead of a few rows."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")  # noqa: S608 - our table's name


def neighbours_replace(*, rows: NeighbourRows) -> int:
    """Replace every bought-together pair with `rows`, in one transaction (readers see the old
    pairs until it commits). Pairs of products deleted meanwhile are dropped."""
    with transaction.atomic():
        build = _locked("neighbours")
        existing = np.fromiter(Product.objects.values_list("pk", flat=True), dtype=np.int64)
        keep = np.isin(rows.product, existing) & np.isin(rows.neighbour, existing)
        Neighbour.objects.all().delete()
        data = np.column_stack(
            [rows.product[keep], rows.neighbour[keep], rows.score[keep], rows.support[keep]]
        )
        if connection.vendor == "postgresql" and len(data):
            columns = ("product_id", "neighbour_id", "score", "support")
            buffer = io.BytesIO()
            np.savetxt(buffer, data, fmt="%d\t%d\t%.6f\t%d")
            _copy(Neighbour._meta.db_table, columns, buffer.getvalue())
        else:
            Neighbour.objects.bulk_create(
                (
                    Neighbour(
                        product_id=int(p), neighbour_id=int(n), score=float(s), support=int(c)
                    )
                    for p, n, s, c in data
                ),
                batch_size=2000,
            )
        build.built_at, build.rows = timezone.now(), len(data)
        build.save()
    _analyze(Neighbour._meta.db_table)
    return len(data)


def popularity_replace(*, totals: Mapping[tuple[str, str, int], int]) -> int:
    """Replace the popularity table with units by (area, season, product), keeping each area
    and season's best sellers."""
    with transaction.atomic():
        build = _locked("popularity")
        existing = set(Product.objects.values_list("pk", flat=True))
        Popularity.objects.all().delete()
        kept = [
            (area, season, product, units)
            for (area, season, product), units in popularity_top(dict(totals)).items()
            if product in existing and units > 0
        ]
        if connection.vendor == "postgresql" and kept:
            # Areas are codes and slugs: no tab, newline or backslash to escape.
            text = "".join(f"{a}\t{s}\t{p}\t{u}\n" for a, s, p, u in kept)
            columns = ("area", "season", "product_id", "units")
            _copy(Popularity._meta.db_table, columns, text.encode())
        else:
            Popularity.objects.bulk_create(
                (Popularity(area=a, season=s, product_id=p, units=u) for a, s, p, u in kept),
                batch_size=5000,
            )
        build.built_at, build.rows = timezone.now(), len(kept)
        # Saving the build row bumps the areas snapshot for every process.
        build.save()
    _analyze(Popularity._meta.db_table)
    return len(kept)


def _areas_load() -> dict[tuple[str, str], int]:
    return {
        (row["area"], row["season"]): row["n"]
        for row in Popularity.objects.values("area", "season").annotate(n=Count("id"))
    }


# How many products each area has in each season: which area is narrow yet has enough data is
# then decided in memory, and the block's one query reads only that area.
POPULARITY_AREAS: Snapshot[dict[tuple[str, str], int]] = Snapshot(
    "recommendation-areas", load=_areas_load, depends_on=("recommendations.Build",)
)


# --- Reading (one query per block) ----------------------------------------------------------

_IMAGE_FIELDS = ("id", "image", "alt_text", "width", "height", "renditions", "position")


def _with_picture(queryset: QuerySet, column: str) -> QuerySet:
    """Annotate each row with its product's first picture (`column` holds the product's id in
    the queryset's own table), in the same query: no prefetch, a second query.

    Written as SQL: the same subquery built with Subquery(JSONObject(...)) cost Django more to
    compile than the database takes to run the whole block."""
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    pairs = ", ".join(f"'{name}', {connection.ops.quote_name(name)}" for name in _IMAGE_FIELDS)
    build = "json_build_object" if connection.vendor == "postgresql" else "json_object"
    sql = (
        f"SELECT {build}({pairs}) FROM {ProductImage._meta.db_table} "  # noqa: S608 - ours
        f"WHERE product_id = {table}.{connection.ops.quote_name(column)} "
        'ORDER BY "position", id LIMIT 1'
    )
    return queryset.annotate(picture=RawSQL(f"({sql})", (), output_field=CharField()))


def _card(product: Product, row: Any) -> Product:
    """Give a product its picture as the card reads it (`main_image`), from the annotation."""
    values = row.picture
    if isinstance(values, str):  # SQLite hands the subquery's JSON back as text…
        values = json.loads(values)
    if values and isinstance(values.get("renditions"), str):  # …and a JSON column inside it
        values["renditions"] = json.loads(values["renditions"])
    images = [ProductImage(product=product, **values)] if values else []
    product._prefetched_objects_cache = {"images": images}  # type: ignore[attr-defined]
    return product


def _available(queryset: QuerySet, path: str, exclude: Collection[int]) -> QuerySet:
    queryset = queryset.filter(**{f"{path}is_active": True, f"{path}stock__gt": 0})
    if exclude:
        queryset = queryset.exclude(**{f"{path}pk__in": list(exclude)})
    return queryset


def bought_together(
    *, product_ids: Sequence[int], exclude: Collection[int] = (), limit: int = 8
) -> list[Recommendation]:
    """What is most often bought with these products (best pairs first), each with the product
    it goes with. The products themselves are never recommended."""
    if not product_ids:
        return []
    sources = list(dict.fromkeys(product_ids))[:20]
    # A product keeps at most 12 neighbours: the sort reads a few rows per source.
    rows = _with_picture(
        _available(
            Neighbour.objects.filter(product_id__in=sources), "neighbour__", {*exclude, *sources}
        ).select_related("neighbour__category", "product"),
        "neighbour_id",
    ).order_by("-score", "neighbour_id")[: limit * 3]
    found: dict[int, Recommendation] = {}
    for row in rows:
        if row.neighbour_id not in found and len(found) < limit:
            found[row.neighbour_id] = Recommendation(_card(row.neighbour, row), row.product)
    return list(found.values())


def _popular(*, area: str, season: str, exclude: Collection[int], limit: int) -> list[Product]:
    # The index is in this order: the first rows of the area's range, no sort.
    rows = _with_picture(
        _available(
            Popularity.objects.filter(area=area, season=season), "product__", exclude
        ).select_related("product__category"),
        "product_id",
    ).order_by("-units", "product_id")[:limit]
    return [_card(row.product, row) for row in rows]


def popular_area(*, areas: Iterable[str], season: str) -> str | None:
    """The narrowest of `areas` (narrowest first) with enough sales in the season; None when
    not even the whole shop has any."""
    counts = POPULARITY_AREAS.get()
    for area in areas:
        if counts.get((area, season), 0) >= POPULAR_MINIMUM:
            return area
    return "" if counts.get(("", season)) else None


def popular_in(
    *, area: str, season: str, exclude: Collection[int] = (), limit: int = 8
) -> list[Recommendation]:
    """The best sellers of an area in a season."""
    products = _popular(area=area, season=season, exclude=exclude, limit=limit)
    return [Recommendation(product) for product in products]


def pet_best_sellers(
    *, pet: str, exclude: Collection[int] = (), limit: int = 8
) -> list[Recommendation]:
    """The shop's best sellers of the past year for one kind of pet."""
    products = _popular(area=f"pet:{pet}", season="", exclude=exclude, limit=limit)
    return [Recommendation(product) for product in products]


def products_by_id(
    *, product_ids: Sequence[int], exclude: Collection[int] = (), limit: int = 8
) -> list[Recommendation]:
    """These products, in this order, those still available (recently viewed)."""
    wanted = [pk for pk in dict.fromkeys(product_ids) if pk not in exclude][:limit]
    if not wanted:
        return []
    rows = _with_picture(
        _available(Product.objects.filter(pk__in=wanted), "", ()).select_related("category"), "id"
    )
    by_id = {row.pk: _card(row, row) for row in rows}
    return [Recommendation(by_id[pk]) for pk in wanted if pk in by_id]
