"""Search on PostgreSQL: the stored search vector, matched with @@ and kept current by the
database on every write. Run with DATABASE_URL=postgres://... (CI does)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from shop.catalog.models import Product
from tests.factories import ProductFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Needs PostgreSQL (DATABASE_URL=postgres://...): full-text search is its own.",
    ),
    pytest.mark.django_db,
]


def names(client, query: str) -> list[str]:
    response = client.get(reverse("catalog:search"), {"q": query})
    assert response.status_code == 200
    return [product.name for product in response.context["page"].object_list]


def test_two_words_find_only_the_products_that_have_both(client, category):
    ProductFactory(name="Cooling vest", description="For hot walks.", category=category)
    ProductFactory(name="Door mat", description="Wipes paws.", category=category)
    ProductFactory(name="Cooling mat", description="Keeps dogs cool.", category=category)
    ProductFactory(name="Salmon kibble", description="Dry food.", category=category)
    assert names(client, "cooling mat") == ["Cooling mat"]
    assert names(client, "cooling") == ["Cooling mat", "Cooling vest"]  # stemmed: "cool"


def test_a_name_in_the_name_ranks_above_a_word_in_a_description(client, category):
    ProductFactory(name="Travel bowl", description="Folds flat; a blanket fits beside it.")
    ProductFactory(name="Fleece blanket", description="Soft.", category=category)
    assert names(client, "blanket") == ["Fleece blanket", "Travel bowl"]


def test_a_renamed_product_is_found_by_its_new_name_only(client, category):
    product = ProductFactory(name="Rope toy", category=category)
    product.name_en = "Chew rope"
    product.save()
    assert names(client, "chew") == ["Chew rope"]
    assert names(client, "toy") == []


def test_products_written_in_bulk_are_searchable(client, category):
    Product.objects.bulk_create(
        ProductFactory.build(name=f"Puzzle feeder {n}", slug=f"puzzle-{n}", category=category)
        for n in range(3)
    )
    Product.objects.filter(slug="puzzle-0").update(name_en="Snuffle mat")
    assert names(client, "puzzle feeder") == ["Puzzle feeder 1", "Puzzle feeder 2"]
    assert names(client, "snuffle") == ["Snuffle mat"]


def test_a_japanese_reader_finds_a_word_inside_a_japanese_name(category):
    ProductFactory(name_en="Salmon cat food", name_ja="サーモンのキャットフード", category=category)
    with translation.override("ja"):
        found = [p.name_en for p in Product.objects.search("キャット")]
    assert found == ["Salmon cat food"]


def test_search_reads_the_stored_vector_instead_of_computing_one_per_row(category):
    ProductFactory(name="Cooling mat", category=category)
    with CaptureQueriesContext(connection) as queries:
        assert len(Product.objects.search("cooling mat")) == 1
    [sql] = [q["sql"] for q in queries.captured_queries]
    assert '"search_vector" @@' in sql
    assert "to_tsvector" not in sql
