"""Product and category links are remembered, but never across script prefixes or URL confs."""

from __future__ import annotations

import pytest
from django.urls import get_script_prefix, reverse, set_script_prefix

from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_a_product_link_follows_the_script_prefix_it_is_served_under(category):
    product = ProductFactory(slug="cooling-mat", category=category)
    assert product.get_absolute_url() == reverse("catalog:product", kwargs={"slug": "cooling-mat"})
    before = get_script_prefix()
    set_script_prefix("/shop/")
    try:
        assert product.get_absolute_url() == "/shop/p/cooling-mat/"
        assert category.get_absolute_url() == f"/shop/c/{category.slug}/"
    finally:
        set_script_prefix(before)
    assert product.get_absolute_url() == "/p/cooling-mat/"


def test_a_renamed_slug_links_to_its_new_address(category):
    product = ProductFactory(slug="rope-toy", category=category)
    assert product.get_absolute_url() == "/p/rope-toy/"
    product.slug = "chew-rope"
    assert product.get_absolute_url() == "/p/chew-rope/"
