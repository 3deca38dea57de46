"""The offer form: fields the kind and scope do not use are ignored, region sets and regions come
from one picker, and the price preview beside the form prices the offer as filled in without
saving anything."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kernel.snapshot import Snapshot
from personalization.models import RegionSet
from shop.offers.forms import OfferForm, field_applies
from shop.offers.models import Offer, OfferKind, OfferScope
from tests.factories import CategoryFactory, ProductFactory, StoreFactory, UserFactory
from tests.shop.offers.test_admin import ADD, offer_form, staff_client

pytestmark = pytest.mark.django_db

FORM_PREVIEW = reverse("admin:offers_offer_form_preview")


@pytest.fixture
def merchandiser(db) -> Client:
    return staff_client("Merchandisers")


def change_url(offer: Offer) -> str:
    return reverse("admin:offers_offer_change", args=[offer.pk])


# Which fields apply.


@pytest.mark.parametrize(
    ("name", "data", "applies"),
    [
        ("value", {"kind": OfferKind.PERCENT}, True),
        ("value", {"kind": OfferKind.FIXED}, True),
        ("value", {"kind": OfferKind.FREE_SHIPPING}, False),
        ("value", {"kind": OfferKind.BUY_X_GET_Y}, False),
        ("buy_quantity", {"kind": OfferKind.BUY_X_GET_Y}, True),
        ("get_quantity", {"kind": OfferKind.PERCENT}, False),
        ("categories", {"scope": OfferScope.CATEGORIES}, True),
        ("categories", {"scope": OfferScope.PRODUCTS}, False),
        ("products", {"scope": OfferScope.PRODUCTS}, True),
        ("products", {"scope": OfferScope.BASKET}, False),
        ("store", {"store_only": True}, True),
        ("store", {"store_only": False}, False),
        ("pet_types", {"scope": OfferScope.BASKET}, True),  # with any scope
    ],
)
def test_a_field_applies_only_to_the_kinds_and_scopes_that_use_it(name, data, applies):
    assert field_applies(name, data) is applies


def test_each_conditional_field_names_its_control_for_the_page(merchandiser):
    content = merchandiser.get(ADD).content.decode()
    assert 'data-shown-when="kind:buy_x_get_y"' in content
    assert 'data-shown-when="kind:fixed percent"' in content
    assert 'data-shown-when="scope:categories"' in content
    assert 'data-shown-when="store_only:on"' in content


def test_without_javascript_every_field_is_on_the_page(merchandiser):
    content = merchandiser.get(ADD).content.decode()
    for name in ("value", "buy_quantity", "get_quantity", "categories", "products", "store"):
        assert f'name="{name}"' in content


# Fields that do not apply are ignored.


def test_buy_and_get_quantities_are_ignored_for_a_percentage(merchandiser):
    response = merchandiser.post(ADD, offer_form(buy_quantity="3", get_quantity="1"))
    assert response.status_code == 302
    offer = Offer.objects.get()
    assert (offer.value, offer.buy_quantity, offer.get_quantity) == (Decimal(10), 0, 0)


def test_the_value_is_ignored_for_free_shipping_even_when_it_is_nonsense(merchandiser):
    response = merchandiser.post(ADD, offer_form(kind=OfferKind.FREE_SHIPPING, value="lots"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Offer.objects.get().value == Decimal(0)


def test_products_are_ignored_when_the_offer_applies_to_categories(merchandiser):
    category = CategoryFactory()
    product = ProductFactory()
    response = merchandiser.post(
        ADD,
        offer_form(scope=OfferScope.CATEGORIES, categories=[category.pk], products=[product.pk]),
    )
    assert response.status_code == 302
    offer = Offer.objects.get()
    assert list(offer.categories.all()) == [category]
    assert list(offer.products.all()) == []


def test_the_store_is_ignored_without_a_store_code(merchandiser):
    store = StoreFactory()
    response = merchandiser.post(ADD, offer_form(code="KOBE10", store=store.pk))
    assert response.status_code == 302
    assert Offer.objects.get().store is None


def test_a_store_code_keeps_its_store(merchandiser):
    store = StoreFactory()
    response = merchandiser.post(ADD, offer_form(code="KOBE10", store_only="on", store=store.pk))
    assert response.status_code == 302
    assert Offer.objects.get().store == store


# Fields that are needed are asked for.


def test_buy_x_get_y_asks_for_its_quantities(merchandiser):
    response = merchandiser.post(ADD, offer_form(kind=OfferKind.BUY_X_GET_Y))
    assert "Say how many to buy and how many are free." in response.content.decode()
    assert not Offer.objects.exists()


@pytest.mark.parametrize(
    ("scope", "message"),
    [
        (OfferScope.CATEGORIES, "Choose the categories the offer applies to."),
        (OfferScope.PRODUCTS, "Choose the products the offer applies to."),
        (OfferScope.PET_TYPES, "Choose the pet types the offer applies to."),
    ],
)
def test_a_scope_asks_for_what_it_applies_to(merchandiser, scope, message):
    response = merchandiser.post(ADD, offer_form(scope=scope))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Offer.objects.exists()


# One picker for region sets and regions.


def test_region_sets_and_regions_picked_together_are_stored_apart(merchandiser):
    rural = RegionSet.objects.create(name="Rural Japan", slug="rural-japan", country="JP",
                                     regions=["JP-01"])  # fmt: skip
    response = merchandiser.post(ADD, offer_form(regions=["set:rural-japan", "JP-01", "JP-47"]))
    assert response.status_code == 302
    offer = Offer.objects.get()
    assert offer.regions == ["JP-01", "JP-47"]
    assert list(offer.region_sets.all()) == [rural]


def test_the_picker_shows_an_offers_region_sets_and_regions_as_chosen():
    rural = RegionSet.objects.create(name="Rural Japan", slug="rural-japan", country="JP")
    offer = Offer.objects.create(name="Hokkaido", kind=OfferKind.PERCENT, value=5,
                                 regions=["JP-01"])  # fmt: skip
    offer.region_sets.set([rural])
    html = str(OfferForm(instance=offer)["regions"])
    assert 'value="set:rural-japan" id="id_regions_0_0" checked' in html
    assert 'value="JP-01" id="id_regions_1_0" checked' in html
    assert "<legend>Region sets</legend>" in html and "<legend>Japan</legend>" in html


def test_an_unknown_region_set_is_refused(merchandiser):
    response = merchandiser.post(ADD, offer_form(regions=["set:atlantis"]))
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()


# The price preview beside the form.


@pytest.fixture
def cat_food(db):
    food = CategoryFactory(name="Cat food", slug="cat-food")
    return ProductFactory(name="Salmon cat food", price=Decimal(2400), category=food)


def test_the_preview_prices_samples_with_the_offer_as_filled_in(merchandiser, cat_food):
    response = merchandiser.post(
        FORM_PREVIEW,
        offer_form(scope=OfferScope.CATEGORIES, categories=[cat_food.category_id]),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    preview = response.context["preview"]
    assert [(s.product, s.before, s.after) for s in preview.products] == [
        (cat_food, Decimal(2400), Decimal(2160))
    ]
    assert (preview.before.total, preview.after.total) == (Decimal(3000), Decimal(2760))
    content = response.content.decode()
    assert "Salmon cat food" in content and "¥2,400" in content and "¥2,160" in content
    assert "<html" not in content  # htmx gets the fragment only


def test_the_preview_of_free_shipping_over_a_minimum_fills_the_basket_to_it(merchandiser, cat_food):
    response = merchandiser.post(
        FORM_PREVIEW, offer_form(kind=OfferKind.FREE_SHIPPING, min_subtotal="4000")
    )
    preview = response.context["preview"]
    assert preview.lines == [(cat_food, 2)]
    assert (preview.before.shipping, preview.after.shipping) == (Decimal(600), Decimal(0))
    assert "Basket of ¥4,800: free shipping" in response.content.decode()


def test_the_preview_of_buy_two_get_one_shows_a_whole_group(merchandiser, cat_food):
    response = merchandiser.post(
        FORM_PREVIEW, offer_form(kind=OfferKind.BUY_X_GET_Y, buy_quantity="2", get_quantity="1")
    )
    preview = response.context["preview"]
    assert preview.lines == [(cat_food, 3)]
    assert preview.after.discount_total == Decimal(2400)


def test_the_preview_ignores_who_and_when_the_offer_is_for(merchandiser, cat_food):
    response = merchandiser.post(
        FORM_PREVIEW,
        offer_form(regions=["JP-01"], signed_in_only="on", code="HOKKAIDO",
                   starts_at_0="2099-01-01", starts_at_1="00:00"),
    )  # fmt: skip
    assert response.context["preview"].products[0].after == Decimal(2160)


def test_the_preview_names_what_to_correct(merchandiser, cat_food):
    response = merchandiser.post(FORM_PREVIEW, offer_form(value="150"))
    assert response.context["preview"] is None
    assert "Value: A percentage is between 1 and 100." in response.content.decode()


def test_the_preview_of_an_offer_being_changed_uses_the_form_not_the_saved_offer(
    merchandiser, cat_food
):
    offer = Offer.objects.create(name="10% off", kind=OfferKind.PERCENT, value=10, code="TEN")
    response = merchandiser.post(
        f"{FORM_PREVIEW}?offer={offer.pk}", offer_form(value="25", code="TEN")
    )
    assert response.context["preview"].products[0].after == Decimal(1800)
    offer.refresh_from_db()
    assert offer.value == Decimal(10)


def test_the_preview_writes_nothing_and_bumps_no_snapshot(merchandiser, cat_food, monkeypatch):
    offer = Offer.objects.create(name="10% off", kind=OfferKind.PERCENT, value=10)
    bumped = []
    monkeypatch.setattr(Snapshot, "bump", lambda self: bumped.append(self))
    with CaptureQueriesContext(connection) as queries:
        response = merchandiser.post(f"{FORM_PREVIEW}?offer={offer.pk}", offer_form(value="20"))
    assert response.status_code == 200
    writes = [
        q["sql"] for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "django_session" not in q["sql"]
    ]  # fmt: skip
    assert writes == []
    assert bumped == []
    assert Offer.objects.count() == 1


def test_without_javascript_the_preview_is_a_page(merchandiser, cat_food):
    response = merchandiser.post(FORM_PREVIEW, offer_form())
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" in content and "What the offer does to prices" in content
    assert "¥2,160" in content


def test_the_change_form_has_the_preview_beside_it(merchandiser):
    offer = Offer.objects.create(name="10% off", kind=OfferKind.PERCENT, value=10)
    content = merchandiser.get(change_url(offer)).content.decode()
    assert f'hx-post="{FORM_PREVIEW}?offer={offer.pk}"' in content
    assert 'hx-trigger="load, change, keyup changed delay:500ms"' in content
    assert f'formaction="{FORM_PREVIEW}?offer={offer.pk}"' in content


def test_a_new_offer_is_previewed_once_a_field_changes(merchandiser):
    content = merchandiser.get(ADD).content.decode()
    assert 'hx-trigger="change, keyup changed delay:500ms"' in content
    assert "Choose a kind and what the offer applies to, and prices show here." in content


def test_staff_who_may_only_view_offers_get_no_preview_beside_the_form():
    offer = Offer.objects.create(name="10% off", kind=OfferKind.PERCENT, value=10)
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_offer"))
    client = Client()
    client.force_login(user)
    content = client.get(change_url(offer)).content.decode()
    assert FORM_PREVIEW not in content


# Who may preview.


def test_staff_without_the_change_permission_get_403(cat_food):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_offer"))
    client = Client()
    client.force_login(user)
    assert client.post(FORM_PREVIEW, offer_form()).status_code == 403


def test_an_editor_gets_403(cat_food):
    assert staff_client("Editors").post(FORM_PREVIEW, offer_form()).status_code == 403


def test_a_visitor_who_is_not_staff_is_sent_to_sign_in(client):
    response = client.post(FORM_PREVIEW, offer_form())
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_preview_needs_the_csrf_token(cat_food):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="Merchandisers"))
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(FORM_PREVIEW, offer_form()).status_code == 403


def test_the_preview_answers_only_posts(merchandiser):
    assert merchandiser.get(FORM_PREVIEW).status_code == 405
