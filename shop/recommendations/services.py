"""Recommendations: replacing the precomputed tables, and reading them for a page.

Every reader costs one query (the products joined to the precomputed rows, with each card's
picture), leaves out what is inactive, out of stock or excluded (the basket), and gives each
product the reason it is there.
"""

from __future__ import annotations

import functools
import io
import json
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Model
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname

from kernel.snapshot import Snapshot
from shop.catalog.models import Category, Product, ProductImage

from .compute import POPULAR_KEPT, NeighbourRows, popularity_top
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
#
# A block's query is one of three shapes (bought together, an area's best sellers, products by
# id), written as SQL once per process and run through the connection's cursor: the ORM would
# compile the same statement again on every page, and build every joined row as a model
# instance, which costs several times what the database takes to run it. Each row becomes the
# card's product straight away (`Model.from_db`, as the ORM does, with the database's own
# converters): only what a card reads is loaded, like `.only()`, and the product's names in
# every language, so that `product.name` is the one the product page shows in the active
# language. Stock and "active" are read by the same query: never a stale answer.

# What a card reads of its product: its link, its names, what pricing reads (price, former
# price, pet type, category and the category's parent), and what the add-to-basket form reads.
_CARD_FIELDS = ("id", "slug", "category_id", "price", "compare_at_price", "stock", "pet_type",
                "is_active")  # fmt: skip
_IMAGE_FIELDS = ("id", "image", "alt_text", "width", "height", "renditions", "position")


def _names() -> tuple[str, ...]:
    """The product's name in every language (`name_en`, `name_ja`), its translated columns."""
    return tuple(build_localized_fieldname("name", code) for code, _label in settings.LANGUAGES)


@dataclass(frozen=True)
class _Loaded:
    """Columns of one model read from a row: their SQL, and how they become an instance."""

    model: type[Model]
    attnames: tuple[str, ...]  # in the model's field order, as `from_db` takes them
    columns: str  # the select list, for the table's alias
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]

    @classmethod
    def of(cls, model: type[Model], alias: str, wanted: Iterable[str]) -> _Loaded:
        wanted = set(wanted)
        fields = [f for f in model._meta.concrete_fields if f.attname in wanted]
        quote = connection.ops.quote_name
        converters = []
        for index, field in enumerate(fields):
            column = field.get_col(alias)
            found = tuple(
                connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            )
            if found:
                converters.append((index, found, column))
        return cls(
            model,
            tuple(f.attname for f in fields),
            ", ".join(f"{alias}.{quote(cast(str, f.column))}" for f in fields),
            tuple(converters),
        )

    def build(self, values: list[Any]) -> Any:
        for index, found, column in self.converters:
            for converter in found:
                values[index] = converter(values[index], column, connection)
        return self.model.from_db(connection.alias, self.attnames, values)


@dataclass(frozen=True)
class _Shapes:
    product: _Loaded  # the card's product
    category: _Loaded  # its category, as pricing reads it
    because: _Loaded  # the product a recommendation comes from: its names
    cards: str  # the select list of a card: product, category, picture
    joins: str  # from the card's product to its category
    available: str  # what a card may show: active, in stock


@functools.cache
def _shapes(vendor: str) -> _Shapes:
    """The SQL of the cards, once per process (and database vendor)."""
    quote = connection.ops.quote_name
    product = _Loaded.of(Product, "p", (*_CARD_FIELDS, *_names()))
    category = _Loaded.of(Category, "c", ("id", "parent_id"))
    because = _Loaded.of(Product, "s", ("id", *_names()))
    pairs = ", ".join(f"'{name}', i.{quote(name)}" for name in _IMAGE_FIELDS)
    build = "json_build_object" if vendor == "postgresql" else "json_object"
    # The product's first picture, in the same statement: no prefetch, no second query.
    picture = (
        f"(SELECT {build}({pairs}) FROM {quote(ProductImage._meta.db_table)} i "
        f'WHERE i.product_id = p.id ORDER BY i."position", i.id LIMIT 1)'
    )
    return _Shapes(
        product=product,
        category=category,
        because=because,
        cards=f"{product.columns}, {category.columns}, {picture}",
        joins=(f"JOIN {quote(Category._meta.db_table)} c ON c.id = p.{quote('category_id')}"),
        available=f"p.{quote('is_active')} AND p.{quote('stock')} > 0",
    )


