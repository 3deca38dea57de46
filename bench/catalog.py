"""Benchmark: the catalogue's pages with 1,000 and with 50,000 products, on PostgreSQL.

Home, a listing sorted by name, a category's listing, the newest products, a one-word and a
two-word search: median and 95th percentile in process, and SQL queries. The products have
names and descriptions made of ordinary words, so that searches match a realistic share, and
seasons as a shop names them: "Warm …" products are for winter, "Cooling …" ones for summer
(the others all year), so that the home page's seasonal list has products in those seasons,
and they sit together in the alphabet as a real season's coats or mats do.

Needs a PostgreSQL database of its own (it is filled and left there):

    createdb -h 127.0.0.1 -U postgres storefront_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/storefront_bench
    .venv/bin/python bench/catalog.py
"""

from __future__ import annotations

import itertools
import os
import statistics
import sys
import time
from decimal import Decimal

import harness

harness.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from shop.catalog.models import Category, Product, Season  # noqa: E402

ROUNDS = 100
SIZES = (1000, 50000)
# fmt: off
ADJECTIVES = ["cooling", "warm", "soft", "durable", "travel", "orthopedic", "waterproof",
              "reflective", "organic", "grain-free", "quiet", "washable", "foldable", "small",
              "large", "senior", "puppy", "kitten", "salmon", "chicken", "lamb", "rubber"]
NOUNS = ["mat", "bed", "vest", "bowl", "leash", "collar", "kibble", "treats", "toy", "brush",
         "blanket", "carrier", "harness", "crate", "feeder", "fountain", "litter", "scratcher",
         "coat", "boots", "shampoo", "rope"]
# fmt: on
SEASONS = {"warm": Season.WINTER, "cooling": Season.SUMMER}
PAGES = (
    "/",
    "/products/",
    "/products/?sort=newest",
    "/c/bench-dogs/",
    "/search/?q=blanket",
    "/search/?q=cooling+mat",
)


def grow(total: int) -> None:
    parent, _ = Category.objects.get_or_create(slug="bench-dogs", defaults={"name": "Dogs"})
    children = [
        Category.objects.get_or_create(
            slug=f"bench-dogs-{n}", defaults={"name": f"Dogs {n}", "parent": parent}
        )[0]
        for n in range(8)
    ]
    others = [
        Category.objects.get_or_create(slug=f"bench-{n}", defaults={"name": f"Other {n}"})[0]
        for n in range(8)
    ]
    categories = [*children, *others]
    have = Product.objects.count()
    names = itertools.cycle(itertools.product(ADJECTIVES, ADJECTIVES, NOUNS))
    batch = []
    for n in range(have, total):
        first, second, noun = next(names)
        batch.append(
            Product(
                name=f"{first.title()} {second} {noun} {n}",
                slug=f"bench-product-{n}",
                description=f"A {second} {noun} for every day, {first} and easy to clean.",
                category=categories[n % len(categories)],
                price=Decimal(500 + (n * 37) % 9000),
                stock=n % 5,
                pet_type="dog" if n % 3 else "cat",
                season=SEASONS.get(first, Season.ALL_YEAR),
            )
        )
        if len(batch) == 2000:
            Product.objects.bulk_create(batch)
            batch = []
    Product.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(client: Client, url: str) -> tuple[float, float, int]:
    client.get(url)  # warm up
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return (
        statistics.median(timings) * 1000,
        statistics.quantiles(timings, n=20)[18] * 1000,
        len(queries),
    )


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database (see the docstring).")
    call_command("migrate", verbosity=0)
    Product.objects.filter(slug__startswith="bench-product-").delete()
    client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="en")
    results: dict[tuple[int, str], tuple[float, float, int]] = {}
    print(f"{'products':>8}  {'page':<26} {'median ms':>9} {'p95 ms':>7} {'queries':>7}")
    for total in SIZES:
        grow(total)
        for url in PAGES:
            results[total, url] = median, p95, queries = measure(client, url)
            print(f"{total:>8}  {url:<26} {median:>9.2f} {p95:>7.2f} {queries:>7}")
    small, large = SIZES
    print(f"\n{'page':<26} {f'{large:,} / {small:,}':>16}")
    for url in PAGES:
        print(f"{url:<26} {results[large, url][0] / results[small, url][0]:>15.2f}x")
    print(f"\nload average: {os.getloadavg()[0]:.2f} (over 1 minute, {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
