"""Fetch, then compute: what pricing reads is gathered once per request into a PricingContext,
and the compute functions read nothing else (no cache, no clock, no query, no visitor memo)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from shop.offers import applicator
from shop.offers.applicator import basket_price, list_prices, pricing_context
from shop.offers.models import OfferScope
from shop.offers.templatetags import offers_tags
from shop.orders.recommending import recommendations_rebuild
from tests.factories import CategoryFactory, ProductFactory
from tests.shop.recommendations.conftest import ordered

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 5, 1, 3, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def food(db):
    return CategoryFactory(name="Food", slug="food")


@pytest.fixture
def counted(monkeypatch):
    """How often a listing is priced and a pricing context built; a card priced on its own (the
    template tag's fallback) fails the test."""
    calls = {"list_prices": 0, "pricing_context": 0}
    real_list_prices, real_context = applicator.list_prices, applicator.pricing_context

    def list_prices_counted(products, context):
        calls["list_prices"] += 1
        return real_list_prices(products, context)

    def context_counted(visitor, **kwargs):
        calls["pricing_context"] += 1
        return real_context(visitor, **kwargs)

    def card_priced_alone(products, context):
        raise AssertionError("a product card was priced on its own")

    monkeypatch.setattr(applicator, "list_prices", list_prices_counted)
    monkeypatch.setattr(applicator, "pricing_context", context_counted)
    monkeypatch.setattr(offers_tags, "list_prices", card_priced_alone)
    return calls


def test_compute_reads_only_its_arguments(
    make_offer, make_visitor, food, monkeypatch, django_assert_num_queries
):
    make_offer(name="10% off food", scope=OfferScope.CATEGORIES, categories=[food])
    kibble = ProductFactory(name="Kibble", price=Decimal(2000), category=food)
    visitor = make_visitor(now=NOW)
    context = pricing_context(visitor)

    def no_snapshot():
        raise AssertionError("compute read the offers snapshot")

    monkeypatch.setattr(applicator, "offers_cached", no_snapshot)
    with django_assert_num_queries(0):
        result = basket_price(lines=[(kibble, 2)], context=context)
        shown = list_prices([kibble], context)
    assert result.discount_total == Decimal(400)
    assert (shown[kibble.pk].price, shown[kibble.pk].badges) == (Decimal(1800), ("10% off food",))
    assert visitor.memo.get("offers") is None


def test_one_moment_decides_both_the_offers_and_the_codes(make_offer, make_visitor, food):
    make_offer(name="Golden week", code="GW", ends_at=NOW + HOUR)
    kibble = ProductFactory(price=Decimal(2000), category=food)
    visitor = make_visitor(now=NOW)
    during = basket_price(lines=[(kibble, 1)], context=pricing_context(visitor), codes=["GW"])
    after = basket_price(
        lines=[(kibble, 1)], context=pricing_context(visitor, now=NOW + HOUR), codes=["GW"]
    )
    assert [d.code for d in during.discounts] == ["GW"]
    assert after.discounts == []
    assert after.code_problems == {"GW": "“GW” is no longer valid."}


def test_a_listing_is_priced_in_one_call_with_one_context(client, make_offer, food, counted):
    make_offer(name="10% off food", scope=OfferScope.CATEGORIES, categories=[food])
    for n in range(30):
        ProductFactory(name=f"Kibble {n}", slug=f"kibble-{n}", price=Decimal(1000), category=food)
    response = client.get(reverse("catalog:products"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 24
    assert response.content.decode().count("¥900") == 24
    assert counted == {"list_prices": 1, "pricing_context": 1}


def test_the_home_page_prices_all_its_cards_in_one_call(client, make_offer, food, counted):
    make_offer(name="10% off food", scope=OfferScope.CATEGORIES, categories=[food])
    for n in range(10):
        ProductFactory(name=f"Kibble {n}", slug=f"kibble-{n}", price=Decimal(1000), category=food)
    response = client.get(reverse("catalog:home"))
    assert response.status_code == 200
    assert "¥900" in response.content.decode()
    assert counted == {"list_prices": 1, "pricing_context": 1}


def test_the_product_page_prices_the_product_and_each_recommendation_block_in_one_call(
    client, make_offer, food, counted
):
    make_offer(name="10% off food", scope=OfferScope.CATEGORIES, categories=[food])
    kibble = ProductFactory(name="Kibble", price=Decimal(2000), category=food)
    other = ProductFactory(name="Other kibble", price=Decimal(1000), category=food)
    for _ in range(2):  # bought together: "Often bought together" shows it
        ordered([kibble, other])
    recommendations_rebuild()
    response = client.get(kibble.get_absolute_url())
    page = response.content.decode()
    assert "¥1,800" in page and "¥900" in page
    # The product, then each block's cards (bought together, for a dog): one pricing context.
    assert counted == {"list_prices": 3, "pricing_context": 1}
