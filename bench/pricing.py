"""Benchmark: pricing a 20-line basket and a 24-card listing with 10, 100 and 1000 active
offers, and the SQL queries of the basket page, which must not grow with the number of offers.

The offers target one prefecture each (47 of them: about 1 in 47 is for this Tokyo visitor), or
with `--national` all of Japan (every one is for this visitor), each on one of the demo's
subcategories, so that most of them discount the basket (the "discounts" column), or with
`--national-elsewhere` all of Japan, each on one product that is neither in the basket nor on
the listing (none can touch them: what the offer index skips).

Each round is a new visitor, so it includes fetching what pricing reads (the visitor's offers
from the snapshot, `pricing_context`) as well as computing (`basket_price`, `list_prices`).

Run with `make bench`.
"""

from __future__ import annotations

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

from personalization.visitor import resolve_visitor  # noqa: E402
from shop.catalog.models import Category, Product  # noqa: E402
from shop.offers.applicator import (  # noqa: E402
    basket_price,
    list_prices,
    offers_changed,
    pricing_context,
)
from shop.offers.models import Offer  # noqa: E402

ROUNDS = 300
ELSEWHERE = "--national-elsewhere" in sys.argv
NATIONAL = "--national" in sys.argv or ELSEWHERE


def grow(total: int, categories: list[Category], elsewhere: list[Product]) -> None:
    have = Offer.objects.count()
    for n in range(have, total):
        offer = Offer.objects.create(
            name=f"Bench offer {n}",
            kind="percent",
            value=Decimal(5),
            scope="products" if ELSEWHERE else "categories",
            countries=["JP"],
            regions=[] if NATIONAL else [f"JP-{n % 47 + 1:02d}"],
            priority=n,
        )
        if ELSEWHERE:
            offer.products.set([elsewhere[n % len(elsewhere)]])
        else:
            offer.categories.set([categories[n % len(categories)]])
    offers_changed()


def main() -> None:
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", "--no-images", stdout=quiet)
    Offer.objects.all().delete()
    categories = list(Category.objects.exclude(parent=None))
    lines = [(product, 1) for product in Product.objects.select_related("category")[:20]]
    cards = list(Product.objects.select_related("category")[:24])
    elsewhere = list(Product.objects.exclude(pk__in=[p.pk for p in cards]))
    visitor = resolve_visitor(overrides={"country": "JP", "region": "JP-13"})

    client = Client(HTTP_HOST="localhost")
    client.post("/basket/add/", {"product": lines[0][0].pk, "quantity": 1})
    for product, _quantity in lines[1:]:
        client.post("/basket/add/", {"product": product.pk, "quantity": 1})

    print(
        f"{'offers':>7}  {'basket median ms':>16} {'p95 ms':>7}"
        f"  {'24 cards median ms':>18} {'p95 ms':>7}  {'basket page queries':>19}"
        f"  {'discounts':>9}"
    )
    for total in (10, 100, 1000):
        grow(total, categories, elsewhere)
        # Warms the snapshot; the basket's discounts are the work no index can spare.
        discounts = len(basket_price(lines=lines, context=pricing_context(visitor)).discounts)
        basket, listing = [], []
        for _ in range(ROUNDS):
            fresh = resolve_visitor(overrides={"country": "JP", "region": "JP-13"})
            start = time.perf_counter()
            basket_price(lines=lines, context=pricing_context(fresh))
            basket.append(time.perf_counter() - start)
            fresh = resolve_visitor(overrides={"country": "JP", "region": "JP-13"})
            start = time.perf_counter()
            list_prices(cards, pricing_context(fresh))
            listing.append(time.perf_counter() - start)
        client.get("/basket/")
        with CaptureQueriesContext(connection) as queries:
            client.get("/basket/")
        print(
            f"{total:>7}  {_ms(statistics.median(basket)):>16} {_ms(_p95(basket)):>7}"
            f"  {_ms(statistics.median(listing)):>18} {_ms(_p95(listing)):>7}"
            f"  {len(queries):>19}  {discounts:>9}"
        )
    print(f"load average: {os.getloadavg()[0]:.2f} (over 1 minute, {os.cpu_count()} cores)")


def _p95(timings: list[float]) -> float:
    return statistics.quantiles(timings, n=20)[18]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f}"


if __name__ == "__main__":
    main()
