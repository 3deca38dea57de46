"""The offer index is built from region sets too (offers are indexed by the sets' slugs): the
kernel refreshes it on a region-set change, in this process and in every other one."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kernel import snapshot
from personalization.models import RegionSet
from shop.offers.applicator import basket_price, pricing_context
from shop.offers.models import Offer, OfferKind
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kyushu_offer(django_capture_on_commit_callbacks):
    """5% off in the "kyushu" region set (Fukuoka), saved and committed."""
    with django_capture_on_commit_callbacks(execute=True):
        kyushu = RegionSet.objects.create(
            name="Kyushu", slug="kyushu", country="JP", regions=["JP-40"]
        )
        offer = Offer.objects.create(
            name="5% off in Kyushu", kind=OfferKind.PERCENT, value=Decimal(5)
        )
        offer.region_sets.set([kyushu])
    return kyushu


@pytest.fixture
def discounts(make_visitor):
    product = ProductFactory(price=Decimal(1000))

    def run(place: str) -> list[str]:
        context = pricing_context(make_visitor(place))
        return [d.sentence for d in basket_price(lines=[(product, 1)], context=context).discounts]

    return run


def test_a_region_set_change_refreshes_the_offer_index_in_every_process(
    kyushu_offer, discounts, monkeypatch, django_capture_on_commit_callbacks
):
    process_one: dict = {}
    process_two: dict = {}
    for process in (process_one, process_two):
        monkeypatch.setattr(snapshot, "_local", process)
        assert discounts("JP-40") == ["5% off in Kyushu"]
        assert discounts("JP-47") == []
    # The set is renamed and takes in Okinawa: the index keyed by "set:kyushu" is out of date.
    with django_capture_on_commit_callbacks(execute=True):
        kyushu_offer.slug = "kyushu-okinawa"
        kyushu_offer.regions = ["JP-40", "JP-47"]
        kyushu_offer.save()
    assert discounts("JP-47") == ["5% off in Kyushu"]  # process two
    monkeypatch.setattr(snapshot, "_local", process_one)
    assert discounts("JP-47") == ["5% off in Kyushu"]
    assert discounts("JP-40") == ["5% off in Kyushu"]