def _in(column: str, values: Collection[int]) -> tuple[str, list[Any]]:
    """`column` is one of `values`: one array parameter on PostgreSQL (one statement whatever
    their number), else a list of parameters."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(values)]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def _rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _card(shapes: _Shapes, row: Sequence[Any]) -> Product:
    """A card's product from its row: with its category, and its picture as the card reads it
    (`main_image`)."""
    size = len(shapes.product.attnames)
    product: Product = shapes.product.build(list(row[:size]))
    end = size + len(shapes.category.attnames)
    product._state.fields_cache["category"] = shapes.category.build(list(row[size:end]))
    values = row[end]  # the picture
    if isinstance(values, str):  # SQLite hands the subquery's JSON back as text…
        values = json.loads(values)
    if values and isinstance(values.get("renditions"), str):  # …and a JSON column inside it
        values["renditions"] = json.loads(values["renditions"])
    images = [ProductImage(product=product, **values)] if values else []
    product._prefetched_objects_cache = {"images": images}  # type: ignore[attr-defined]
    return product


def bought_together(
    *, product_ids: Sequence[int], exclude: Collection[int] = (), limit: int = 8
) -> list[Recommendation]:
    """What is most often bought with these products (best pairs first), each with the product
    it goes with. The products themselves are never recommended."""
    if not product_ids:
        return []
    sources = list(dict.fromkeys(product_ids))[:20]
    shapes = _shapes(connection.vendor)
    quote = connection.ops.quote_name
    pair = quote(Neighbour._meta.db_table)
    from_sources, source_params = _in(f"n.{quote('product_id')}", sources)
    excluded, excluded_params = _in("p.id", {*exclude, *sources})
    # A product keeps at most 12 neighbours: the sort reads a few rows per source.
    sql = (
        f"SELECT {shapes.cards}, {shapes.because.columns} "  # noqa: S608 - our names
        f"FROM {pair} n JOIN {quote(Product._meta.db_table)} p "
        f"ON p.id = n.{quote('neighbour_id')} {shapes.joins} "
        f"JOIN {quote(Product._meta.db_table)} s ON s.id = n.{quote('product_id')} "
        f"WHERE {from_sources} AND {shapes.available} AND NOT ({excluded}) "
        f"ORDER BY n.{quote('score')} DESC, n.{quote('neighbour_id')} LIMIT %s"
    )
    rows = _rows(sql, [*source_params, *excluded_params, limit * 3])
    # After the card's columns: the product's, its category's, its picture.
    size = len(shapes.product.attnames) + len(shapes.category.attnames) + 1
    found: dict[int, Recommendation] = {}
    because: dict[int, Product] = {}
    for row in rows:
        if row[0] in found:
            continue
        source_id = row[size]
        if source_id not in because:
            because[source_id] = shapes.because.build(list(row[size:]))
        found[row[0]] = Recommendation(_card(shapes, row), because[source_id])
        if len(found) == limit:
            break
    return list(found.values())


def _popular(*, area: str, season: str, exclude: Collection[int], limit: int) -> list[Product]:
    shapes = _shapes(connection.vendor)
    quote = connection.ops.quote_name
    excluded, excluded_params = _in("p.id", exclude)
    # The area's best sellers first (at most POPULAR_KEPT rows, from the start of the index's
    # range), then their products one by one until the block is full: joined before the limit,
    # the planner, which cannot guess how many rows an area has, may look up all 200 products.
    sql = (
        f"SELECT {shapes.cards} "  # noqa: S608 - our names
        f"FROM (SELECT {quote('product_id')}, {quote('units')} "
        f"FROM {quote(Popularity._meta.db_table)} "
        f"WHERE {quote('area')} = %s AND {quote('season')} = %s "
        f"ORDER BY {quote('units')} DESC, {quote('product_id')} LIMIT {POPULAR_KEPT}) r "
        f"JOIN {quote(Product._meta.db_table)} p ON p.id = r.{quote('product_id')} {shapes.joins} "
        f"WHERE {shapes.available} AND NOT ({excluded}) "
        f"ORDER BY r.{quote('units')} DESC, r.{quote('product_id')} LIMIT %s"
    )
    rows = _rows(sql, [area, season, *excluded_params, limit])
    return [_card(shapes, row) for row in rows]


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
    shapes = _shapes(connection.vendor)
    chosen, params = _in("p.id", wanted)
    sql = (
        f"SELECT {shapes.cards} "  # noqa: S608 - our names
        f"FROM {connection.ops.quote_name(Product._meta.db_table)} p {shapes.joins} "
        f"WHERE {chosen} AND {shapes.available}"
    )
    by_id = {row[0]: _card(shapes, row) for row in _rows(sql, params)}
    return [Recommendation(by_id[pk]) for pk in wanted if pk in by_id]
