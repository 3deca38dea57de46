"""The profile lists the vouchers its owner can use now: live (given, not yet expired), unused."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from shop.offers.models import PersonalVoucher

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def voucher(user, code: str, **fields) -> PersonalVoucher:
    fields.setdefault("expires_at", timezone.now() + 5 * DAY)
    created_at = fields.pop("created_at", None)
    found = PersonalVoucher.objects.create(
        code=code, reason=f"r-{code}", percent=Decimal(10), name=f"10% off {code}", owner=user,
        **fields,
    )  # fmt: skip
    if created_at is not None:  # auto_now_add: set afterwards
        PersonalVoucher.objects.filter(pk=found.pk).update(created_at=created_at)
    return found


def listed(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("accounts:profile")).content.decode()


def test_a_usable_voucher_is_listed(client, user):
    voucher(user, "THANKS-LIVELIVE")
    assert "THANKS-LIVELIVE" in listed(client, user)


def test_an_expired_voucher_is_not_listed_as_usable(client, user):
    voucher(user, "THANKS-EXPIRED1", expires_at=timezone.now() - DAY)
    page = listed(client, user)
    assert "THANKS-EXPIRED1" not in page
    assert "No vouchers at the moment." in page


def test_a_voucher_not_yet_started_is_not_listed(client, user):
    voucher(user, "THANKS-LATERLAT", created_at=timezone.now() + DAY)
    assert "THANKS-LATERLAT" not in listed(client, user)


def test_a_used_voucher_is_not_listed(client, user):
    voucher(user, "THANKS-USEDUSED", used_at=timezone.now() - DAY)
    assert "THANKS-USEDUSED" not in listed(client, user)
