"""The offer indexes: pricing with offers looked up by what they apply to, and with the offers
a kind of visitor qualifies for remembered, gives exactly what considering every offer for
every line and every visitor gives, over many random offers, baskets and visitors."""

from __future__ import annotations

import dataclasses
import datetime
import zoneinfo
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from personalization.visitor import Fact, Source, Visitor
from shop.catalog.models import Category, Product
from shop.offers.applicator import (
    OfferCatalog,
    basket_price,
    catalog_build,
    list_prices,
    pricing_context,
)
from shop.offers.conditions import CompiledOffer, offer_reasons
from shop.offers.models import OfferKind, OfferScope

pytestmark = pytest.mark.django_db  # the words of a reason read region sets

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=TOKYO)
DAY = datetime.timedelta(days=1)

# Two top categories (1, 2), each with a subcategory (3 under 1, 4 under 2).
CATEGORIES = {
    1: Category(pk=1, name="Food", slug="food"),
    2: Category(pk=2, name="Toys", slug="toys"),
    3: Category(pk=3, name="Kibble", slug="kibble", parent_id=1),
    4: Category(pk=4, name="Balls", slug="balls", parent_id=2),
}
PRODUCTS = [
    Product(
        pk=pk,
        name=f"Product {pk}",
        slug=f"product-{pk}",
        price=Decimal(price),
        compare_at_price=Decimal(price + 500) if pk % 3 == 0 else None,
        pet_type=pet,
        category=CATEGORIES[category],
    )
    for pk, (price, pet, category) in enumerate(
        [(1200, "dog", 3), (800, "cat", 3), (2400, "cat", 1), (600, "dog", 4), (990, "cat", 2),
         (3000, "dog", 1)],
        start=1,
    )
]  # fmt: skip

moments = st.sampled_from([None, NOW - DAY, NOW, NOW + DAY])


def mostly_empty(*values: str) -> st.SearchStrategy[frozenset[str]]:
    """No targeting three times in four: offers must often apply for pricing to be tested."""
    return st.sampled_from([frozenset()] * 3 * len(values) + [frozenset({v}) for v in values])


@st.composite
def offers(draw: st.DrawFn, pk: int) -> CompiledOffer:
    kind = draw(st.sampled_from(list(OfferKind.values)))
    starts, ends = draw(moments), draw(moments)
    usage_limit = draw(st.sampled_from([None, None, 1, 3]))
    return CompiledOffer(
        id=pk,
        names={"en": f"Offer {pk}"},
        kind=kind,
        value=Decimal(draw(st.sampled_from([5, 10, 50, 300, 5000]))),
        buy_quantity=draw(st.integers(1, 3)),
        get_quantity=draw(st.integers(1, 2)),
        scope=draw(st.sampled_from(list(OfferScope.values))),
        category_ids=frozenset(draw(st.sets(st.sampled_from(list(CATEGORIES)), max_size=2))),
        product_ids=frozenset(draw(st.sets(st.integers(1, 6), max_size=3))),
        pet_types=frozenset(draw(st.sets(st.sampled_from(["dog", "cat"]), max_size=1))),
        min_subtotal=draw(st.sampled_from([None, None, Decimal(2000), Decimal(6000)])),
        countries=draw(mostly_empty("JP", "US")),
        regions=draw(mostly_empty("JP-13", "JP-40")),
        region_sets=draw(mostly_empty("kyushu", "kanto")),
        area=draw(st.sampled_from(["", "", "", "rural", "urban"])),
        segment_id=None,
        signed_in_only=draw(st.sampled_from([False, False, False, True])),
        first_order_only=draw(st.sampled_from([False, False, False, True])),
        starts_at=starts,
        ends_at=ends,
        priority=draw(st.integers(0, 3)),
        exclusive=draw(st.booleans()),
        code=draw(st.sampled_from(["", "", "", "SPRING", "KOBE10"])),
        store_only=draw(st.sampled_from([False, False, False, True])),
        store_id=None,
        usage_limit=usage_limit,
        per_customer_limit=None,
        times_used=draw(st.integers(0, 3)),
    )


@st.composite
def catalogs(draw: st.DrawFn) -> OfferCatalog:
    count = draw(st.integers(0, 10))
    return catalog_build(draw(offers(pk)) for pk in range(1, count + 1))


