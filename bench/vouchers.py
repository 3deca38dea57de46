"""Benchmark: the product listing, the home page and a basket page with 0 and 100,000 personal
vouchers in the database (most expired or used, as after a farming script). Personal vouchers
are looked up by code only when their owner enters one, so the median time and the SQL queries
must be the same with none and with 100,000.

Run with `make bench` (or `.venv/bin/python bench/vouchers.py`).
"""

from __future__ import annotations

import datetime
import gc
import os
import statistics
import time
from decimal import Decimal

import harness

harness.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from shop.catalog.models import Product  # noqa: E402
from shop.offers.models import PersonalVoucher  # noqa: E402

ROUNDS = 40
VOUCHERS = 100_000
PAGES = {"home": "/", "listing": "/products/", "basket": "/basket/"}


def measure(client: Client, url: str) -> tuple[float, int]:
    for _ in range(3):
        client.get(url)  # warm the per-process snapshots
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        client.get(url)
        timings.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(timings) * 1000, len(queries)


def fill(total: int) -> None:
    now = timezone.now()
    batch = []
    for n in range(total):
        batch.append(
            PersonalVoucher(
                code=f"THANKS-B{n:07d}",
                reason="profile",
                percent=Decimal(10),
                name="10% off, thank you",
                visitor_id=f"bench-{n}",
                expires_at=now + datetime.timedelta(days=30 if n % 3 else -1),
                used_at=now if n % 3 == 1 else None,
            )
        )
        if len(batch) == 5_000:
            PersonalVoucher.objects.bulk_create(batch)
            batch = []
    PersonalVoucher.objects.bulk_create(batch)


def main() -> None:
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", "--no-images", stdout=quiet)
    PersonalVoucher.objects.all().delete()
    client = Client(HTTP_HOST="localhost")
    for product in Product.objects.all()[:5]:
        client.post("/basket/add/", {"product": product.pk, "quantity": 1})

    results = {}
    for total in (0, VOUCHERS):
        if total:
            fill(total)
            gc.collect()  # the 100,000 objects just written are not the pages' cost
        results[total] = {name: measure(client, url) for name, url in PAGES.items()}

    print(f"{'page':>8}  {'0 vouchers':>16}  {f'{VOUCHERS:,} vouchers':>20}")
    for name in PAGES:
        (m0, q0), (m1, q1) = results[0][name], results[VOUCHERS][name]
        print(f"{name:>8}  {m0:>7.1f} ms {q0:>2} q  {m1:>11.1f} ms {q1:>2} q")


if __name__ == "__main__":
    main()
