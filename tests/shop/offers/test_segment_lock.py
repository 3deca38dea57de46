"""A segment behind an offer decides who gets the offer's discount: only staff who may change
offers may change (or delete) it. Editors see it read-only with a note naming the offers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from personalization.models import Condition, Segment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def staff(*groups: str) -> Client:
    user = UserFactory(is_staff=True)
    for group in groups:
        user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def regulars() -> Segment:
    segment = Segment.objects.create(name="Regulars", slug="regulars")
    Condition.objects.create(segment=segment, fact="visits", operator="gte", value=5, position=0)
    return segment


@pytest.fixture
def offer(make_offer, regulars):
    return make_offer(name="30% off for regulars", value=Decimal(30), segment=regulars)


def change_url(segment: Segment) -> str:
    return reverse("admin:personalization_segment_change", args=[segment.pk])


def edited(segment: Segment, visits: str = "1") -> dict:
    """The segment's form as the browser posts it, its one condition loosened."""
    condition = segment.conditions.get()
    return {
        "name": segment.name,
        "slug": segment.slug,
        "description": "",
        "match": "all",
        "is_active": "on",
        "conditions-TOTAL_FORMS": "1",
        "conditions-INITIAL_FORMS": "1",
        "conditions-MIN_NUM_FORMS": "0",
        "conditions-MAX_NUM_FORMS": "1000",
        "conditions-0-id": str(condition.pk),
        "conditions-0-segment": str(segment.pk),
        "conditions-0-fact": "visits",
        "conditions-0-operator": "gte",
        "conditions-0-value_0": visits,  # a number: the range widget's first box
        "conditions-0-value_1": "",
        "conditions-0-position": "0",
        "_save": "Save",
    }


def test_an_editor_cannot_change_a_segment_an_offer_uses(offer, regulars):
    response = staff("Editors").post(change_url(regulars), edited(regulars))
    assert response.status_code == 403
    assert regulars.conditions.get().value == 5


def test_an_editor_cannot_delete_a_segment_an_offer_uses(offer, regulars):
    url = reverse("admin:personalization_segment_delete", args=[regulars.pk])
    response = staff("Editors").post(url, {"post": "yes"})
    assert response.status_code == 403
    assert Segment.objects.filter(pk=regulars.pk).exists()


def test_an_editor_sees_the_segment_read_only_with_a_note(offer, regulars):
    response = staff("Editors").get(change_url(regulars))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="_save"' not in content
    assert 'name="conditions-0-value_0"' not in content
    assert "Only staff who may change offers can change this segment." in content


def test_the_segment_page_links_the_offers_that_use_it(offer, regulars):
    content = staff("Editors").get(change_url(regulars)).content.decode()
    link = reverse("admin:offers_offer_change", args=[offer.pk])
    assert f'<a href="{link}">30% off for regulars</a>' in content


def test_someone_who_may_change_offers_changes_the_segment(offer, regulars):
    response = staff("Editors", "Merchandisers").post(change_url(regulars), edited(regulars))
    assert response.status_code == 302
    assert regulars.conditions.get().value == 1


def test_an_editor_still_changes_a_segment_no_offer_uses(regulars):
    response = staff("Editors").post(change_url(regulars), edited(regulars))
    assert response.status_code == 302
    assert regulars.conditions.get().value == 1
