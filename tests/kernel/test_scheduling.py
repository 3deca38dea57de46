"""One definition of live: the plain predicate and the queryset filter say the same, start
inclusive and end exclusive, for every kind of scheduled thing."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest

from kernel.scheduling import is_live
from shop.offers.models import Offer, OfferKind

NOW = datetime.datetime(2025, 5, 1, 3, 0, tzinfo=datetime.UTC)
SECOND = datetime.timedelta(seconds=1)
MOMENTS = [None, NOW - SECOND, NOW, NOW + SECOND]


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "live"),
    [
        (None, None, True),
        (NOW, None, True),
        (NOW + SECOND, None, False),
        (None, NOW, False),
        (None, NOW + SECOND, True),
        (NOW - SECOND, NOW + SECOND, True),
    ],
    ids=["always", "starts-now", "starts-later", "ends-now", "ends-later", "running"],
)
def test_live_from_the_start_until_just_before_the_end(starts_at, ends_at, live):
    assert is_live(starts_at, ends_at, NOW) is live


@pytest.mark.django_db
def test_the_queryset_filter_and_the_predicate_agree():
    offers = [
        Offer.objects.create(name=f"{starts} {ends}", kind=OfferKind.PERCENT, value=Decimal(5),
                             starts_at=starts, ends_at=ends)
        for starts, ends in itertools.product(MOMENTS, MOMENTS)
    ]  # fmt: skip
    for at in (NOW - SECOND, NOW, NOW + SECOND):
        expected = {o.pk for o in offers if is_live(o.starts_at, o.ends_at, at)}
        assert set(Offer.objects.live(at=at).values_list("pk", flat=True)) == expected
        assert {o.pk for o in offers if o.status(at) == "live"} == expected
