"""Load the demo shop: catalogue, stores, content, offers, past orders and staff accounts.

Loading is idempotent. Rows are keyed on their slug (or e-mail for users) and only saved when
a value differs, so a second run reports everything as unchanged and touches nothing, not even
`updated_at`. A re-run does restore edited demo rows to their demo values, including stock,
which is what one wants after playing with the demo shop.

The data lives in JSON files under `shop/demo/data/`, one per kind; `shop/demo/loaders/` has
one module per kind that turns those records into rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from shop.demo.loaders.accounts import users_load
from shop.demo.loaders.catalog import categories_load, product_pictures_load, products_load
from shop.demo.loaders.experiments import experiments_load
from shop.demo.loaders.journeys import journeys_load
from shop.demo.loaders.lifecycle import lifecycle_load
from shop.demo.loaders.offers import offers_load
from shop.demo.loaders.orders import orders_load
from shop.demo.loaders.personalization import content_load, questions_load, region_sets_load
from shop.demo.loaders.recommendations import baskets_load
from shop.demo.loaders.stores import stores_load
from shop.demo.loaders.support import support_load
from shop.demo.rows import Tally


@dataclass(frozen=True)
class DemoReport:
    """What a load did: counts per kind, pictures drawn (None: skipped), password notes."""

    tally_lines: list[str]
    pictures: int | None
    notes: list[str]


def demo_load(*, images: bool = True) -> DemoReport:
    """Create or restore all demo rows in one transaction, then draw missing pictures."""
    tally = Tally()
    with transaction.atomic():
        categories = categories_load(tally=tally)
        products_load(categories=categories, tally=tally)
        stores_load(tally=tally)
        region_sets_load(tally=tally)
        content_load(tally=tally)
        offers_load(tally=tally)
        orders_load(tally=tally)
        questions_load(tally=tally)
        journeys_load(tally=tally)
        notes = users_load(tally=tally)
        notes += lifecycle_load(tally=tally)
        notes += support_load(tally=tally)
        baskets_load(tally=tally)
    notes += experiments_load(tally=tally)
    pictures = product_pictures_load() if images else None
    return DemoReport(tally_lines=tally.lines(), pictures=pictures, notes=notes)
