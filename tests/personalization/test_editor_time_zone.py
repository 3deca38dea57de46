"""Editors read and enter schedule times in their own time zone."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from personalization.models import Slot, Variant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_in_london(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    client.post(reverse("personalization:region"), {"place": "GB-ENG"})
    return client


def test_the_variant_form_shows_times_in_the_editors_zone(editor_in_london):
    slot = Slot.objects.get(key="home-hero")
    starts = datetime.datetime(2026, 10, 1, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo"))
    variant = Variant.objects.create(slot=slot, name="Autumn", headline="x", starts_at=starts)
    page = editor_in_london.get(reverse("admin:personalization_variant_change", args=[variant.pk]))
    content = page.content.decode()
    assert "Times are in Europe/London, your time zone." in content
    # 09:00 in Tokyo is 01:00 in London on 1 October (British Summer Time).
    assert 'value="01:00:00"' in content
