"""Store names and addresses in the visitor's language, from a snapshot shared by both."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from shop.stores.nearby import stores_cached
from tests.factories import StoreFactory
from tests.pages import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def kobe(db):
    return StoreFactory(
        name_en="Storefront Sannomiya", name_ja="ストアフロント三宮店",
        city_en="Kobe", city_ja="神戸市",
        address_en="2-7-4 Sannomiya-cho", address_ja="中央区三宮町2-7-4",
    )  # fmt: skip


def stores_page(client, language: str) -> str:
    return page_text(client.get(reverse("stores:list"), headers={"Accept-Language": language}))


@pytest.mark.parametrize("loaded_in", ["en", "ja"])
def test_each_visitor_reads_stores_in_their_language_whoever_loaded_them(client, kobe, loaded_in):
    with translation.override(loaded_in):
        stores_cached()
    japanese = stores_page(client, "ja")
    assert "ストアフロント三宮店" in japanese and "中央区三宮町2-7-4" in japanese
    english = stores_page(client, "en")
    assert "Storefront Sannomiya" in english and "2-7-4 Sannomiya-cho" in english
    assert "三宮" not in english


def test_a_store_without_japanese_text_reads_in_english(client):
    StoreFactory(name_en="Storefront Islington", city_en="London", address_en="48 Upper Street")
    assert "Storefront Islington" in stores_page(client, "ja")
