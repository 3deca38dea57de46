from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.text import slugify

from tests.factories import CategoryFactory, ProductFactory, ProductImageFactory

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [product.name for product in response.context["page"].object_list]


def test_listing_shows_active_products_only(client, category):
    ProductFactory(name="Chicken kibble", category=category)
    ProductFactory(name="Retired kibble", category=category, is_active=False)
    response = client.get(reverse("catalog:products"))
    assert response.status_code == 200
    assert names(response) == ["Chicken kibble"]


def test_category_page_includes_its_subcategories(client, category):
    wet = CategoryFactory(name="Wet food", slug="wet-food", parent=category)
    toys = CategoryFactory(name="Toys", slug="toys")
    ProductFactory(name="Tuna pouch", category=wet)
    ProductFactory(name="Kibble", category=category)
    ProductFactory(name="Ball", category=toys)
    response = client.get(reverse("catalog:category", args=["food"]))
    assert sorted(names(response)) == ["Kibble", "Tuna pouch"]
    assert b"Wet food" in response.content


def test_filters_by_pet_type_and_stock(client, category):
    ProductFactory(name="Cat tree", pet_type="cat", category=category)
    ProductFactory(name="Cat bed", pet_type="cat", stock=0, category=category)
    ProductFactory(name="Dog lead", pet_type="dog", category=category)
    response = client.get(reverse("catalog:products"), {"pet": "cat", "in_stock": "on"})
    assert names(response) == ["Cat tree"]


def test_sorts_by_price(client, category):
    ProductFactory(name="Mid", price=Decimal(500), category=category)
    ProductFactory(name="Cheap", price=Decimal(100), category=category)
    ProductFactory(name="Dear", price=Decimal(900), category=category)
    assert names(client.get(reverse("catalog:products"), {"sort": "price"})) == [
        "Cheap",
        "Mid",
        "Dear",
    ]
    assert names(client.get(reverse("catalog:products"), {"sort": "-price"}))[0] == "Dear"


def test_invalid_filter_values_are_ignored(client, category):
    ProductFactory(name="Kibble", category=category)
    response = client.get(reverse("catalog:products"), {"pet": "dragon", "sort": "drop table"})
    assert response.status_code == 200
    assert names(response) == ["Kibble"]


def test_paginates_and_keeps_filters_in_page_links(client, category):
    for number in range(30):
        ProductFactory(name=f"Treat {number:02}", category=category, pet_type="dog")
    response = client.get(reverse("catalog:products"), {"pet": "dog"})
    assert len(names(response)) == 24
    assert b"pet=dog&amp;page=2" in response.content
    second = client.get(reverse("catalog:products"), {"pet": "dog", "page": 2})
    assert len(names(second)) == 6
    # A page past the end shows the last page rather than an error.
    assert names(client.get(reverse("catalog:products"), {"page": 99})) == names(second)


def test_search_finds_words_in_name_and_description(client, category):
    ProductFactory(name="Cooling mat", description="Keeps dogs cool in summer.", category=category)
    ProductFactory(name="Heated bed", description="Warm through the winter.", category=category)
    assert names(client.get(reverse("catalog:search"), {"q": "cooling"})) == ["Cooling mat"]
    assert names(client.get(reverse("catalog:search"), {"q": "winter"})) == ["Heated bed"]


def test_search_without_results_says_so(client, category):
    response = client.get(reverse("catalog:search"), {"q": "unicorn saddle"})
    assert names(response) == []
    assert b"No products match" in response.content


def test_search_escapes_the_query(client, category):
    response = client.get(reverse("catalog:search"), {"q": "<script>alert(1)</script>"})
    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;" in response.content


def test_product_page_shows_price_stock_and_sale(client, category):
    product = ProductFactory(
        name="Paw balm",
        price=Decimal(1480),
        compare_at_price=Decimal(1980),
        stock=3,
        category=category,
    )
    response = client.get(product.get_absolute_url())
    content = response.content.decode()
    assert "Paw balm" in content
    assert "¥1,480" in content and "¥1,980" in content
    assert "Only 3 left" in content


def test_out_of_stock_product_cannot_be_added(client, category):
    product = ProductFactory(stock=0, category=category)
    content = client.get(product.get_absolute_url()).content.decode()
    assert "Out of stock" in content
    assert "Add to basket" not in content


