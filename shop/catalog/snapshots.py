"""The catalogue's version: products, categories, pictures, stock.

Nothing is held per process (pages query the catalogue as they need it); the version alone is
what counts. Shared caches of pages that show products put it in their keys (the decision
cache, `shop/pagecache.py`), so a change of price, stock, text or picture is seen at once.
Saves and deletes bump it through the kernel; code that changes rows with `update()` (stock
when an order is placed or cancelled) calls `CATALOG.bump()`.
"""

from __future__ import annotations

from kernel.snapshot import Snapshot


def _nothing() -> None:
    return None


CATALOG: Snapshot[None] = Snapshot(
    "catalog",
    load=_nothing,
    depends_on=(
        "catalog.Category",
        "catalog.Product",
        "catalog.ProductImage",
    ),
)
