"""Staff read and enter schedule times in the time zone set on their account, never one guessed
from their browser or network."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from personalization.models import Slot, Variant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


@pytest.fixture
def autumn_variant():
    slot = Slot.objects.get(key="home-hero")
    starts = datetime.datetime(2026, 10, 1, 9, 0, tzinfo=TOKYO)
    return Variant.objects.create(slot=slot, name="Autumn", headline="x", starts_at=starts)


def variant_form(client, variant) -> str:
    url = reverse("admin:personalization_variant_change", args=[variant.pk])
    return client.get(url, headers={"Accept-Language": "en-US"}).content.decode()


def test_an_editor_with_a_time_zone_on_their_account_works_in_it(client, autumn_variant):
    client.force_login(UserFactory(is_staff=True, is_superuser=True, time_zone="Europe/London"))
    content = variant_form(client, autumn_variant)
    assert "Times are in Europe/London, your time zone." in content
    # 09:00 in Tokyo is 01:00 in London on 1 October (British Summer Time).
    assert 'value="01:00:00"' in content


def test_an_editor_browsing_from_elsewhere_still_works_in_the_shops_time(client, autumn_variant):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    # An American browser, and the visitor's region picked as England: neither is a setting.
    client.post(reverse("personalization:region"), {"place": "GB-ENG"})
    content = variant_form(client, autumn_variant)
    assert "Times are in Asia/Tokyo, your time zone." in content
    assert 'value="09:00:00"' in content


def test_staff_choose_their_time_zone_on_their_user_page(client):
    editor = UserFactory(is_staff=True, is_superuser=True, time_zone="America/Los_Angeles")
    client.force_login(editor)
    page = client.get(reverse("admin:accounts_user_change", args=[editor.pk])).content.decode()
    assert '<option value="America/Los_Angeles" selected>America/Los Angeles</option>' in page
