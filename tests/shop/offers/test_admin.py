"""Merchandisers at work: who may run offers, adding one with pickers instead of JSON, finding
offers by state, and previewing prices as shoppers from different places would see them."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shop.offers.models import Offer, OfferKind
from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:offers_offer_changelist")
ADD = reverse("admin:offers_offer_add")
PREVIEW = reverse("admin:offers_offer_preview")
KYUSHU = [f"JP-{n}" for n in range(40, 47)]
DAY = datetime.timedelta(days=1)


def staff_client(group: str) -> Client:
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def merchandiser(db) -> Client:
    return staff_client("Merchandisers")


@pytest.fixture
def editor(db) -> Client:
    return staff_client("Editors")


def offer_form(**fields) -> dict:
    """The admin's offer form as the browser posts it."""
    return {
        "name_en": "10% off in Kyushu",
        "name_ja": "",
        "kind": OfferKind.PERCENT,
        "value": "10",
        "buy_quantity": "0",
        "get_quantity": "0",
        "is_active": "on",
        "scope": "basket",
        "min_subtotal": "",
        "area": "",
        "segment": "",
        "starts_at_0": "",
        "starts_at_1": "",
        "ends_at_0": "",
        "ends_at_1": "",
        "priority": "100",
        "code": "",
        "store": "",
        "usage_limit": "",
        "per_customer_limit": "",
        "_save": "Save",
        **fields,
    }


# Who may.


@pytest.mark.parametrize("url", [CHANGELIST, ADD])
def test_a_merchandiser_can_open_the_offers(merchandiser, url):
    assert merchandiser.get(url).status_code == 200


@pytest.mark.parametrize("url", [CHANGELIST, ADD])
def test_an_editor_cannot_open_the_offers(editor, url):
    assert editor.get(url).status_code == 403


def test_an_editor_cannot_open_the_price_preview(editor):
    assert editor.get(PREVIEW).status_code == 403


# Adding.


def test_an_offer_added_with_the_pickers_stores_lists(merchandiser):
    response = merchandiser.post(
        ADD,
        offer_form(countries=["JP"], regions=["JP-40", "JP-43"], pet_types=["cat", "dog"],
                   code=" kyushu10 "),
    )  # fmt: skip
    assert response.status_code == 302, response.context["adminform"].form.errors
    offer = Offer.objects.get()
    assert offer.countries == ["JP"]
    assert offer.regions == ["JP-40", "JP-43"]
    assert offer.pet_types == ["cat", "dog"]
    assert offer.code == "KYUSHU10"


def test_an_offer_added_without_pickers_stores_empty_lists(merchandiser):
    merchandiser.post(ADD, offer_form())
    offer = Offer.objects.get()
    assert (offer.countries, offer.regions, offer.pet_types) == ([], [], [])


def test_the_form_explains_a_percentage_out_of_range(merchandiser):
    response = merchandiser.post(ADD, offer_form(value="150"))
    assert response.status_code == 200
    assert "A percentage is between 1 and 100." in response.content.decode()
    assert not Offer.objects.exists()


def test_a_code_is_stored_upper_case_after_full_clean():
    offer = Offer(name="10% off in Kobe", kind=OfferKind.PERCENT, value=Decimal(10),
                  code=" kobe10 ")  # fmt: skip
    offer.full_clean()
    assert offer.code == "KOBE10"


# The list.


@pytest.fixture
def offers_in_every_state(db):
    now = timezone.now()
    Offer.objects.create(name="Live sale", kind=OfferKind.PERCENT, value=10)
    Offer.objects.create(name="Summer sale", kind=OfferKind.PERCENT, value=10,
                         starts_at=now + DAY)  # fmt: skip
    Offer.objects.create(name="Spring sale", kind=OfferKind.PERCENT, value=10,
                         starts_at=now - 2 * DAY, ends_at=now - DAY)  # fmt: skip
    Offer.objects.create(name="Switched off", kind=OfferKind.PERCENT, value=10, is_active=False)


@pytest.mark.parametrize(
    ("state", "names"),
    [
        ("live", ["Live sale"]),
        ("scheduled", ["Summer sale"]),
        ("expired", ["Spring sale"]),
        (None, ["Live sale", "Spring sale", "Summer sale", "Switched off"]),
    ],
)
def test_the_state_filter_finds_offers_by_state(merchandiser, offers_in_every_state, state, names):
    response = merchandiser.get(CHANGELIST, {"state": state} if state else {})
    assert sorted(offer.name for offer in response.context["cl"].result_list) == names


def test_a_used_up_offer_is_not_listed_as_live(merchandiser):
    Offer.objects.create(name="Used up", kind=OfferKind.PERCENT, value=10, code="GONE",
                         usage_limit=5, times_used=5)  # fmt: skip
    response = merchandiser.get(CHANGELIST, {"state": "live"})
    assert list(response.context["cl"].result_list) == []


def test_the_uses_column_shows_uses_out_of_the_limit(merchandiser):
    Offer.objects.create(name="Limited", kind=OfferKind.PERCENT, value=10, code="FIVE",
                         usage_limit=5, times_used=2)  # fmt: skip
    content = merchandiser.get(CHANGELIST).content.decode()
    assert '<td class="field-uses">2 / 5</td>' in content


def test_the_state_column_names_the_state(merchandiser, offers_in_every_state):
    content = merchandiser.get(CHANGELIST).content.decode()
    for state in ("live", "scheduled", "expired", "switched off"):
        assert f'<td class="field-state">{state}</td>' in content


# The price preview.


def test_the_price_preview_shows_each_place_its_own_total(merchandiser):
    Offer.objects.create(name="10% off in Kyushu", kind=OfferKind.PERCENT, value=10,
                         regions=KYUSHU)  # fmt: skip
    product = ProductFactory(name="Cat kibble", price=Decimal(2000))
    response = merchandiser.get(
        PREVIEW, {"places": ["JP-40", "JP-13"], "product_0": product.pk, "quantity_0": 2}
    )
    assert response.status_code == 200
    assert [(str(row["place"]), row["total"]) for row in response.context["results"]] == [
        ("Fukuoka", "¥4,200"),
        ("Tokyo", "¥4,600"),
    ]
    content = response.content.decode()
    assert "10% off in Kyushu (−¥400)" in content
    assert "¥4,200" in content and "¥4,600" in content


def test_the_price_preview_explains_a_code_that_does_not_apply(merchandiser):
    Offer.objects.create(name="5% off in Kyushu", kind=OfferKind.PERCENT, value=5,
                         regions=KYUSHU, code="KYUSHU5")  # fmt: skip
    product = ProductFactory(price=Decimal(2000))
    response = merchandiser.get(
        PREVIEW, {"places": ["JP-13"], "product_0": product.pk, "codes": "kyushu5"}
    )
    assert "“KYUSHU5” is not valid for you or your region." in response.content.decode()
