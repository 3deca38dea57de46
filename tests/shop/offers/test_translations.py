"""Offer and voucher names in the shopper's language, from a snapshot shared by every language."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from shop.offers.applicator import offers_cached, offers_changed
from shop.offers.models import Offer, OfferKind, VoucherReason
from shop.offers.vouchers import voucher_grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def treats(db) -> Offer:
    offer = Offer.objects.create(
        name_en="Treats: buy 2, get 1 free", name_ja="おやつ2点購入でもう1点無料",
        kind=OfferKind.BUY_X_GET_Y, buy_quantity=2, get_quantity=1,
    )  # fmt: skip
    offers_changed()
    return offer


@pytest.mark.parametrize("loaded_in", ["en", "ja"])
def test_offers_loaded_in_one_language_are_named_in_each(treats, loaded_in):
    with translation.override(loaded_in):
        (offer,) = offers_cached().offers
    with translation.override("en"):
        assert offer.shown_name == "Treats: buy 2, get 1 free"
    with translation.override("ja"):
        assert offer.shown_name == "おやつ2点購入でもう1点無料"


def test_an_offer_without_a_japanese_name_is_named_in_english():
    Offer.objects.create(name_en="10% off", kind=OfferKind.PERCENT, value=Decimal(10))
    offers_changed()
    with translation.override("ja"):
        (offer,) = offers_cached().offers
        assert offer.shown_name == "10% off"


def test_a_voucher_earned_while_reading_japanese_is_named_in_both_languages(user):
    with translation.override("ja"):
        voucher = voucher_grant(reason=VoucherReason.PROFILE, user=user, visitor_id="v1")
    assert voucher.name_en.startswith("10% off")
    assert voucher.name_ja and voucher.name_ja != voucher.name_en
    with translation.override("en"):
        assert voucher.shown_name == voucher.name_en
