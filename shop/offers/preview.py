"""What an offer being edited does to prices: a few of the products it covers and a sample
basket, priced by the shop's own pricing code with the offer as filled in, never saved.

The preview shows what the offer does, not to whom or when: its audience (places, segment,
signed-in or first order), schedule, code and usage limits are left out, so that the one
shopper priced always gets it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.db.models import Q

from kernel.languages import texts_of
from personalization.visitor import Visitor
from shop.catalog.models import Product

from .applicator import basket_price, catalog_build, list_prices, pricing_context
from .conditions import CompiledOffer
from .models import Offer, OfferKind, OfferScope
from .results import PriceResult

SAMPLE_SIZE = 3
MAX_QUANTITY = 99


def offer_compile(
    offer: Offer, *, category_ids: Iterable[int] = (), product_ids: Iterable[int] = ()
) -> CompiledOffer:
    """An unsaved offer as pricing reads it (as `offers_load()` compiles saved ones), for any
    shopper and at any moment."""
    return CompiledOffer(
        id=offer.pk or 0, names=texts_of(offer, "name"), kind=offer.kind, value=offer.value,
        buy_quantity=offer.buy_quantity, get_quantity=offer.get_quantity, scope=offer.scope,
        category_ids=frozenset(category_ids), product_ids=frozenset(product_ids),
        pet_types=frozenset(offer.pet_types), min_subtotal=offer.min_subtotal,
        countries=frozenset(), regions=frozenset(), region_sets=frozenset(), area="",
        segment_id=None, signed_in_only=False, first_order_only=False, starts_at=None,
        ends_at=None, priority=offer.priority, exclusive=offer.exclusive, code="",
        store_only=False, store_id=None, usage_limit=None, per_customer_limit=None,
        times_used=0,
    )  # fmt: skip


def preview_samples(offer: CompiledOffer) -> list[Product]:
    """A few active products the offer covers (the cheapest first, so that the sample basket
    stays ordinary)."""
    products = Product.objects.active().select_related("category")
    if offer.scope == OfferScope.CATEGORIES:
        ids = offer.category_ids
        products = products.filter(Q(category__in=ids) | Q(category__parent__in=ids))
    elif offer.scope == OfferScope.PRODUCTS:
        products = products.filter(pk__in=offer.product_ids)
    if offer.pet_types:
        products = products.filter(pet_type__in=offer.pet_types)
    return list(products.order_by("price", "pk")[:SAMPLE_SIZE])


@dataclass(frozen=True)
class SamplePrice:
    product: Product
    before: Decimal
    after: Decimal


@dataclass(frozen=True)
class OfferPreview:
    products: list[SamplePrice]
    lines: list[tuple[Product, int]]
    before: PriceResult  # the sample basket without the offer
    after: PriceResult  # and with it

    @property
    def changes_basket(self) -> bool:
        return self.after.total != self.before.total or self.after.free_shipping


def _basket_lines(offer: CompiledOffer, products: Sequence[Product]) -> list[tuple[Product, int]]:
    """Enough of each sample for the offer to show: a whole "buy X, get Y" group, and a basket
    that reaches the offer's minimum."""
    quantity = offer.buy_quantity + offer.get_quantity if offer.kind == OfferKind.BUY_X_GET_Y else 1
    lines = [(product, max(quantity, 1)) for product in products]
    subtotal = sum((product.price * count for product, count in lines), Decimal(0))
    if lines and offer.min_subtotal and subtotal < offer.min_subtotal and lines[0][0].price:
        first, count = lines[0]
        missing = (offer.min_subtotal - subtotal) / first.price
        more = int(missing.to_integral_value(rounding=ROUND_CEILING))
        lines[0] = (first, min(count + more, MAX_QUANTITY))
    return lines


def offer_preview(
    *, offer: CompiledOffer, products: Sequence[Product], now: datetime.datetime
) -> OfferPreview:
    """Price the samples without the offer and with it alone (no other offer, no cache, no
    query): a pure function of its arguments. The shopper is anyone: a visitor without facts,
    whom an offer stripped of its audience is for."""
    visitor = Visitor(facts={}, now=now)
    without = pricing_context(visitor, catalog=catalog_build(()))
    with_offer = pricing_context(visitor, catalog=catalog_build((offer,)))
    prices = list_prices(products, with_offer)
    lines = _basket_lines(offer, products)
    return OfferPreview(
        products=[SamplePrice(p, p.price, prices[p.pk].price) for p in products],
        lines=lines,
        before=basket_price(lines=lines, context=without),
        after=basket_price(lines=lines, context=with_offer),
    )
