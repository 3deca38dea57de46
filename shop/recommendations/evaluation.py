"""Offline evaluation: do the recommenders find what customers buy next, better than "most
popular"?

Orders are generated with a known structure (seeded, deterministic): cat owners buy litter with
their food, dog owners treats with theirs, Hokkaido buys winter gear from October and Okinawa
cooling mats from May, and everyone also buys some of a few shop-wide favourites. Each
customer's last order is held out; the recommenders learn from every other order with the same
functions as the nightly rebuild (`compute.py`, `seasons.py`), rank as the blocks' queries do
(best score first, ties by product id), and are scored on the held-out orders by hit rate@10
(a held-out product among the ten) and NDCG@10 (how high it ranks).
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .compute import neighbours_compute, popularity_compute, popularity_top
from .seasons import shopping_season
from .services import POPULAR_MINIMUM

K = 10
PETS = ("cat", "dog", "small_pet", "bird")
KINDS = ("food", "litter", "treats", "toy", "winter", "summer")
REGIONS = (("JP-01", 0.25), ("JP-47", 0.15), ("JP-13", 0.6))


@dataclass(frozen=True)
class Product:
    id: int
    pet: str
    kind: str


@dataclass(frozen=True)
class Order:
    customer: int
    region: str
    month: int
    products: tuple[int, ...]


@dataclass(frozen=True)
class Customer:
    id: int
    pet: str
    region: str
    orders: tuple[Order, ...]  # oldest first


def catalogue(per_kind: int = 6) -> list[Product]:
    products: list[Product] = []
    for pet in PETS:
        for kind in KINDS:
            for _ in range(per_kind):
                products.append(Product(len(products) + 1, pet, kind))
    return products


def customers_generate(*, customers: int, seed: int = 7) -> tuple[list[Product], list[Customer]]:
    """Customers and their orders over a year, with the structure the docstring describes."""
    rng = random.Random(seed)
    products = catalogue()
    by = defaultdict(list)
    for product in products:
        by[(product.pet, product.kind)].append(product.id)
    favourites = rng.sample([p.id for p in products], 8)  # what everyone buys now and then
    result = []
    for number in range(1, customers + 1):
        pet = rng.choices(PETS, weights=(4, 4, 1, 1))[0]
        region = rng.choices([r for r, _w in REGIONS], weights=[w for _r, w in REGIONS])[0]
        # Each customer has their own food (and litter) and mostly keeps to it.
        food = rng.choice(by[(pet, "food")])
        partner = rng.choice(by[(pet, "litter" if pet == "cat" else "treats")])
        months = sorted(rng.sample(range(1, 13), rng.randint(3, 6)))
        orders = []
        for month in months:
            items = {food, partner}
            season = shopping_season(month, country="JP", region=region)
            # The season's two best pieces of gear for the pet, where the season calls for it.
            if season == "winter" and region == "JP-01":
                items.add(rng.choice(by[(pet, "winter")][:2]))
            if season == "summer" and region != "JP-01":
                items.add(rng.choice(by[(pet, "summer")][:2]))
            if rng.random() < 0.5:
                items.add(rng.choice(favourites))
            if rng.random() < 0.3:
                items.add(rng.choice(by[(pet, "toy")]))
            if rng.random() < 0.25:  # sometimes only one of the pair
                items.discard(partner)
            orders.append(Order(number, region, month, tuple(sorted(items))))
        result.append(Customer(number, pet, region, tuple(orders)))
    return products, result


@dataclass
class Model:
    """What the recommenders learn from the training orders."""

    neighbours: dict[int, list[tuple[float, int]]]
    popularity: dict[tuple[str, str], list[int]]
    pets: dict[int, str]


def train(products: Sequence[Product], orders: Sequence[Order]) -> Model:
    order_ids = np.array([i for i, o in enumerate(orders) for _p in o.products], dtype=np.int64)
    product_ids = np.array([p for o in orders for p in o.products], dtype=np.int64)
    rows = neighbours_compute(order_ids, product_ids)
    neighbours: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for product, neighbour, score in zip(rows.product, rows.neighbour, rows.score, strict=False):
        neighbours[int(product)].append((float(score), int(neighbour)))
    pets = {p.id: p.pet for p in products}
    totals = popularity_top(
        popularity_compute(
            (
                (o.region, "JP", ""),
                shopping_season(o.month, country="JP", region=o.region),
                product,
                1,
                pets[product],
            )
            for o in orders
            for product in o.products
        )
    )
    ranked: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for (area, season, product), units in totals.items():
        ranked[(area, season)].append((-units, product))
    popularity = {key: [p for _u, p in sorted(values)] for key, values in ranked.items()}
    return Model(neighbours, popularity, pets)


# Each recommender: (model, customer's earlier orders, the held-out order's facts) → ten ids.
Recommender = Callable[[Model, Sequence[Order], Order], list[int]]


def most_popular(model: Model, history: Sequence[Order], target: Order) -> list[int]:
    return model.popularity[("", "")][:K]


def bought_together(model: Model, history: Sequence[Order], target: Order) -> list[int]:
    """Neighbours of what the customer bought before, best pairs first (the block's query)."""
    sources = list(dict.fromkeys(p for o in reversed(history) for p in o.products))[:20]
    pairs = sorted(
        ((-score, neighbour) for s in sources for score, neighbour in model.neighbours.get(s, []))
    )
    return list(dict.fromkeys(n for _s, n in pairs))[:K]


def for_your_pet(model: Model, history: Sequence[Order], target: Order) -> list[int]:
    """Best sellers for the pet the customer buys for most (the `ordered_pets` fact)."""
    pets = Counter(model.pets[p] for o in history for p in o.products)
    if not pets:
        return most_popular(model, history, target)
    pet = pets.most_common(1)[0][0]
    return model.popularity.get((f"pet:{pet}", ""), [])[:K]


def popular_near_you(model: Model, history: Sequence[Order], target: Order) -> list[int]:
    """Best sellers of the narrowest area with enough data, in the buyer's season."""
    season = shopping_season(target.month, country="JP", region=target.region)
    for area in (target.region, "JP", ""):
        found = model.popularity.get((area, season), [])
        if len(found) >= POPULAR_MINIMUM or area == "":
            return found[:K]
    return []


RECOMMENDERS: dict[str, Recommender] = {
    "most popular (baseline)": most_popular,
    "bought together": bought_together,
    "for your pet": for_your_pet,
    "popular near you": popular_near_you,
}


def ndcg(ranked: Sequence[int], relevant: set[int]) -> float:
    dcg = sum(1 / math.log2(rank + 2) for rank, p in enumerate(ranked[:K]) if p in relevant)
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(len(relevant), K)))
    return dcg / ideal if ideal else 0.0


@dataclass(frozen=True)
class Score:
    name: str
    hit_rate: float
    ndcg: float


def evaluate(*, customers: int = 2000, seed: int = 7) -> list[Score]:
    """Hit rate@10 and NDCG@10 of every recommender on each customer's last order."""
    products, people = customers_generate(customers=customers, seed=seed)
    people = [c for c in people if len(c.orders) >= 2]
    training = [o for c in people for o in c.orders[:-1]]
    model = train(products, training)
    scores = []
    for name, recommend in RECOMMENDERS.items():
        hits, gains = 0, 0.0
        for customer in people:
            target = customer.orders[-1]
            ranked = recommend(model, customer.orders[:-1], target)
            relevant = set(target.products)
            hits += any(p in relevant for p in ranked[:K])
            gains += ndcg(ranked, relevant)
        scores.append(Score(name, hits / len(people), gains / len(people)))
    return scores
