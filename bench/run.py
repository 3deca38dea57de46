"""Benchmarks: the cost of the shop's busiest pages as the catalogue grows.

Run with `make bench`. Uses a throw-away SQLite database (or DATABASE_URL) and Django's test
client in process, so the numbers measure our code and the database, not a network.
"""

from __future__ import annotations

import statistics
import time
from decimal import Decimal

import harness

harness.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from shop.catalog.models import Category, Product  # noqa: E402

ROUNDS = 50


def grow_catalogue(total: int) -> None:
    category, _ = Category.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    have = Product.objects.count()
    Product.objects.bulk_create(
        Product(
            name=f"Bench product {n}",
            slug=f"bench-product-{n}",
            category=category,
            price=Decimal(1000 + n),
            stock=10,
            pet_type="dog",
        )
        for n in range(have, total)
    )


def measure(client: Client, url: str) -> tuple[float, int]:
    client.get(url)  # warm up
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(timings) * 1000, len(queries)


def main() -> None:
    call_command("migrate", verbosity=0)
    client = Client(HTTP_HOST="localhost")
    print(f"{'products':>8}  {'page':<28} {'median ms':>9}  {'queries':>7}")
    for total in (50, 500, 5000):
        grow_catalogue(total)
        for url in ("/", "/products/", "/products/?sort=price&pet=dog", "/search/?q=product"):
            median, queries = measure(client, url)
            print(f"{total:>8}  {url:<28} {median:>9.2f}  {queries:>7}")


if __name__ == "__main__":
    main()
