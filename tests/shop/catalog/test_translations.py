"""Product and category names in the visitor's language, else in English."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import translation

from shop.catalog.models import Category, Product
from tests.factories import CategoryFactory, ProductFactory, UserFactory
from tests.pages import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def salmon(db) -> Product:
    category = CategoryFactory(name_en="Dry food", name_ja="ドライフード", slug="dry-food")
    return ProductFactory(
        name_en="Salmon cat food",
        name_ja="サーモンのキャットフード",
        description_en="Salmon from Hokkaido.",
        description_ja="北海道産のサーモン。",
        slug="salmon-cat-food",
        category=category,
    )


def get(client: Client, url: str, language: str) -> str:
    return page_text(client.get(url, headers={"Accept-Language": language}))


def test_a_japanese_visitor_reads_japanese_names_in_listings(client, salmon):
    text = get(client, reverse("catalog:category", kwargs={"slug": "dry-food"}), "ja")
    assert "サーモンのキャットフード" in text and "ドライフード" in text
    assert "Salmon cat food" not in text


def test_an_english_visitor_reads_english_names_in_listings(client, salmon):
    text = get(client, reverse("catalog:category", kwargs={"slug": "dry-food"}), "en")
    assert "Salmon cat food" in text and "Dry food" in text
    assert "サーモン" not in text


def test_the_product_page_is_in_the_visitors_language(client, salmon):
    japanese = get(client, salmon.get_absolute_url(), "ja")
    assert "サーモンのキャットフード" in japanese and "北海道産のサーモン。" in japanese
    english = get(client, salmon.get_absolute_url(), "en")
    assert "Salmon cat food" in english and "Salmon from Hokkaido." in english


def test_a_product_without_japanese_text_shows_english_to_a_japanese_visitor(client):
    product = ProductFactory(name_en="Cooling mat", description_en="Keeps dogs cool.")
    text = get(client, product.get_absolute_url(), "ja")
    assert "Cooling mat" in text and "Keeps dogs cool." in text


def test_the_menu_names_categories_in_the_visitors_language(client):
    CategoryFactory(name_en="Toys", name_ja="おもちゃ", slug="toys")
    assert "おもちゃ" in get(client, "/", "ja")
    assert "Toys" in get(client, "/", "en")


def test_search_finds_a_product_by_its_japanese_name_in_japanese(salmon):
    with translation.override("ja"):
        assert list(Product.objects.search("サーモン")) == [salmon]
        assert list(Product.objects.search("salmon")) == [salmon]
    with translation.override("en"):
        assert list(Product.objects.search("salmon")) == [salmon]


def test_search_reads_only_english_and_the_active_language(salmon):
    with translation.override("en"):
        assert list(Product.objects.search("サーモン")) == []


def test_the_search_page_finds_japanese_names(client, salmon):
    text = get(client, reverse("catalog:products") + "?q=サーモン", "ja")
    assert "サーモンのキャットフード" in text


def merchandiser() -> Client:
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="Merchandisers"))
    client = Client()
    client.force_login(user)
    return client


def test_a_merchandiser_saves_both_languages_in_the_admin(db):
    client = merchandiser()
    category = CategoryFactory(name_en="Food", slug="food")
    response = client.post(
        reverse("admin:catalog_category_change", args=[category.pk]),
        {
            "name_en": "Food",
            "name_ja": "フード",
            "slug": "food",
            "parent": "",
            "description_en": "Meals and treats.",
            "description_ja": "ごはんとおやつ。",
            "position": "0",
        },
    )
    assert response.status_code == 302, page_text(response)
    category = Category.objects.get(pk=category.pk)
    assert (category.name_en, category.name_ja) == ("Food", "フード")
    assert (category.description_en, category.description_ja) == (
        "Meals and treats.",
        "ごはんとおやつ。",
    )


def test_the_admin_finds_a_product_by_its_name_in_any_language(salmon):
    changelist = reverse("admin:catalog_product_changelist")
    for query in ("サーモン", "Salmon"):
        response = merchandiser().get(changelist, {"q": query})
        assert list(response.context["cl"].result_list) == [salmon]
