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


def test_name_matches_fill_the_first_pages_before_description_matches(client, category):
    # More matches than a page, description-only ones first in the alphabet: the order is the
    # ranking's across pages, not the alphabet's, nor that of the first matches found.
    Product.objects.bulk_create(
        [
            *(
                ProductFactory.build(
                    name=f"Bowl {n:02}",
                    slug=f"bowl-{n}",
                    description="Sits well on a blanket.",
                    category=category,
                )
                for n in range(20)
            ),
            *(
                ProductFactory.build(
                    name=f"Warm blanket {n:02}", slug=f"blanket-{n}", category=category
                )
                for n in range(30)
            ),
        ]
    )
    response = client.get(reverse("catalog:search"), {"q": "blanket", "page": 2})
    first = names(client, "blanket")
    second = [product.name for product in response.context["page"].object_list]
    assert first == [f"Warm blanket {n:02}" for n in range(24)]
    assert second == [
        *(f"Warm blanket {n:02}" for n in range(24, 30)),
        *(f"Bowl {n:02}" for n in range(18)),
    ]


def test_the_search_index_takes_new_products_without_a_pending_list(category):
    # No pending list for VACUUM to merge later (migration 0011): where autovacuum is off or
    # behind, every search read the whole list, and the planner scanned every product instead.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE relname = 'catalog_product_search_vector'"
        )
        [options] = cursor.fetchone()
    assert "fastupdate=off" in options
