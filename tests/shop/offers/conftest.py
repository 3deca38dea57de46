"""Fixtures for the offer tests: offers and region sets as merchandisers make them, visitors
placed somewhere in the world, and a shopper's basket and checkout through the Django client.

Offers, region sets and segments are read from per-process snapshots versioned in the shared
cache (Redis in CI), which outlives each test's rolled-back rows: every test starts from, and
leaves behind, versions nobody has loaded.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from personalization.models import REGION_SETS, RegionSet
from personalization.slots import content_changed
from personalization.visitor import Visitor, resolve_visitor
from shop.offers.applicator import offers_changed
from shop.offers.models import Offer, OfferKind
from tests.conftest import checkout_submit


def _snapshots_bump() -> None:
    """New versions for the snapshots pricing reads (browser tests: their server's own process).
    Elsewhere no test sees another's offers, sets or content: the cache starts empty
    (tests/conftest.py), so snapshots read their versions from the test's own database."""
    offers_changed()
    REGION_SETS.bump()
    content_changed()


@pytest.fixture
def make_offer(db) -> Callable[..., Offer]:
    """An offer saved as the admin would (10% off everything unless told otherwise), announced
    to pricing at once instead of on a commit that never comes inside a test's transaction."""

    def make(
        *,
        categories: Iterable = (),
        products: Iterable = (),
        region_sets: Iterable = (),
        **fields: Any,
    ) -> Offer:
        fields.setdefault("name", "10% off everything")
        fields.setdefault("kind", OfferKind.PERCENT)
        fields.setdefault("value", Decimal(10))
        offer = Offer.objects.create(**fields)
        offer.categories.set(categories)
        offer.products.set(products)
        offer.region_sets.set(region_sets)
        offers_changed()
        return offer

    return make


@pytest.fixture
def make_region_set(db) -> Callable[..., RegionSet]:
    def make(slug: str, *, regions: Iterable[str] = (), **fields: Any) -> RegionSet:
        fields.setdefault("name", slug.replace("-", " ").capitalize())
        fields.setdefault("country", "JP")
        region_set = RegionSet.objects.create(slug=slug, regions=list(regions), **fields)
        REGION_SETS.bump()
        return region_set

    return make


@pytest.fixture
def make_visitor() -> Callable[..., Visitor]:
    """A visitor placed as the staff preview places them: "JP-40" (a region), "US" (a whole
    country), with any other facts on top (signed_in=True, visits=3, ...)."""

    def make(
        place: str = "JP-13", *, now: datetime.datetime | None = None, **facts: Any
    ) -> Visitor:
        overrides = {"country": place.split("-")[0], **facts}
        if "-" in place:
            overrides["region"] = place
        return resolve_visitor(overrides=overrides, now=now)

    return make


@pytest.fixture
def basket_fill() -> Callable[..., None]:
    def fill(client: Client, product, quantity: int = 1) -> None:
        response = client.post(reverse("basket:add"), {"product": product.pk, "quantity": quantity})
        assert response.status_code == 302

    return fill


@pytest.fixture
def code_enter() -> Callable[..., Any]:
    """Type a voucher code into the basket's form (without JavaScript), following the redirect."""

    def enter(client: Client, code: str, **extra: str):
        return client.post(reverse("basket:code"), {"code": code, **extra}, follow=True)

    return enter


@pytest.fixture
def checkout_post() -> Callable[..., Any]:
    def post(client: Client, data: dict, **overrides: Any):
        return checkout_submit(client, data, **overrides)

    return post