def _visitor(facts: dict[str, Any], now: datetime.datetime) -> Visitor:
    return Visitor(
        facts=MappingProxyType({n: Fact(v, Source.REQUEST) for n, v in facts.items()}), now=now
    )


visitors = st.builds(
    _visitor,
    st.fixed_dictionaries(
        {},
        optional={
            "country": st.sampled_from(["JP", "US"]),
            "region": st.sampled_from(["JP-13", "JP-40"]),
            "region_sets": st.lists(st.sampled_from(["kyushu", "kanto"]), max_size=2),
            "area": st.sampled_from(["rural", "urban"]),
            "signed_in": st.booleans(),
            "has_ordered": st.booleans(),
            "holdout": st.booleans(),
        },
    ),
    st.sampled_from([NOW, NOW - DAY, NOW + DAY, NOW + datetime.timedelta(hours=1)]),
)
baskets = st.lists(st.tuples(st.sampled_from(PRODUCTS), st.integers(1, 7)), min_size=1, max_size=6)
codes = st.lists(st.sampled_from(["SPRING", "KOBE10", "NOPE"]), max_size=2)


def flat(catalog: OfferCatalog) -> OfferCatalog:
    """The same offers with every one applying to everything and nothing remembered: each
    offer is checked against every line, as pricing did before the indexes."""
    return dataclasses.replace(
        catalog,
        by_target={"*": frozenset(offer.id for offer in catalog.offers)},
        exact=frozenset(),
        memo={},
        covers_memo={},
        sentences={},
    )


def summary(result: Any) -> tuple:
    return (
        [(line.product.pk, line.quantity, line.discount, line.total) for line in result.lines],
        result.discounts,
        result.shipping,
        result.code_problems,
        result.missing_for_free_shipping,
        result.total,
    )


@settings(max_examples=200, deadline=None)
@given(catalog=catalogs(), people=st.lists(visitors, min_size=1, max_size=4), data=st.data())
def test_indexed_pricing_is_the_pricing_of_every_offer_for_every_line(catalog, people, data):
    everything = flat(catalog)
    for person in people:
        # The offers this visitor qualifies for, as they were found before: every candidate
        # of their region checked in full (the memo is shared across the visitors drawn).
        expected = [
            offer
            for offer in catalog.candidates(person)
            if offer.live(person.now) and offer_reasons(offer, person) is not None
        ]
        indexed = pricing_context(person, catalog=catalog)
        assert list(indexed.qualified.offers) == expected
        linear = pricing_context(person, catalog=everything)
        lines = data.draw(baskets)
        entered = data.draw(codes)
        assert summary(basket_price(lines=lines, context=indexed, codes=entered)) == summary(
            basket_price(lines=lines, context=linear, codes=entered)
        )
        assert list_prices(PRODUCTS, indexed) == list_prices(PRODUCTS, linear)
        assert [(vo.offer.id, vo.reasons, vo.sentence) for vo in indexed.offers] == [
            (offer.id, tuple(offer_reasons(offer, person)), everything.sentence(offer))
            for offer in expected
        ]


def test_a_product_moved_to_another_category_loses_the_old_categorys_offers():
    kibble = CompiledOffer(
        id=1, names={"en": "10% off kibble"}, kind=OfferKind.PERCENT, value=Decimal(10),
        buy_quantity=0, get_quantity=0, scope=OfferScope.CATEGORIES,
        category_ids=frozenset({3}), product_ids=frozenset(), pet_types=frozenset(),
        min_subtotal=None, countries=frozenset(), regions=frozenset(), region_sets=frozenset(),
        area="", segment_id=None, signed_in_only=False, first_order_only=False, starts_at=None,
        ends_at=None, priority=0, exclusive=False, code="", store_only=False, store_id=None,
        usage_limit=None, per_customer_limit=None, times_used=0,
    )  # fmt: skip
    catalog = catalog_build([kibble])
    moved = Product(pk=1, name="Product 1", slug="product-1", price=Decimal(1200),
                    pet_type="dog", category=CATEGORIES[4])  # fmt: skip
    assert catalog.covering(PRODUCTS[0]) == (1,)  # in Kibble, under the offer
    assert catalog.covering(moved) == ()  # the same product, now in Balls
