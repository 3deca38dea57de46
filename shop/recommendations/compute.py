"""Pure computations behind the precomputed tables: arrays in, rows out, no database.

The nightly rebuild (in orders, which owns the data) feeds these, and so does the offline
evaluation (`evaluation.py`): both rank with exactly the same code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

# A pair must have been bought together in at least this many orders to count: one shopper's
# odd basket says nothing about anyone else.
MIN_SUPPORT = 2
NEIGHBOURS_KEPT = 12


class NeighbourRows(NamedTuple):
    product: np.ndarray
    neighbour: np.ndarray
    score: np.ndarray
    support: np.ndarray

    def __len__(self) -> int:
        return len(self.product)


def neighbours_compute(
    orders: np.ndarray,
    products: np.ndarray,
    *,
    min_support: int = MIN_SUPPORT,
    keep: int = NEIGHBOURS_KEPT,
) -> NeighbourRows:
    """Item-to-item cosine similarity of products over the orders that hold them.

    `orders` and `products` are parallel arrays, one entry per order line (any ids). Each
    product keeps its `keep` best neighbours with at least `min_support` orders in common,
    best first (ties: the smaller product id first, so that the result is deterministic).
    """
    if len(orders) == 0:
        empty = np.empty(0, dtype=np.int64)
        return NeighbourRows(empty, empty, np.empty(0), empty)
    order_codes, order_index = np.unique(orders, return_inverse=True)
    product_ids, product_index = np.unique(products, return_inverse=True)
    # Orders × products, 1 when the order holds the product (however many units).
    bought = sp.csr_matrix(
        (np.ones(len(orders), dtype=np.float32), (order_index, product_index)),
        shape=(len(order_codes), len(product_ids)),
    )
    bought.data[:] = 1.0  # duplicates were summed: back to "holds it"
    together = (bought.T @ bought).tocsr()  # co-occurrence counts; the diagonal is each count
    counts = together.diagonal()
    together.setdiag(0)
    together.eliminate_zeros()
    together.data[together.data < min_support] = 0
    together.eliminate_zeros()
    coo = together.tocoo()
    support = coo.data.astype(np.int64)
    score = support / np.sqrt(counts[coo.row] * counts[coo.col])
    # Best first within each product: sort by (row, -score, neighbour id), keep the first k.
    order = np.lexsort((product_ids[coo.col], -score, coo.row))
    rows, cols = coo.row[order], coo.col[order]
    starts = np.searchsorted(rows, rows, side="left")
    kept = (np.arange(len(rows)) - starts) < keep
    return NeighbourRows(
        product_ids[rows[kept]].astype(np.int64),
        product_ids[cols[kept]].astype(np.int64),
        score[order][kept].round(6),
        support[order][kept],
    )


def popularity_compute(
    sales: Iterable[tuple[Iterable[str], str, int, int, str]],
) -> dict[tuple[str, str, int], int]:
    """Units by (area, season, product) from (areas, season, product, units, pet) sales.

    Each sale counts in every area it belongs to (its region, region sets, country and the
    whole shop "") for its season; and for the whole year ("" season) in the whole shop ("")
    and in its pet's own area (`pet:cat`), which gives the best sellers for a pet without a
    join on the products.
    """
    totals: dict[tuple[str, str, int], int] = defaultdict(int)
    for areas, season, product, units, pet in sales:
        for area in areas:
            totals[(area, season, product)] += units
        totals[("", "", product)] += units
        if pet:
            totals[(f"pet:{pet}", "", product)] += units
    return totals


# The products kept per area and season: a block shows 8, and a few may be out of stock.
POPULAR_KEPT = 200


def popularity_top(
    totals: dict[tuple[str, str, int], int], *, keep: int = POPULAR_KEPT
) -> dict[tuple[str, str, int], int]:
    """The `keep` best sellers of each area and season."""
    groups: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for (area, season, product), units in totals.items():
        groups[(area, season)].append((units, product))
    kept = {}
    for (area, season), entries in groups.items():
        for units, product in sorted(entries, key=lambda e: (-e[0], e[1]))[:keep]:
            kept[(area, season, product)] = units
    return kept