def test_unknown_product_gives_a_friendly_404(client):
    response = client.get(reverse("catalog:product", args=["no-such-thing"]))
    assert response.status_code == 404
    assert "We couldn’t find that page" in response.content.decode()


def test_home_page_lists_seasonal_and_new_products(client, category):
    ProductFactory(name="Everyday kibble", category=category)
    response = client.get(reverse("catalog:home"))
    assert response.status_code == 200
    assert "Everyday kibble" in response.content.decode()


def test_the_seasonal_list_shows_the_seasons_first_products_by_name(client, settings, category):
    from shop.catalog.models import Product, Season

    settings.PAGECACHE_ENABLED = False  # a render, not a page from the cache
    # Every season has products, so whichever one the visitor is in today, its list has some;
    # "Aa …" all-year products come first in the alphabet and must not crowd the season out.
    Product.objects.bulk_create(
        ProductFactory.build(
            name=name,
            slug=slugify(name),
            category=category,
            season=season,
            stock=0 if number == 0 else 5,  # the first by name is out of stock
            is_active=number != 1,  # the second by name is withdrawn
        )
        for season in Season.values
        for number in range(11)
        for name in [f"{season.title()} coat {number:02}", f"Aa chew {season} {number:02}"]
        if not name.startswith("Aa") or season == Season.ALL_YEAR
    )
    response = client.get(reverse("catalog:home"))
    season = response.context["season"]
    expected = [f"{season.title()} coat {number:02}" for number in range(2, 10)]
    if season == Season.ALL_YEAR:
        expected = sorted([*expected, *(f"Aa chew all {n:02}" for n in range(2, 11))])[:8]
    assert [product.name for product in response.context["seasonal"]] == expected


@pytest.mark.parametrize("url_name", ["catalog:products", "catalog:home"])
def test_list_queries_do_not_grow_with_products(
    client, django_assert_max_num_queries, settings, url_name
):
    settings.PAGECACHE_ENABLED = False  # what a render costs, not a page from the cache
    category = CategoryFactory()

    def make(count: int) -> None:
        for _ in range(count):
            ProductImageFactory(product=ProductFactory(category=category))

    make(3)
    client.get(reverse(url_name))  # warm up the session
    make(1)  # both pages measured follow a change of the catalogue (a listing counts again)
    with django_assert_max_num_queries(8) as few:
        client.get(reverse(url_name))
    make(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse(url_name))


@pytest.mark.parametrize(
    ("country", "month", "season"),
    [("JP", 6, "rainy"), ("JP", 1, "winter"), ("AU", 1, "summer"), ("GB", 7, "summer")],
)
def test_the_home_page_suggests_the_visitors_own_season(country, month, season):
    import datetime

    from personalization.visitor import resolve_visitor
    from shop.catalog.views import catalog_season

    now = datetime.datetime(2026, month, 15, 3, 0, tzinfo=datetime.UTC)
    assert catalog_season(resolve_visitor(overrides={"country": country}, now=now)) == season


def test_products_and_the_basket_come_before_the_profile_card(client, category):
    from personalization.models import Question

    Question.objects.create(key="pet", prompt="Dog or cat?", kind="text")
    for n in range(3):
        ProductFactory(name=f"Kibble {n}", category=category)
    for url in (reverse("catalog:home"), reverse("catalog:category", args=[category.slug])):
        page = client.get(url).content.decode()
        assert 'class="product-grid"' in page and 'id="profile-card"' in page, url
        # What the visitor came for first; what we ask of them after it.
        assert page.index('class="product-grid"') < page.index('id="profile-card"'), url
    page = client.get(reverse("basket:detail")).content.decode()
    assert page.index('id="basket-body"') < page.index('id="profile-card"')


def test_a_listing_counts_its_products_once_per_catalogue_version(client, settings, category):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGECACHE_ENABLED = False  # a render each time
    for number in range(30):
        ProductFactory(name=f"Kibble {number}", category=category)
    url = reverse("catalog:products")

    def counted() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            html = client.get(url).content.decode()
        return sum("COUNT(*)" in q["sql"] for q in captured), html

    counts, html = counted()
    assert counts == 1 and "Page 1 of 2" in html
    counts, html = counted()
    assert counts == 0 and "Page 1 of 2" in html  # the same catalogue: counted already
    for number in range(30, 50):
        ProductFactory(name=f"Kibble {number}", category=category)  # each save bumps it
    counts, html = counted()
    assert counts == 1 and "Page 1 of 3" in html
