"""Offers and personal vouchers use the kernel's one definition of live, in memory (pricing)
and in the database (querysets) alike."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from kernel.scheduling import is_live
from shop.offers.applicator import offers_load
from shop.offers.models import Offer, PersonalVoucher
from shop.offers.vouchers import vouchers_for_codes

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 5, 1, 3, 0, tzinfo=datetime.UTC)
SECOND = datetime.timedelta(seconds=1)
MOMENTS = [None, NOW - SECOND, NOW, NOW + SECOND]


def test_compiled_offers_and_the_offer_queryset_agree(make_offer):
    for starts, ends in itertools.product(MOMENTS, MOMENTS):
        make_offer(starts_at=starts, ends_at=ends)
    make_offer(usage_limit=3, times_used=3)  # used up: not live either way
    compiled = offers_load().offers
    assert {o.id for o in compiled if o.live(NOW)} == set(
        Offer.objects.live(at=NOW).values_list("pk", flat=True)
    )


def test_a_voucher_usable_on_the_profile_is_one_pricing_accepts(user):
    now = timezone.now() + datetime.timedelta(minutes=1)  # after the vouchers are given
    for n, expires_at in enumerate([now - SECOND, now, now + SECOND]):
        PersonalVoucher.objects.create(
            code=f"THANKS-{n}", reason=f"r{n}", percent=Decimal(10), name="10% off", owner=user,
            expires_at=expires_at,
        )  # fmt: skip
    usable = set(PersonalVoucher.objects.usable(at=now).values_list("code", flat=True))
    terms = vouchers_for_codes(
        codes=[f"THANKS-{n}" for n in range(3)], user=user, visitor_id="",
        catalog=offers_load(), now=now,
    )  # fmt: skip
    assert {t.code for t in terms if not t.problem} == usable == {"THANKS-2"}
    assert all(
        is_live(v.created_at, v.expires_at, now) == (v.code in usable)
        for v in PersonalVoucher.objects.all()
    )
