"""Benchmark: the nightly recommendations rebuild on 50,000 products and 1,000,000 order lines,
and what one recommendation block costs a page at that size (median time and SQL queries).

Needs PostgreSQL (the rebuild writes with COPY there); it creates the database named in
DATABASE_URL when missing and fills it, so give it one of its own:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/recs_bench \\
        .venv/bin/python bench/recommendations.py

Orders are generated with structure (products come in families of eight that are bought
together, regions buy their own seasonal families), so that every product has neighbours.
"""

from __future__ import annotations

import io
import os
import random
import statistics
import sys
import time
from urllib.parse import urlsplit

import harness

PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", 50_000))
LINES = int(os.environ.get("BENCH_LINES", 1_000_000))
ROUNDS = 300


def database_ensure() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of its own (see the docstring).")
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = parts._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


database_ensure()
harness.setup()

from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from personalization.visitor import resolve_visitor  # noqa: E402
from shop.catalog.models import Category, Product  # noqa: E402
from shop.orders.models import Order, OrderLine  # noqa: E402
from shop.orders.recommending import neighbours_rebuild, popularity_rebuild  # noqa: E402
from shop.recommendations.blocks import (  # noqa: E402
    BOUGHT_TOGETHER,
    FOR_YOUR_PET,
    POPULAR_NEAR_YOU,
    Page,
)

PETS = ("dog", "cat", "small_pet", "bird", "fish")
REGIONS = [f"JP-{n:02d}" for n in range(1, 48)]


def copy(model, columns: list[str], rows) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(map(str, row)) + "\n")
    with connection.cursor() as cursor:
        sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
        with cursor.cursor.copy(sql) as pipe:
            pipe.write(buffer.getvalue().encode())


def fill() -> None:
    if Product.objects.count() >= PRODUCTS and OrderLine.objects.count() >= LINES:
        return
    print(f"Filling: {PRODUCTS:,} products, {LINES:,} order lines…", flush=True)
    OrderLine.objects.all().delete()
    Order.objects.all().delete()
    Product.objects.all().delete()
    category, _ = Category.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    now = "2026-06-01 12:00:00+00"
    copy(
        Product,
        ["name", "name_en", "slug", "category_id", "description", "price", "stock",
         "pet_type", "season", "pack_unit", "is_active", "created_at", "updated_at"],
        (
            (f"Bench product {n}", f"Bench product {n}", f"bench-{n}", category.pk, "", 1000,
             0 if n % 20 == 0 else 50, PETS[n // 8 % 5], "all", "", "t", now, now)
            for n in range(PRODUCTS)
        ),
    )  # fmt: skip
    ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    rng = random.Random(1)
    orders, lines = [], []
    number = 0
    while len(lines) < LINES:
        number += 1
        family = rng.randrange(len(ids) // 8)
        picked = {ids[family * 8 + rng.randrange(8)] for _ in range(rng.randint(2, 4))}
        picked.add(ids[min(int(rng.paretovariate(1.2)) - 1, len(ids) - 1)])  # a best seller
        month = rng.randint(1, 12)
        orders.append((number, f"B{number}", f"b{number}@example.com", "B", "", "JP",
                       REGIONS[family % 47], "000-0000", "X", "1", "standard", 0, 0, 0, 0, "JPY",
                       "delivered", "", "", "en", f"bench-{number}",
                       f"2026-{month:02d}-15 12:00:00+00"))  # fmt: skip
        lines.extend((number, pk, "x", 1000, 1, 0, 1000) for pk in picked)
    copy(
        Order,
        ["id", "number", "email", "name", "phone", "country", "region", "postal_code", "city",
         "address", "shipping_method", "shipping_price", "subtotal", "discount_total", "total",
         "currency", "status", "tracking_number", "payment_reference", "language",
         "idempotency_key", "created_at"],
        orders,
    )  # fmt: skip
    copy(
        OrderLine,
        ["order_id", "product_id", "product_name", "unit_price", "quantity", "discount", "total"],
        lines[:LINES],
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  {len(orders):,} orders.", flush=True)


def timed(function) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def block_cost(name: str, block, pages: list[Page], visitor) -> None:
    durations, queries = [], set()
    for page in (pages * (ROUNDS // len(pages) + 1))[:ROUNDS]:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            choice = block.choose(visitor=visitor, page=page)
            for product, _why in choice.items if choice else ():
                product.main_image  # noqa: B018 - what the card reads
            durations.append(time.perf_counter() - started)
        queries.add(len(captured))
    durations.sort()
    # The database's own share: planning and execution of the block's one query.
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, SUMMARY) " + captured.captured_queries[-1]["sql"])
        summary = [row[0] for row in cursor.fetchall()][-2:]
    database = sum(float(line.split(":")[1].split()[0]) for line in summary)
    print(
        f"  {name:<28} median {statistics.median(durations) * 1000:.2f} ms, "
        f"p95 {durations[int(len(durations) * 0.95)] * 1000:.2f} ms, "
        f"queries {sorted(queries)} (of which PostgreSQL {database:.2f} ms)"
    )


def main() -> None:
    print(f"Load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    call_command("migrate", verbosity=0)
    fill()
    print(f"Nightly rebuild ({Product.objects.count():,} products, "
          f"{OrderLine.objects.count():,} order lines):")  # fmt: skip
    seconds, pairs = timed(neighbours_rebuild)
    print(f"  bought together: {seconds:.1f} s, {pairs:,} pairs")
    seconds, rows = timed(popularity_rebuild)
    print(f"  seasonal popularity: {seconds:.1f} s, {rows:,} rows")

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    visitor = resolve_visitor(request=request, overrides={"country": "JP", "region": "JP-01",
                                                          "answer.pet": "cat"})  # fmt: skip
    rng = random.Random(2)
    products = list(Product.objects.filter(pk__in=rng.sample(
        list(Product.objects.values_list("pk", flat=True)), 100)))  # fmt: skip
    POPULAR_NEAR_YOU.choose(visitor=visitor, page=Page())  # loads the areas snapshot once
    print("One block (choose + the cards' data), warm:")
    block_cost("bought together", BOUGHT_TOGETHER, [Page(product=p) for p in products], visitor)
    block_cost("for your pet", FOR_YOUR_PET, [Page()], visitor)
    block_cost("popular near you", POPULAR_NEAR_YOU, [Page()], visitor)


if __name__ == "__main__":
    main()
